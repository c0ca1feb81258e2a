// The SLA watch: writes each SLA warning and breach of every queued mention as an event on the
// mention (sla_warning with its fraction, sla_breached), exactly once per mention, target and
// threshold, however many daemons run it on one Redis.
//
// Each tick takes the mentions due in {P}:sla:open (enqueue.lua adds every queued mention; each
// taken one is held for `hold` so other daemons' watches skip it), evaluates their clocks with
// the pure evaluator (daemon/telemetry/sla_policy.h), and hands the due thresholds to
// SlaStore::update, whose script writes each one once (the hash remembers which were written)
// and re-checks the clock in Redis, so a reply that raced in wins. The mention is then looked at
// again at its next threshold instant (at most `recheck` later, so a stopped clock is noticed
// and the mention leaves the SLA sets), and its at-risk deadline is kept in {P}:sla:due:<queue>.
// A mention whose clocks have all stopped leaves both sets.
//
// Any number of daemons may run a watch at once: no lease needed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "daemon/store/sla_store.h"
#include "daemon/telemetry/metric_catalogue.h"
#include "daemon/telemetry/metrics.h"
#include "daemon/telemetry/sla_policy.h"

namespace carewatch {

struct SlaWatchOptions {
  std::chrono::milliseconds interval{std::chrono::seconds(1)};  // between ticks
  size_t batch = 200;                                           // mentions taken per round trip
  size_t max_per_tick = 5000;                                   // then the tick ends (the rest waits)
  std::chrono::milliseconds hold{std::chrono::seconds(30)};     // a taken mention's hold
  std::chrono::milliseconds recheck{std::chrono::seconds(60)};  // longest wait between two looks
};

struct SlaTickReport {
  size_t looked = 0;     // mentions evaluated
  size_t warnings = 0;   // sla_warning events this tick wrote
  size_t breaches = 0;   // sla_breached events this tick wrote
  size_t closed = 0;     // mentions that left the SLA sets (every clock stopped)
};

class SlaWatch {
 public:
  using Clock = std::function<TimeMs()>;  // default now_ms

  // `policies` must outlive the watch (the Config's). `metrics` may be null.
  SlaWatch(SlaStore& store, const SlaPolicies& policies, Metrics* metrics, SlaWatchOptions options = {},
           Clock now = {});
  ~SlaWatch();  // stops
  SlaWatch(const SlaWatch&) = delete;
  SlaWatch& operator=(const SlaWatch&) = delete;

  // One pass over the due mentions (tests call it with a fake clock). Throws what the store
  // throws (RedisUnavailable while Redis is away).
  SlaTickReport tick();

  // Runs tick() every `interval` on a thread of its own until stop(); errors are logged and the
  // next tick tries again.
  void start();
  void stop();

 private:
  void run();

  SlaStore& store_;
  const SlaPolicies& policies_;
  SlaWatchOptions options_;
  Clock now_;
  std::optional<Counter<2>> warnings_, breaches_;
  std::optional<Gauge<0>> open_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace carewatch
