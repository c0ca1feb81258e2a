#include "daemon/telemetry/latency_metrics.h"

#include <charconv>
#include <string>

namespace carewatch {

namespace {

struct Family {
  const char* event_type;
  const char* field;
  const char* name;
  const char* help;
  bool by_agent;
};

constexpr Family kFamilies[] = {
    {"queued", "detect_ms", "carewatch_queued_detection_delay_seconds",
     "Time from posting to fetching, for mentions routed to a queue.", false},
    {"claimed", "wait_ms", "carewatch_queue_wait_seconds",
     "Time a mention waited in its queue before its first claim.", true},
    {"replied", "frt_ms", "carewatch_first_response_seconds",
     "First response time: from posting to the first reply (by an agent or natively by the brand).", true},
    {"resolved", "resolve_ms", "carewatch_resolution_seconds", "Time from posting to resolution.", true},
};

std::string field_or(const Event& e, const char* name, const char* fallback) {
  auto it = e.fields.find(name);
  return it == e.fields.end() || it->second.empty() ? fallback : it->second;
}

}  // namespace

void describe_latency_metrics(Metrics& metrics) {
  for (const auto& f : kFamilies) metrics.describe(f.name, "histogram", f.help);
}

bool observe_latency(const Event& event, Metrics& metrics) {
  for (const auto& f : kFamilies) {
    if (event.type != f.event_type) continue;
    auto it = event.fields.find(f.field);
    if (it == event.fields.end()) return false;
    long long ms = 0;
    const std::string& v = it->second;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
    if (ec != std::errc() || end != v.data() + v.size() || ms < 0) return false;
    const std::string priority = field_or(event, "priority", "");
    Labels labels{{"queue", field_or(event, "queue", "unknown")},
                  {"platform", field_or(event, "platform", "unknown")},
                  {"priority", priority.empty() ? "unknown" : "p" + priority}};
    if (f.by_agent) labels.emplace_back("agent", event.actor.empty() ? "unknown" : event.actor);
    metrics.observe(f.name, labels, static_cast<double>(ms) / 1000.0);
    return true;
  }
  return false;
}

}  // namespace carewatch
