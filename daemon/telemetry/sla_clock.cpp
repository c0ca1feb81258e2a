#include "daemon/telemetry/sla_clock.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "daemon/store/redis_fields.h"

namespace carewatch {
namespace {

std::optional<int> priority_of(const std::map<std::string, std::string>& state) {
  auto it = state.find(redis_field::priority);
  if (it == state.end()) return std::nullopt;
  const std::string& s = it->second;
  int v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

const char* to_string(SlaStatus s) {
  switch (s) {
    case SlaStatus::none: return "none";
    case SlaStatus::ok: return "ok";
    case SlaStatus::warning: return "warning";
    case SlaStatus::breached: return "breached";
    case SlaStatus::met: return "met";
  }
  return "none";
}

SlaClock sla_clock(const std::map<std::string, std::string>& state, TimeMs now,
                   const std::map<int, std::chrono::milliseconds>& targets, double warn_at) {
  SlaClock c;
  namespace f = redis_field;
  auto queue = state.find(f::queue);
  if (queue == state.end() || queue->second.empty()) return c;  // not routed: no SLA
  const auto posted = positive_state_field(state, f::posted_at);
  if (!posted) return c;
  const auto priority = priority_of(state);
  if (!priority) return c;
  auto target = targets.find(*priority);
  if (target == targets.end() || target->second.count() <= 0) return c;

  c.target_ms = target->second.count();
  std::optional<long long> stop = positive_state_field(state, f::first_reply_at);
  if (!stop) {
    auto st = state.find(f::state);
    if (st != state.end() && st->second == "resolved") {
      stop = positive_state_field(state, f::resolved_at);
      if (!stop) stop = now;  // resolved, time unknown: stop the clock rather than run forever
    }
  }
  c.running = !stop;
  const long long end = stop ? *stop : static_cast<long long>(now);
  c.elapsed_ms = end > *posted ? end - *posted : 0;
  c.remaining_ms = c.target_ms - c.elapsed_ms;

  if (c.elapsed_ms > c.target_ms) {
    c.status = SlaStatus::breached;
  } else if (!c.running) {
    c.status = SlaStatus::met;
  } else {
    double fraction = std::isnan(warn_at) ? 1.0 : warn_at;
    fraction = fraction < 0 ? 0 : (fraction > 1 ? 1 : fraction);
    const double warn_ms = fraction * static_cast<double>(c.target_ms);
    c.status = static_cast<double>(c.elapsed_ms) >= warn_ms ? SlaStatus::warning : SlaStatus::ok;
  }
  return c;
}

SlaClock sla_clock(const std::map<std::string, std::string>& state, TimeMs now, const SlaPolicies& policies) {
  SlaClock c;
  const SlaEvaluation e = evaluate_sla(state, now, policies);
  const SlaTargetClock* r = e.response();
  if (!r) return c;
  c.target_ms = r->target_ms;
  c.elapsed_ms = r->elapsed_ms;
  c.remaining_ms = r->remaining_ms;
  c.running = r->running;
  c.target = to_string(r->target);
  c.deadline = r->deadline;
  if (c.elapsed_ms > c.target_ms) {
    c.status = SlaStatus::breached;
  } else if (!c.running) {
    c.status = SlaStatus::met;
  } else {
    const auto& queue = state.find(redis_field::queue)->second;  // evaluate_sla needs it: present
    const auto& warnings = policies.for_queue(queue).warnings;
    const double first = warnings.empty() ? 1.0 : warnings.front();
    c.status = static_cast<double>(c.elapsed_ms) >= first * static_cast<double>(c.target_ms) ? SlaStatus::warning
                                                                                             : SlaStatus::ok;
  }
  return c;
}

}  // namespace carewatch
