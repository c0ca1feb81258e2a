// The AlertSink every detector raises into: the routes pick the channels, and the alert is stored
// in Redis once per channel (daemon/store/alert_store.h), deduplicated by its key, before raise()
// returns. The alert sender (alert_sender.h) delivers what is stored; on_stored (e.g. the
// sender's wake) lets it start at once instead of at its next poll.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "daemon/alerts/alert.h"
#include "daemon/alerts/alert_routes.h"
#include "daemon/store/alert_store.h"
#include "daemon/telemetry/metrics.h"

namespace carewatch {

class AlertOutbox final : public AlertSink {
 public:
  AlertOutbox(AlertStore& store, AlertRoutes routes, Metrics& metrics, std::function<void()> on_stored = nullptr);

  // Throws RedisUnavailable when Redis is away (nothing stored: raise again later). An alert
  // without a key is keyed by its kind, title and time.
  void raise(const Alert& alert) override;

  const AlertRoutes& routes() const { return routes_; }
  // Every route's urgent_tags: mentions carrying one are raised as urgent.
  std::set<std::string> urgent_tags() const { return routes_.urgent_tags(); }

 private:
  AlertStore& store_;
  AlertRoutes routes_;
  Counter<3> alerts_;
  std::function<void()> on_stored_;
};

}  // namespace carewatch
