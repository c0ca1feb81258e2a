#include "daemon/alerts/event_alerts.h"

#include <cstdlib>

#include "daemon/alerts/mention_alerts.h"
#include "daemon/store/redis_fields.h"
#include "daemon/telemetry/log.h"
#include "mention/mention_json.h"

namespace carewatch {

namespace {

constexpr const char* kName = "alert-events";

std::string field(const Event& e, const std::string& name) {
  const auto it = e.fields.find(name);
  return it == e.fields.end() ? std::string() : it->second;
}

std::int64_t number(const std::string& s, std::int64_t fallback = 0) {
  if (s.empty()) return fallback;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  return end && *end == '\0' ? v : fallback;
}

}  // namespace

EventAlerts::EventAlerts(QueueStore& store, AlertSink& sink, EventAlertsOptions options)
    : store_(store), sink_(sink), positions_(store.pool(), store.options().prefix), options_(std::move(options)) {}

size_t EventAlerts::tick(TimeMs now) {
  if (!options_.urgent && !options_.sla) return 0;
  if (!store_.acquire_lease(kName, options_.instance_id, options_.lease)) return 0;
  std::optional<std::string> position = positions_.get(kName);
  if (!position) {
    positions_.set(kName, store_.last_event_id());
    return 0;
  }
  size_t raised = 0;
  for (;;) {
    const std::vector<Event> page = store_.events_after(*position, options_.page);
    if (page.empty()) break;
    for (const Event& e : page) raised += handle(e, now);
    position = page.back().id;
    positions_.set(kName, *position);
    if (page.size() < options_.page) break;
  }
  return raised;
}

size_t EventAlerts::handle(const Event& e, TimeMs now) {
  const bool queued = e.type == "queued";
  const bool sla_event = e.type == "sla_warning" || e.type == "sla_breached";
  if (queued && !options_.urgent) return 0;
  if (sla_event && !options_.sla) return 0;
  if (!queued && !sla_event) return 0;
  const std::string priority = field(e, redis_field::priority);
  // Only a p0 mention, or one that may carry an urgent tag, is worth reading.
  if (queued && priority != "0" && options_.urgent_tags.empty()) return 0;

  const auto rec = store_.get(e.uid, false);
  if (!rec) return 0;  // expired since
  Mention m;
  std::string error;
  if (!parse_mention(rec->mention_json, m, error)) {
    log::warn("alerts: a stored mention cannot be read", {{"uid", e.uid}, {"error", error}});
    return 0;
  }
  const std::optional<std::int64_t> left =
      options_.sla_remaining ? options_.sla_remaining(*rec, now) : std::nullopt;
  if (queued) {
    std::string why_tag;
    if (m.decision.priority != 0) {
      for (const auto& t : m.decision.tags)
        if (options_.urgent_tags.count(t)) {
          why_tag = t;
          break;
        }
      if (why_tag.empty()) return 0;
    }
    sink_.raise(urgent_alert(m, left, now, why_tag));
    return 1;
  }
  const bool breach = e.type == "sla_breached";
  const std::string fraction_text = field(e, redis_field::fraction);
  const double fraction = breach ? 1.0 : std::atof(fraction_text.c_str());
  const std::string target = field(e, redis_field::target).empty() ? "first_response" : field(e, redis_field::target);
  sink_.raise(sla_alert(m, field(e, redis_field::queue), static_cast<int>(number(priority, -1)), target, fraction,
                        number(field(e, redis_field::target_ms)), left, now));
  return 1;
}

}  // namespace carewatch
