// The spike detector's counts and state in Redis (daemon/alerts/spike_watch.h), on the shared
// pool. Layout (P the key prefix in its hash tag, "{cw}"):
//   {P}:spk:<bucket start ms>            hash    series -> mentions counted in that 5-minute bucket;
//                                                only series that had mentions; expires at the
//                                                bucket's start + retention
//   {P}:spks:<bucket start ms>:<series>  list    the uids of up to 5 recent mentions (samples for
//                                                an alert); expires after 2 hours
//   {P}:spk:since                        string  the first bucket counted (buckets before it are unknown)
//   {P}:spk:state                        hash    "~last" -> the last bucket evaluated;
//                                                series -> its detector state (SpikeState::serialize)
// Every call throws RedisUnavailable when Redis is away.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/store/redis_pool.h"

namespace carewatch {

class SpikeStore {
 public:
  static constexpr size_t kSamples = 5;

  // `retention`: how long a bucket's counts are kept (the detector's history and a day more).
  SpikeStore(RedisPool& pool, const std::string& prefix, std::chrono::milliseconds retention);

  // Counts per (bucket start ms, series), and sample uids per (bucket start ms, series), in one
  // pipelined round trip. Counts of buckets already past their retention at `now` are dropped.
  // Keys expire relative to `now` (PEXPIRE), so the daemon's clock decides, not Redis's.
  // The first call ever records `since_bucket_ms` as the first bucket counted.
  using Key = std::pair<std::int64_t, std::string>;
  void add(const std::map<Key, std::int64_t>& counts, const std::map<Key, std::vector<std::string>>& samples,
           std::int64_t since_bucket_ms, std::int64_t now_ms);

  // The first bucket counted (its start, ms), or nullopt before anything was counted.
  std::optional<std::int64_t> since();
  // The counts of each bucket (by its start, ms): series -> count; buckets without counts are absent.
  std::map<std::int64_t, std::map<std::string, std::int64_t>> read(const std::vector<std::int64_t>& bucket_starts);
  // The sample uids of a bucket's series, newest first.
  std::vector<std::string> samples(std::int64_t bucket_start_ms, const std::string& series);

  // The last bucket evaluated (its start, ms) and every series' state.
  struct State {
    std::optional<std::int64_t> last;
    std::map<std::string, std::string> series;
  };
  State state();
  // Records `last` and the states that changed, in one HSET.
  void save_state(std::int64_t last_bucket_ms, const std::map<std::string, std::string>& changed);

  std::string bucket_key(std::int64_t bucket_start_ms) const;

 private:
  RedisPool& pool_;
  std::string kp_;
  std::chrono::milliseconds retention_;
};

}  // namespace carewatch
