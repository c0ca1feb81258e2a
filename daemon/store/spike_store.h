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
//   {P}:spk:log                          zset    the spikes raised, for the console's volume charts:
//                                                member a JSON object (Mark), score the start of
//                                                the bucket it was raised on; one member per
//                                                series and bucket; the newest kLogMax, none older
//                                                than kLogRetention
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

  // A spike as the volume charts mark it.
  struct Mark {
    std::string series;                 // "<platform>|<category>" or "tag:<tag>"
    std::string platform, category, tag;  // what the series counts (empty when it does not say)
    std::int64_t at = 0;                // the start of the window that spiked, ms
    std::int64_t bucket = 0;            // the start of the 5-minute bucket it was raised on, ms
    std::int64_t until = 0;             // the end of that bucket, ms
    std::int64_t count = 0;             // mentions in the window
    double expected = 0;                // mentions the baseline expected in the window
    std::optional<std::int64_t> ended;  // when it was over (spike_over raised), ms
    bool operator==(const Mark&) const = default;
  };
  static constexpr std::int64_t kLogRetention = 400LL * 24 * 3600 * 1000;
  static constexpr size_t kLogMax = 20'000;
  // Records a spike raised (replacing the record of the same series and bucket: an evaluation
  // repeated after a lost lease) and drops records past kLogRetention or kLogMax at `now_ms`.
  void log_spike(const Mark& m, std::int64_t now_ms);
  // Records that the spike of `series` raised on the bucket starting `bucket_ms` ended at
  // `ended_ms`; nothing when there is no such record.
  void log_over(const std::string& series, std::int64_t bucket_ms, std::int64_t ended_ms);
  // The spikes whose window started in [since, until), oldest first.
  std::vector<Mark> marks(std::int64_t since, std::int64_t until);

 private:
  RedisPool& pool_;
  std::string kp_;
  std::chrono::milliseconds retention_;
};

}  // namespace carewatch
