// The spike detector at run time: counts newly stored mentions per series in 5-minute buckets in
// Redis (daemon/store/spike_store.h), and evaluates each closed bucket once with the pure detector
// (daemon/alerts/spike_detector.h), raising Alert{spike} and Alert{spike_over} into the sink.
//
// Series: "<platform>|<category>" for every mention, and "tag:<tag>" for each tag of the mention
// that `tags` lists (the tags alert routes name). A mention counts in the bucket of its posted_at
// (so a poll that catches up after an outage fills the right buckets instead of looking like a
// spike), or of seen_at when posted_at is unknown or more than 10 minutes after seen_at.
//
// Several daemons may share Redis: counting is additive (HINCRBY), and evaluation runs under the
// lease "spikes"; the last bucket evaluated and each series' state (active spike, cooldown) are
// in Redis, so a restart or a second daemon neither re-raises nor forgets. Alert keys are
// deterministic ("spike:<series>:<bucket start ms>", "spike_over:<series>:<spike's bucket start
// ms>"), so an evaluation repeated after a lost lease is deduplicated by the outbox.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/alerts/alert.h"
#include "daemon/alerts/spike_detector.h"
#include "daemon/config/spike_config.h"
#include "daemon/store/queue_store.h"
#include "daemon/store/spike_store.h"
#include "daemon/telemetry/metrics.h"
#include "mention/mention.h"

namespace carewatch {

struct SpikeWatchOptions {
  SpikeConfig config;
  std::set<std::string> tags;                    // tags that get a series of their own
  std::string instance_id = "carewatch";         // the lease token of this daemon
  std::function<TimeMs()> clock;                 // ms since the epoch; default the system clock
  std::chrono::milliseconds tick_every{std::chrono::seconds(10)};  // start(): how often tick() runs
};

class SpikeWatch {
 public:
  // `store` gives the pool, the key prefix and the lease; `metrics` may be null.
  SpikeWatch(QueueStore& store, AlertSink& sink, Metrics* metrics, SpikeWatchOptions options);
  ~SpikeWatch();  // stop()s
  SpikeWatch(const SpikeWatch&) = delete;
  SpikeWatch& operator=(const SpikeWatch&) = delete;

  // Counts the mentions of an ok poll that were new (outcome queued or stored). Thread-safe; one
  // round trip. Throws RedisUnavailable (the caller logs it: the counts of that poll are lost).
  void count(const std::vector<Mention>& mentions, const std::vector<EnqueueOutcome>& outcomes);

  // Evaluates the buckets closed since the last one evaluated (at most the last hour's), when
  // this daemon holds the lease; returns the alerts raised. Throws RedisUnavailable (a later
  // tick evaluates the same buckets again; the alert keys make that harmless).
  size_t tick();

  // tick() every tick_every on a thread of its own (errors are logged), until stop(), which also
  // gives the lease up so another daemon takes over at once.
  void start();
  void stop();

 private:
  TimeMs now() const;
  Alert spike_alert(const std::string& series, std::int64_t bucket, const SpikeDecision& d);
  // What the spike log keeps of it, for the console's volume charts.
  static SpikeStore::Mark spike_mark(const std::string& series, std::int64_t bucket, const SpikeDecision& d);
  Alert over_alert(const std::string& series, std::int64_t bucket, const SpikeDecision& d);

  QueueStore& queue_;
  AlertSink& sink_;
  Metrics* metrics_;
  SpikeWatchOptions options_;
  SpikeParams params_;
  SpikeStore store_;
  std::mutex mutex_;  // one tick at a time
  std::thread thread_;
  std::mutex wait_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace carewatch
