#include "daemon/telemetry/sla_policy.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "daemon/store/redis_fields.h"

namespace carewatch {
namespace {

std::string field(const std::map<std::string, std::string>& state, const char* key) {
  auto it = state.find(key);
  return it == state.end() ? std::string() : it->second;
}

SlaTargetClock make_clock(SlaTarget target, long long target_ms, TimeMs start, std::optional<TimeMs> stop, TimeMs now,
                          const SlaPolicy& policy) {
  const BusinessCalendar& cal = *policy.calendar;
  SlaTargetClock c;
  c.target = target;
  c.target_ms = target_ms;
  c.start = start;
  c.running = !stop;
  c.stopped_at = stop ? *stop : 0;
  c.elapsed_ms = cal.business_ms(start, stop ? *stop : now);
  c.remaining_ms = c.target_ms - c.elapsed_ms;
  auto add = [&](double f, bool breach) {
    SlaThreshold t;
    t.fraction = f;
    t.breach = breach;
    const auto ms = static_cast<long long>(std::llround(f * static_cast<double>(target_ms)));
    const auto at = cal.add_business(start, ms);
    t.at = at ? *at : 0;
    if (at && *at <= now) {
      if (breach) t.due = !stop || *stop > *at;
      else t.due = !stop;
    }
    c.thresholds.push_back(t);
  };
  for (double f : policy.warnings)
    if (f > 0 && f < 1) add(f, false);
  add(1.0, true);
  c.deadline = c.thresholds.back().at;
  return c;
}

}  // namespace

SlaPolicies first_response_policies(const std::map<int, std::chrono::milliseconds>& first_response, double warn_at) {
  SlaPolicies out;
  for (const auto& [p, d] : first_response)
    if (p >= 0 && p <= 3 && d.count() > 0) out.fallback.targets[static_cast<size_t>(p)].first_response = d;
  out.fallback.warnings = {warn_at};
  return out;
}

std::optional<long long> positive_state_field(const std::map<std::string, std::string>& state, const char* key) {
  auto it = state.find(key);
  if (it == state.end()) return std::nullopt;
  const std::string& s = it->second;
  long long v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}


const char* to_string(SlaTarget t) {
  switch (t) {
    case SlaTarget::first_response: return "first_response";
    case SlaTarget::next_response: return "next_response";
    case SlaTarget::resolution: return "resolution";
  }
  return "first_response";
}

std::string fraction_text(double f) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, f);
    if (std::strtod(buf, nullptr) == f) break;
  }
  return buf;
}

std::string SlaThreshold::token() const { return fraction_text(fraction); }

const SlaTargetClock* SlaEvaluation::response() const {
  for (const auto& c : clocks)
    if (c.target != SlaTarget::resolution) return &c;
  return nullptr;
}

const SlaTargetClock* SlaEvaluation::resolution() const {
  for (const auto& c : clocks)
    if (c.target == SlaTarget::resolution) return &c;
  return nullptr;
}

const SlaTargetClock* SlaEvaluation::urgent() const {
  if (const auto* r = response(); r && r->running) return r;
  if (const auto* r = resolution(); r && r->running) return r;
  return nullptr;
}

bool SlaEvaluation::any_running() const {
  for (const auto& c : clocks)
    if (c.running) return true;
  return false;
}

std::optional<TimeMs> SlaEvaluation::next_threshold(TimeMs now) const {
  std::optional<TimeMs> next;
  for (const auto& c : clocks) {
    if (!c.running) continue;
    for (const auto& t : c.thresholds)
      if (t.at > now && (!next || t.at < *next)) next = t.at;
  }
  return next;
}

SlaEvaluation evaluate_sla(const std::map<std::string, std::string>& state, TimeMs now, const SlaPolicies& policies) {
  namespace f = redis_field;
  SlaEvaluation out;
  const std::string queue = field(state, f::queue);
  if (queue.empty()) return out;
  const auto posted = positive_state_field(state, f::posted_at);
  if (!posted) return out;
  const std::string ptext = field(state, f::priority);
  int priority = -1;
  auto r = std::from_chars(ptext.data(), ptext.data() + ptext.size(), priority);
  if (r.ec != std::errc() || r.ptr != ptext.data() + ptext.size() || priority < 0 || priority > 3) return out;

  const SlaPolicy& policy = policies.for_queue(queue);
  const SlaTargets& t = policy.targets[static_cast<size_t>(priority)];
  const bool resolved = field(state, f::state) == "resolved";
  std::optional<TimeMs> resolved_at = positive_state_field(state, f::resolved_at);
  if (resolved && !resolved_at) resolved_at = now;  // resolved, time unknown: stop rather than run forever
  if (!resolved) resolved_at.reset();

  const bool follow_up = field(state, f::follow_up) == "1";
  const SlaTarget response = follow_up ? SlaTarget::next_response : SlaTarget::first_response;
  auto response_target = follow_up ? (t.next_response ? t.next_response : t.first_response) : t.first_response;
  if (response_target && response_target->count() > 0) {
    std::optional<TimeMs> stop = positive_state_field(state, f::first_reply_at);
    if (!stop) stop = resolved_at;
    out.clocks.push_back(make_clock(response, response_target->count(), *posted, stop, now, policy));
  }
  if (t.resolution && t.resolution->count() > 0)
    out.clocks.push_back(make_clock(SlaTarget::resolution, t.resolution->count(), *posted, resolved_at, now, policy));
  return out;
}

}  // namespace carewatch
