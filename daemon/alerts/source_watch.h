// The source watch: alerts on broken and silent sources (detectors.sources).
//
// Each daemon records the polls of the sources it polls (record_poll, on the pollers' threads:
// it only appends to a buffer), and tick() (every 10 s: start() runs it on a thread of its own)
// writes the buffer to the sources' health in Redis ({P}:src:<source>, SourceHealthStore), then,
// on the one daemon holding the "sources" lease, decides (source_health.h) and raises
// source_down, source_silent and source_recovered into the alert sink. The episodes alerted are
// kept in the same hash and every alert's key is deterministic, so a restart, a second daemon or
// a retry after Redis was away never alerts an episode twice.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/alerts/alert.h"
#include "daemon/alerts/source_health.h"
#include "daemon/config/source_watch_config.h"
#include "daemon/store/queue_store.h"
#include "daemon/store/source_health_store.h"
#include "daemon/telemetry/metrics.h"

namespace carewatch {

// A configured source as the watch sees it.
struct WatchedSource {
  std::string name;
  std::string type;                   // the connector type
  bool enabled = true;                // false: not polled, never alarmed
  bool finite = false;                // Connector::finite() (a replay file): its silence is no alarm
  std::chrono::milliseconds interval{std::chrono::seconds(60)};
};

// The options deciding for one source: detectors.sources with the source's override applied.
SourceHealthOptions source_health_options(const SourceWatchConfig& config, const WatchedSource& source);

// A PollReport (daemon/pipeline/scheduler.h) reduced to a sample: new mentions are those queued
// or stored (duplicates are not news), newest_posted_at the newest of them.
PollSample poll_sample(TimeMs at, bool ok, bool fatal, bool redis, const std::string& error,
                       const std::vector<Mention>* mentions, const std::vector<EnqueueOutcome>* outcomes);

struct SourceWatchOptions {
  std::string instance_id;            // this daemon's lease token (SchedulerOptions::instance_id)
  std::chrono::milliseconds lease_ttl{std::chrono::seconds(30)};
  std::chrono::milliseconds period{std::chrono::seconds(10)};  // start(): time between ticks
  std::size_t max_buffered = 1000;    // polls kept per source while Redis is away (oldest dropped)
};

class SourceWatch {
 public:
  // `store`: for its pool, key prefix and leases. `metrics`, when given, gets the quiet gauges.
  SourceWatch(QueueStore& store, AlertSink& sink, std::vector<WatchedSource> sources, SourceWatchConfig config,
              SourceWatchOptions options, Metrics* metrics = nullptr);
  ~SourceWatch();
  SourceWatch(const SourceWatch&) = delete;
  SourceWatch& operator=(const SourceWatch&) = delete;

  // A poll of `source` ended. Thread-safe and cheap (no I/O); never throws. Sources not watched
  // (unknown, disabled) are ignored.
  void record_poll(const std::string& source, const PollSample& sample);

  // Writes the polls recorded to Redis, then (holding the "sources" lease) decides and raises.
  // Throws RedisUnavailable when Redis is away (the polls stay buffered; alerts not raised are
  // raised by a later tick) and what the sink throws.
  void tick(TimeMs now);

  // Runs tick(now_ms()) every options.period on a thread of its own until stop() (logs failures).
  void start();
  // Stops the thread, writes the polls still buffered (best effort) and releases the lease.
  void stop();

 private:
  struct Watched {
    WatchedSource source;
    SourceHealthOptions options;
  };
  void flush();
  void evaluate(const Watched& w, TimeMs now);

  QueueStore& queue_;
  SourceHealthStore store_;
  AlertSink& sink_;
  SourceWatchConfig config_;
  SourceWatchOptions options_;
  std::map<std::string, Watched> watched_;

  std::mutex buffer_mutex_;
  std::map<std::string, std::vector<PollSample>> buffer_;

  std::optional<Gauge<1>> quiet_seconds_;
  std::optional<Gauge<1>> quiet_limit_seconds_;

  std::mutex run_mutex_;
  std::condition_variable run_cv_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace carewatch
