// Recurring issues, in memory: complaints grouped in a sliding time window by their signatures
// (rules/complaint_signature.h). The same rules as the Redis implementation shared by daemons
// (daemon/store/group_store.h, lua/group_assign.lua), for measuring and tuning them offline
// (`carewatch eval-groups`) and for unit tests:
//
// - A band bucket remembers the group that last used it, for `window`.
// - A complaint joins the live group with the most band hits (at least min_band_hits; ties: the
//   oldest group), else starts a new group. Its buckets then point to that group.
// - A group's size is its members of the last `window`; its authors, the distinct authors of the
//   last `window`. A group with no new member for `window` dies; its id is never reused.
// - The addition that first makes a group reach min_mentions members from min_authors authors
//   announces it (once per group).
// - A uid added again (a replayed page) changes nothing and gets its group's figures.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mention/common/time.h"
#include "rules/complaint_signature.h"

namespace carewatch::rules {

struct GroupingParams {
  TimeMs window = 2 * 3600 * 1000;
  size_t min_mentions = 5;
  size_t min_authors = 3;
  int min_band_hits = 2;
};

struct GroupResult {
  std::int64_t group = 0;   // 0: not grouped (no salient term)
  std::int64_t size = 0;    // members within the window, this one included
  std::int64_t authors = 0; // distinct authors within the window
  bool announce = false;    // this addition made the group reach the thresholds first
};

class ComplaintGroups {
 public:
  explicit ComplaintGroups(GroupingParams params) : params_(params) {}
  // `at`: when the complaint was posted; additions come in time order (an earlier `at` counts as
  // the latest one seen).
  GroupResult add(const std::string& uid, const std::string& author, TimeMs at, const ComplaintSignature& sig);
  // The group's most frequent terms (bigrams first on equal counts), at most n.
  std::vector<std::pair<std::string, std::int64_t>> top_terms(std::int64_t group, size_t n) const;
  size_t live_groups() const { return groups_.size(); }

 private:
  struct Group {
    std::map<std::string, TimeMs> members;  // uid -> when
    std::map<std::string, TimeMs> authors;  // author -> latest
    std::map<std::string, std::int64_t> terms;
    TimeMs last_added = 0;
    bool announced = false;
  };
  void expire(TimeMs now);
  GroupingParams params_;
  TimeMs now_ = 0;
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, Group> groups_;
  std::unordered_map<std::uint64_t, std::pair<std::int64_t, TimeMs>> buckets_;  // -> group, set at
  std::unordered_map<std::string, std::pair<std::int64_t, TimeMs>> grouped_;    // uid -> group, at
};

// Top terms of a term -> count table: by count, then bigrams (more telling) before words, then
// alphabetically.
std::vector<std::pair<std::string, std::int64_t>> top_terms_of(const std::map<std::string, std::int64_t>& terms,
                                                               size_t n);

}  // namespace carewatch::rules
