// The alert side of a running daemon, built from its configuration: the alert outbox and its
// sender, the events follower (urgent mentions, SLA warnings and breaches), the SLA watch, the
// detectors (spikes, silent sources, recurring issues) and the daily digest. `poll_observer()` is
// what the scheduler reports each poll to (SchedulerOptions::on_poll).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "connectors/http/http_client.h"
#include "daemon/config/config.h"
#include "daemon/pipeline/scheduler.h"
#include "daemon/store/queue_store.h"
#include "daemon/telemetry/metrics.h"

namespace carewatch {

class Alerting {
 public:
  // `config` must outlive it; `sources` as the scheduler will poll them.
  Alerting(const Config& config, QueueStore& store, Metrics& metrics, std::shared_ptr<HttpClient> http,
           std::string instance_id, const std::vector<ScheduledSource>& sources);
  ~Alerting();  // stops
  Alerting(const Alerting&) = delete;
  Alerting& operator=(const Alerting&) = delete;

  std::function<void(const PollReport&)> poll_observer();
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
