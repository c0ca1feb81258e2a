#include "daemon/telemetry/latency_metrics.h"

#include <charconv>
#include <optional>
#include <string>

#include "daemon/store/redis_fields.h"
#include "daemon/telemetry/metric_catalogue.h"

namespace carewatch {

namespace {

std::string field_or(const Event& e, const char* name, const char* fallback) {
  auto it = e.fields.find(name);
  return it == e.fields.end() || it->second.empty() ? fallback : it->second;
}

// The event's duration field in seconds; nullopt when missing, malformed or negative.
std::optional<double> seconds_of(const Event& e, const char* field) {
  auto it = e.fields.find(field);
  if (it == e.fields.end()) return std::nullopt;
  long long ms = 0;
  const std::string& v = it->second;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
  if (ec != std::errc() || end != v.data() + v.size() || ms < 0) return std::nullopt;
  return static_cast<double>(ms) / 1000.0;
}

}  // namespace

LatencyMetrics::LatencyMetrics(Metrics& metrics)
    : detection_(metrics.add(metric::queued_detection_delay_seconds)),
      queue_wait_(metrics.add(metric::queue_wait_seconds)),
      first_response_(metrics.add(metric::first_response_seconds)),
      resolution_(metrics.add(metric::resolution_seconds)),
      delivery_(metrics.add(metric::reply_delivery_seconds)) {}

bool LatencyMetrics::observe(const Event& event) const {
  namespace f = redis_field;
  bool observed = false;
  if (event.type == "reply_sent")
    if (const auto d = seconds_of(event, f::delivery_ms)) {
      delivery_.observe({field_or(event, f::platform, "unknown")}, *d);
      observed = true;
    }
  // A first response replaced by an earlier reply that arrived late: counted once already.
  if (event.fields.count(f::frt_was_ms)) return observed;
  // The event types that close a span, the field carrying it, and its histogram by agent
  // (none for detection, which no agent closes).
  const struct {
    const char* type;
    const char* field;
    const Histogram<4>* by_agent;
  } kinds[] = {{"queued", f::detect_ms, nullptr},
               {"claimed", f::wait_ms, &queue_wait_},
               {"replied", f::frt_ms, &first_response_},
               {"reply_sent", f::frt_ms, &first_response_},
               {"resolved", f::resolve_ms, &resolution_}};
  const char* field = nullptr;
  const Histogram<4>* by_agent = nullptr;
  for (const auto& k : kinds)
    if (event.type == k.type) {
      field = k.field;
      by_agent = k.by_agent;
    }
  if (!field) return observed;
  const auto s = seconds_of(event, field);
  if (!s) return observed;
  const std::string priority = field_or(event, f::priority, "");
  std::string queue = field_or(event, f::queue, "unknown");
  std::string platform = field_or(event, f::platform, "unknown");
  std::string p = metric::priority_label(priority);
  if (by_agent) {
    std::string agent = event.actor.empty() ? "unknown" : event.actor;
    by_agent->observe({std::move(queue), std::move(platform), std::move(p), std::move(agent)}, *s);
  } else {
    detection_.observe({std::move(queue), std::move(platform), std::move(p)}, *s);
  }
  return true;
}

}  // namespace carewatch
