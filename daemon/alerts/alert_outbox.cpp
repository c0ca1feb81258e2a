#include "daemon/alerts/alert_outbox.h"

#include "daemon/alerts/alert_json.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/metric_catalogue.h"

namespace carewatch {

AlertOutbox::AlertOutbox(AlertStore& store, AlertRoutes routes, Metrics& metrics, std::function<void()> on_stored)
    : store_(store), routes_(std::move(routes)), alerts_(metrics.add(metric::alerts_total)), on_stored_(std::move(on_stored)) {}

void AlertOutbox::raise(const Alert& alert) {
  const std::string kind = to_string(alert.kind);
  const std::vector<std::string> channels = routes_.channels_for(alert);
  if (channels.empty()) {
    alerts_.inc({kind, "", "unrouted"});
    log::debug("alert taken by no route", {{"kind", kind}, {"key", alert.key}});
    return;
  }
  Alert a = alert;
  if (a.at == 0) a.at = now_ms();
  if (a.key.empty()) a.key = kind + ":" + a.title + ":" + std::to_string(a.at);
  const std::vector<bool> stored = store_.raise(a.key, to_json(a), channels);
  bool any = false;
  for (size_t i = 0; i < channels.size(); ++i) {
    const bool fresh = i < stored.size() && stored[i];
    alerts_.inc({kind, channels[i], fresh ? "queued" : "deduplicated"});
    any = any || fresh;
  }
  if (any) {
    log::debug("alert queued", {{"kind", kind}, {"key", a.key}});
    if (on_stored_) on_stored_();
  }
}

}  // namespace carewatch
