#include "rules/complaint_groups.h"

#include <algorithm>

namespace carewatch::rules {

namespace {

template <typename Map>
void trim_before(Map& m, TimeMs cutoff) {
  for (auto it = m.begin(); it != m.end();) it = it->second <= cutoff ? m.erase(it) : std::next(it);
}

}  // namespace

void ComplaintGroups::expire(TimeMs now) {
  const TimeMs cutoff = now - params_.window;
  for (auto it = groups_.begin(); it != groups_.end();) it = it->second.last_added <= cutoff ? groups_.erase(it) : std::next(it);
  // Expired buckets and uids are dropped lazily, every so often (they are checked when read).
  if (buckets_.size() > 4096 && buckets_.size() > 64 * (groups_.size() + 1)) {
    for (auto it = buckets_.begin(); it != buckets_.end();) it = it->second.second <= cutoff ? buckets_.erase(it) : std::next(it);
    for (auto it = grouped_.begin(); it != grouped_.end();) it = it->second.second <= cutoff ? grouped_.erase(it) : std::next(it);
  }
}

GroupResult ComplaintGroups::add(const std::string& uid, const std::string& author, TimeMs at,
                                 const ComplaintSignature& sig) {
  now_ = std::max(now_, at);
  const TimeMs now = now_;
  const TimeMs cutoff = now - params_.window;
  expire(now);
  GroupResult r;
  if (auto g = grouped_.find(uid); g != grouped_.end() && g->second.second > cutoff) {
    if (auto it = groups_.find(g->second.first); it != groups_.end()) {
      trim_before(it->second.members, cutoff);
      trim_before(it->second.authors, cutoff);
      r.group = it->first;
      r.size = static_cast<std::int64_t>(it->second.members.size());
      r.authors = static_cast<std::int64_t>(it->second.authors.size());
      return r;
    }
  }
  if (sig.bands.empty()) return r;

  std::map<std::int64_t, int> hits;
  for (const uint64_t b : sig.bands) {
    auto it = buckets_.find(b);
    if (it == buckets_.end() || it->second.second <= cutoff) continue;
    if (groups_.count(it->second.first)) ++hits[it->second.first];
  }
  std::int64_t chosen = 0;
  int best = 0;
  for (const auto& [id, n] : hits)  // ascending id: on equal hits the oldest group stays
    if (n > best) best = n, chosen = id;
  if (best < params_.min_band_hits) chosen = next_id_++;
  Group& g = groups_[chosen];
  for (const uint64_t b : sig.bands) buckets_[b] = {chosen, now};
  grouped_[uid] = {chosen, now};
  g.members[uid] = now;
  g.authors[author] = now;
  trim_before(g.members, cutoff);
  trim_before(g.authors, cutoff);
  for (const auto& t : sig.terms) ++g.terms[t];
  g.last_added = now;
  r.group = chosen;
  r.size = static_cast<std::int64_t>(g.members.size());
  r.authors = static_cast<std::int64_t>(g.authors.size());
  if (!g.announced && static_cast<size_t>(r.size) >= params_.min_mentions &&
      static_cast<size_t>(r.authors) >= params_.min_authors) {
    g.announced = true;
    r.announce = true;
  }
  return r;
}

std::vector<std::pair<std::string, std::int64_t>> ComplaintGroups::top_terms(std::int64_t group, size_t n) const {
  auto it = groups_.find(group);
  if (it == groups_.end()) return {};
  return top_terms_of(it->second.terms, n);
}

std::vector<std::pair<std::string, std::int64_t>> top_terms_of(const std::map<std::string, std::int64_t>& terms,
                                                               size_t n) {
  std::vector<std::pair<std::string, std::int64_t>> all(terms.begin(), terms.end());
  auto bigram = [](const std::string& t) { return t.find(' ') != std::string::npos; };
  std::sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    if (bigram(a.first) != bigram(b.first)) return bigram(a.first);
    return a.first < b.first;
  });
  if (all.size() > n) all.resize(n);
  return all;
}

}  // namespace carewatch::rules
