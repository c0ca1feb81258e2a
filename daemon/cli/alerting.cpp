#include "daemon/cli/alerting.h"

#include <algorithm>

#include "daemon/alerts/alert_channel.h"
#include "daemon/alerts/alert_loop.h"
#include "daemon/alerts/alert_outbox.h"
#include "daemon/alerts/alert_routes.h"
#include "daemon/alerts/alert_sender.h"
#include "daemon/alerts/daily_digest.h"
#include "daemon/alerts/event_alerts.h"
#include "daemon/alerts/recurring_watch.h"
#include "daemon/alerts/sla_watch.h"
#include "daemon/alerts/source_watch.h"
#include "daemon/alerts/spike_watch.h"
#include "daemon/store/alert_store.h"
#include "daemon/store/group_store.h"
#include "daemon/store/sla_store.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/sla_policy.h"

namespace carewatch {

namespace {

// Whether some route takes alerts of `kind` (a route without kinds takes every kind).
bool routed(const AlertsConfig& c, AlertKind kind) {
  return std::any_of(c.routes.begin(), c.routes.end(), [&](const AlertRouteConfig& r) {
    return r.kinds.empty() || std::find(r.kinds.begin(), r.kinds.end(), to_string(kind)) != r.kinds.end();
  });
}

// How often the source watch decides: every 10 s, more often when a limit is shorter (half the
// shortest, at least a second), so an alert is late by at most half its limit.
std::chrono::milliseconds source_watch_period(const SourceWatchConfig& c) {
  std::chrono::milliseconds shortest = c.down_after;
  for (const auto& [name, o] : c.overrides)
    for (const auto& limit : {o.down_after, o.silent_after})
      if (limit) shortest = std::min(shortest, *limit);
  return std::clamp<std::chrono::milliseconds>(shortest / 2, std::chrono::seconds(1), std::chrono::seconds(10));
}

// The tags the routes name: each gets a spike series of its own.
std::set<std::string> route_tags(const AlertsConfig& c) {
  std::set<std::string> tags;
  for (const auto& r : c.routes) tags.insert(r.tags.begin(), r.tags.end());
  return tags;
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
  SlaStore sla_store;
  std::unique_ptr<SlaWatch> sla_watch;
  std::unique_ptr<SpikeWatch> spikes;
  std::unique_ptr<SourceWatch> source_watch;
  std::unique_ptr<GroupStore> groups;
  std::unique_ptr<RecurringWatch> recurring;
  AlertLoop loop;

  Impl(const Config& c, QueueStore& s, Metrics& metrics, std::shared_ptr<HttpClient> http, const std::string& instance_id,
       const std::vector<ScheduledSource>& sources)
      : config(c), store(s), alert_store(s.pool(), s.options().prefix, c.alerts.dedup_ttl),
        sla_store(s.pool(), s.options().prefix) {
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
    eo.sla_remaining = [&policies = c.sla](const MentionRecord& rec, TimeMs now) -> std::optional<std::int64_t> {
      const SlaEvaluation e = evaluate_sla(rec.state, now, policies);
      const SlaTargetClock* clock = e.response() ? e.response() : e.resolution();
      if (!clock || !clock->running) return std::nullopt;
      return clock->remaining_ms;
    };
    event_alerts = std::make_unique<EventAlerts>(store, *outbox, eo);
    if (eo.urgent || eo.sla)
      loop.add({"events follower", std::chrono::seconds(1), [this](TimeMs now) { event_alerts->tick(now); }});

    if (a.digest.enabled) {
      DigestOptions dopt;
      dopt.instance_id = instance_id;
      dopt.hour = a.digest.hour;
      dopt.minute = a.digest.minute;
      dopt.time_zone = a.digest.time_zone;
      digest = std::make_unique<DailyDigest>(store, *outbox, dopt);
      // First looked at a while after start, so a digest due at once (a daemon started after the
      // hour) includes what the first polls queued.
      loop.add({"daily digest", std::chrono::seconds(20), [this](TimeMs now) { digest->tick(now); },
                std::chrono::seconds(15)});
    }

    // SLA warnings and breaches are written as events whether or not a route takes them: they
    // are the mention's history and the figures of /metrics and the digest.
    sla_watch = std::make_unique<SlaWatch>(sla_store, c.sla, &metrics);

    SpikeWatchOptions spo;
    spo.config = c.spikes;
    spo.tags = route_tags(a);
    spo.instance_id = instance_id;
    spikes = std::make_unique<SpikeWatch>(store, *outbox, &metrics, spo);

    std::vector<WatchedSource> watched;
    for (const auto& src : sources)
      watched.push_back({src.config.name, src.config.type, src.config.enabled, src.connector->finite(), src.config.interval});
    SourceWatchOptions swo;
    swo.instance_id = instance_id;
    swo.period = source_watch_period(c.source_watch);
    source_watch = std::make_unique<SourceWatch>(store, *outbox, std::move(watched), c.source_watch, swo, &metrics);

    // Recurring issues: the groups are made at ingest (the scheduler's, so the rules see
    // cluster.size); here the groups that reached the threshold are announced.
    if (c.recurring.enabled) {
      groups = std::make_unique<GroupStore>(store.pool(), store.options().prefix, group_store_options(c.recurring));
      RecurringWatchOptions ro;
      ro.instance_id = instance_id;
      recurring = std::make_unique<RecurringWatch>(*groups, store, *outbox, ro);
      loop.add({"recurring issues", std::chrono::seconds(2), [this](TimeMs now) { recurring->tick(now); }});
    }
  }
};

Alerting::Alerting(const Config& config, QueueStore& store, Metrics& metrics, std::shared_ptr<HttpClient> http,
                   std::string instance_id, const std::vector<ScheduledSource>& sources)
    : impl_(std::make_unique<Impl>(config, store, metrics, std::move(http), instance_id, sources)) {}

Alerting::~Alerting() { stop(); }

std::function<void(const PollReport&)> Alerting::poll_observer() {
  return [impl = impl_.get()](const PollReport& r) {
    impl->source_watch->record_poll(r.source, poll_sample(r.at, r.ok, r.fatal, r.redis, r.error, r.mentions, r.outcomes));
    if (r.ok && r.mentions && r.outcomes) impl->spikes->count(*r.mentions, *r.outcomes);  // throws: logged by the scheduler
  };
}

void Alerting::start() {
  impl_->sender->start();
  impl_->sla_watch->start();
  impl_->spikes->start();
  impl_->source_watch->start();
  impl_->loop.start();
}

void Alerting::stop() {
  impl_->loop.stop();
  impl_->source_watch->stop();
  impl_->spikes->stop();
  impl_->sla_watch->stop();
  impl_->sender->stop();  // last: what the others raised while stopping is stored, and sent after a restart
}

}  // namespace carewatch
