#include "daemon/cli/alerting.h"

#include <algorithm>

#include "daemon/alerts/alert_channel.h"
#include "daemon/alerts/alert_loop.h"
#include "daemon/alerts/alert_outbox.h"
#include "daemon/alerts/alert_routes.h"
#include "daemon/alerts/alert_sender.h"
#include "daemon/alerts/daily_digest.h"
#include "daemon/alerts/event_alerts.h"
#include "daemon/store/alert_store.h"
#include "daemon/telemetry/log.h"

namespace carewatch {

namespace {

// Whether some route takes alerts of `kind` (a route without kinds takes every kind).
bool routed(const AlertsConfig& c, AlertKind kind) {
  return std::any_of(c.routes.begin(), c.routes.end(), [&](const AlertRouteConfig& r) {
    return r.kinds.empty() || std::find(r.kinds.begin(), r.kinds.end(), to_string(kind)) != r.kinds.end();
  });
}

}  // namespace

struct Alerting::Impl {
  const Config& config;
  QueueStore& store;
  AlertStore alert_store;
  std::unique_ptr<AlertSender> sender;
  std::unique_ptr<AlertOutbox> outbox;
  std::unique_ptr<EventAlerts> event_alerts;
  std::unique_ptr<DailyDigest> digest;
  AlertLoop loop;

  Impl(const Config& c, QueueStore& s, Metrics& metrics, std::shared_ptr<HttpClient> http, const std::string& instance_id)
      : config(c), store(s), alert_store(s.pool(), s.options().prefix, c.alerts.dedup_ttl) {
    const AlertsConfig& a = c.alerts;
    sender = std::make_unique<AlertSender>(alert_store, metrics, make_alert_channels(a, std::move(http)),
                                           alert_sender_options(a, instance_id));
    outbox = std::make_unique<AlertOutbox>(alert_store, AlertRoutes(a.routes), metrics,
                                           [this] { sender->wake(); });

    EventAlertsOptions eo;
    eo.instance_id = instance_id;
    eo.urgent_tags = outbox->urgent_tags();
    eo.urgent = routed(a, AlertKind::urgent);
    eo.sla = routed(a, AlertKind::sla_warning) || routed(a, AlertKind::sla_breach);
    event_alerts = std::make_unique<EventAlerts>(store, *outbox, eo);
    if (eo.urgent || eo.sla)
      loop.add({"events follower", std::chrono::seconds(1), [this](TimeMs now) { event_alerts->tick(now); }});
  }
};

Alerting::Alerting(const Config& config, QueueStore& store, Metrics& metrics, std::shared_ptr<HttpClient> http,
                   std::string instance_id)
    : impl_(std::make_unique<Impl>(config, store, metrics, std::move(http), instance_id)) {}

Alerting::~Alerting() { stop(); }

std::function<void(const PollReport&)> Alerting::poll_observer() {
  return [](const PollReport&) {};
}

void Alerting::start() {
  impl_->sender->start();
  impl_->loop.start();
}

void Alerting::stop() {
  impl_->loop.stop();
  impl_->sender->stop();
}

}  // namespace carewatch
