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
#include "daemon/config/config.h"
#include "daemon/pipeline/maintenance.h"
#include "daemon/telemetry/metrics.h"
#include "daemon/store/queue_store.h"
#include "daemon/pipeline/rules_holder.h"

namespace carewatch {

struct ScheduledSource {
  SourceConfig config;
  std::shared_ptr<Connector> connector;  // shared with the reply outbox worker and the API
};

// What one poll of a source told: for the detectors of daemon/alerts (silent sources, spikes),
// which the run command wires in through SchedulerOptions::on_poll.
struct PollReport {
  std::string source;
  std::string type;                  // the connector type
  TimeMs at = 0;                     // when the poll ended
  bool ok = false;                   // the poll succeeded and its batch is enqueued
  bool fatal = false;                // not ok: the source needs the operator
  bool redis = false;                // not ok: Redis was away (the source is paused)
  std::string error;                 // not ok: what went wrong
  const std::vector<Mention>* mentions = nullptr;          // ok: the batch, decided
  const std::vector<EnqueueOutcome>* outcomes = nullptr;   // ok: what became of each
};

struct SchedulerOptions {
  std::string instance_id;                     // lease token of this daemon
  std::vector<std::string> brand_handles;
  MaintenanceOptions maintenance;              // reaper, trimmer, latency follower (instance_id set here)
  std::chrono::milliseconds max_backoff{std::chrono::minutes(5)};
  size_t threads = 0;                          // 0: one per source + 1, at most 8
  // Recurring issues (config detectors.recurring): complaints are grouped at ingest, on a group
  // store built on the queue store's pool and prefix.
  RecurringConfig recurring;
  // Called after each poll of a source this daemon polls, on the poller's thread: keep it quick.
  // What it throws is logged and ignored.
  std::function<void(const PollReport&)> on_poll;
};

class Scheduler {
 public:
  Scheduler(QueueStore& store, RulesHolder& rules, Metrics& metrics,
            std::vector<ScheduledSource> sources, SchedulerOptions options);
  ~Scheduler();
  void start();
  void stop();                                 // waits for polls under way to finish
  // True once every enabled finite source (Connector::finite(), e.g. a replay file) has been read
  // to its end and enqueued.
  bool all_exhausted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
