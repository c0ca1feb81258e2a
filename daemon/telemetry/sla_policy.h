// SLA policies and their evaluation: pure, no I/O.
//
// A policy (per queue; a default one for queues without their own) has a business-hours
// calendar, targets per priority (first response, next response, resolution) and the fractions
// of a target at which warnings fire; a breach is the target itself (fraction 1).
//
// The clocks of one mention, read from its state hash ({P}:m:<uid>, redis_fields.def):
//   response     first_response, or next_response when the mention is a follow-up (the
//                customer wrote again after the brand's reply: hash field follow_up = "1").
//                Starts at posted_at; stops at first_reply_at, or at resolved_at when it was
//                resolved without a reply (an agent decided no answer was due).
//   resolution   starts at posted_at, stops at resolved_at.
// Elapsed time is business time (the policy's calendar). A target a policy does not set has no
// clock. A mention not routed to a queue, or without posted_at, has none.
//
// Thresholds: each warning fraction f and the breach (1.0) of a clock has an instant, when
// f * target of business time has passed since the start. A threshold is due (fire it once) when
//   warning: the clock is running and now >= its instant (a warning after the answer is noise);
//   breach:  its instant <= now, and the clock is running or stopped after the instant (a breach
//            is a fact, recorded even when noticed late).
// So a mention answered before a threshold never fires it.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/telemetry/business_hours.h"
#include "mention/common/time.h"

namespace carewatch {

enum class SlaTarget { first_response, next_response, resolution };
const char* to_string(SlaTarget t);  // "first_response", "next_response", "resolution"

struct SlaTargets {
  std::optional<std::chrono::milliseconds> first_response, next_response, resolution;
};

struct SlaPolicy {
  std::shared_ptr<const BusinessCalendar> calendar = std::make_shared<BusinessCalendar>();  // 24x7
  std::array<SlaTargets, 4> targets;  // by priority 0..3
  std::vector<double> warnings{0.8};  // sorted, each in (0, 1)
};

struct SlaPolicies {
  SlaPolicy fallback;                       // queues without a policy of their own
  std::map<std::string, SlaPolicy> queues;  // by queue name
  const SlaPolicy& for_queue(const std::string& queue) const {
    auto it = queues.find(queue);
    return it == queues.end() ? fallback : it->second;
  }
};

struct SlaThreshold {
  double fraction = 1.0;   // 1.0: the breach
  bool breach = false;
  TimeMs at = 0;           // the wall-clock instant; 0 when the calendar never reaches it
  bool due = false;        // fire it now (see above)
  std::string token() const;  // "<fraction>" as events write it: "0.5", "0.8", "1"
};

struct SlaTargetClock {
  SlaTarget target = SlaTarget::first_response;
  long long target_ms = 0;
  long long elapsed_ms = 0;    // business time from the start to the stop, or to now
  long long remaining_ms = 0;  // target - elapsed; negative once breached
  bool running = false;
  TimeMs start = 0;
  TimeMs stopped_at = 0;       // 0 while running
  TimeMs deadline = 0;         // the breach instant (0 when the calendar never reaches it)
  std::vector<SlaThreshold> thresholds;  // warnings in order, then the breach
};

struct SlaEvaluation {
  std::vector<SlaTargetClock> clocks;   // response first (when it has a target), then resolution
  const SlaTargetClock* response() const;
  const SlaTargetClock* resolution() const;
  // The running clock whose breach is nearest (the response one while it runs), for at-risk
  // lists; nullptr when none runs.
  const SlaTargetClock* urgent() const;
  bool any_running() const;
  // The earliest threshold instant after `now` of a running clock; nullopt when none is left.
  std::optional<TimeMs> next_threshold(TimeMs now) const;
};

// The policy of the older settings alone (queues.sla, queues.sla_warn_at): first-response targets
// per priority (a non-positive one is no target), one warning fraction, around the clock.
SlaPolicies first_response_policies(const std::map<int, std::chrono::milliseconds>& first_response, double warn_at);

// A positive integer field of a mention's state hash (a timestamp), or nullopt when missing,
// malformed or not positive.
std::optional<long long> positive_state_field(const std::map<std::string, std::string>& state, const char* key);

SlaEvaluation evaluate_sla(const std::map<std::string, std::string>& state, TimeMs now, const SlaPolicies& policies);

// "1.5" style text of a fraction as written in events and markers (shortest that reads back).
std::string fraction_text(double f);

}  // namespace carewatch
