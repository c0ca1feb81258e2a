// Recurring issues in Redis: complaints grouped in a sliding window by the band buckets of their
// signatures (rules/complaint_signature.h), shared by every daemon on the same Redis and prefix.
// The rules are those of rules/complaint_groups.h (the in-memory version the offline measurement
// uses); lua/group_assign.lua has the layout:
//   {P}:lsh:<band>:<bucket>, {P}:mg:<uid>, {P}:grp:seq, {P}:grp:<id>[:m|:a|:t], {P}:groups:announce
// Everything expires `window` after it was last written.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/store/redis_pool.h"
#include "mention/common/time.h"

namespace carewatch {

struct GroupStoreOptions {
  std::chrono::milliseconds window{std::chrono::hours(2)};
  size_t min_mentions = 5;   // N: members within the window ...
  size_t min_authors = 3;    // ... from M distinct authors, to announce a group
  int min_band_hits = 2;     // band buckets a complaint must share with a group to join it
};

// A complaint to group: its uid, author, platform and signature.
struct GroupCandidate {
  std::string uid;
  std::string author;        // who wrote it (distinct authors count)
  std::string platform;
  std::vector<std::string> terms;      // salient terms (top terms of the group)
  std::vector<std::uint64_t> buckets;  // one per band; empty: not grouped
};

struct GroupAssignment {
  std::string group;         // "" when not grouped
  std::int64_t size = 0;     // members within the window, this one included
  std::int64_t authors = 0;  // distinct authors within the window
  bool announced = false;    // this complaint made the group reach N and M first: it is announced
};

// A group as its alert shows it.
struct GroupSummary {
  std::string id;
  std::int64_t size = 0;     // members within the window as of its latest addition
  std::int64_t authors = 0;
  TimeMs created = 0, last = 0;
  std::vector<std::pair<std::string, std::int64_t>> terms;      // most counted first
  std::vector<std::string> samples;                              // newest member uids first
  std::vector<std::pair<std::string, std::int64_t>> platforms;   // members per platform
};

class GroupStore {
 public:
  // `prefix` as in QueueStoreOptions::prefix (keys are "{prefix}:...").
  GroupStore(RedisPool& pool, const std::string& prefix, GroupStoreOptions options);

  const GroupStoreOptions& options() const { return options_; }
  // Groups the complaints, in order, in one script call (one round trip). A uid grouped before
  // (a replayed page) changes nothing and gets its group's current figures. `now` replaces
  // Redis's clock (tests, replays). Throws RedisUnavailable when Redis is away.
  std::vector<GroupAssignment> assign(const std::vector<GroupCandidate>& complaints,
                                      std::optional<TimeMs> now = std::nullopt);

  // Groups that reached the thresholds (at or before `until`, when given) and whose alert is not
  // raised yet, oldest first.
  std::vector<std::string> announcements(size_t limit, std::optional<TimeMs> until = std::nullopt);
  // Once the alert of `group` is raised (durably): forget the announcement.
  void announced_done(const std::string& group);
  // nullopt when the group is gone (it expired).
  std::optional<GroupSummary> summary(const std::string& group, size_t top_terms = 50, size_t samples = 5);

 private:
  RedisPool& pool_;
  std::string kp_;  // "{prefix}"
  GroupStoreOptions options_;
  RedisScript assign_, read_;
};

}  // namespace carewatch
