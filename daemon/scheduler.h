// The scheduler polls every source on its interval (Boost.Asio timers, a small thread pool),
// hands each batch to ingest, and stores the source's cursor only after its batch is enqueued:
// a crash re-polls a page (dedup makes that harmless) and nothing is skipped.
//
// Errors back off (one policy, capped and jittered; a platform's Retry-After is honoured);
// while Redis is away pollers pause and retry the same page. Several daemons may share one
// Redis: a lease per source decides which one polls it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "daemon/config.h"
#include "daemon/metrics.h"
#include "daemon/queue_store.h"
#include "daemon/rules_holder.h"

namespace carewatch {

struct ScheduledSource {
  SourceConfig config;
  std::unique_ptr<Connector> connector;
};

struct SchedulerOptions {
  std::string instance_id;                     // lease token of this daemon
  std::vector<std::string> brand_handles;
  std::chrono::milliseconds reap_interval{std::chrono::seconds(5)};
  std::chrono::milliseconds trim_interval{std::chrono::hours(1)};
  std::chrono::milliseconds follow_interval{std::chrono::seconds(1)};  // events → latency histograms
  std::chrono::milliseconds retention{std::chrono::hours(24 * 30)};  // events and acked entries
  std::chrono::milliseconds max_backoff{std::chrono::minutes(5)};
  size_t threads = 0;                          // 0: one per source + 1, at most 8
};

class Scheduler {
 public:
  Scheduler(QueueStore& store, RulesHolder& rules, Metrics& metrics,
            std::vector<ScheduledSource> sources, SchedulerOptions options);
  ~Scheduler();
  void start();
  void stop();                                 // waits for polls under way to finish
  // True once every finite source (replay) has been read to its end and enqueued.
  bool all_exhausted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
