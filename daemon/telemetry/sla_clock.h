// The first-response SLA clock of one mention: a pure function of the mention's state hash
// ({P}:m:<uid>, see daemon/store/queue_store.h MentionRecord::state; its fields are declared in
// daemon/store/redis_fields.def) and the time now.
//
// The clock starts at posted_at (platform time: what the customer waits) and stops at the
// first reply (by an agent, or natively on the platform by the brand's own account). A mention
// resolved without a reply stops its clock at resolved_at: an agent decided no answer was due.
//
//   none      no clock: not routed to a queue, no posted_at, unknown priority or no target
//   ok        running, elapsed below warn_at * target
//   warning   running, elapsed at or past warn_at * target, not past the target
//   breached  elapsed past the target (running, or stopped too late)
//   met       stopped within the target
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "daemon/telemetry/sla_policy.h"
#include "mention/mention.h"

namespace carewatch {

enum class SlaStatus { none, ok, warning, breached, met };
const char* to_string(SlaStatus s);  // "none", "ok", "warning", "breached", "met"

struct SlaClock {
  long long target_ms = 0;     // 0 when status is none
  long long elapsed_ms = 0;    // posted_at to the first reply (or resolution), or to now while running
  long long remaining_ms = 0;  // target - elapsed; negative once breached; 0 when status is none
  bool running = false;        // no reply and not resolved yet
  SlaStatus status = SlaStatus::none;
  const char* target = "";     // "first_response" or "next_response" (policies only; "" otherwise)
  TimeMs deadline = 0;         // the breach instant (policies only; 0 otherwise)
};

// `state` holds posted_at, first_reply_at, resolved_at (ms since the epoch, as strings), state,
// priority ("0".."3") and queue. `targets` maps a priority to its first-response target;
// `warn_at` is the fraction of the target at which a running clock turns to warning (clamped
// to [0, 1]).
SlaClock sla_clock(const std::map<std::string, std::string>& state, TimeMs now,
                   const std::map<int, std::chrono::milliseconds>& targets, double warn_at);

// The response clock (first response, or next response for a follow-up) under the queue's SLA
// policy (sla_policy.h): elapsed is business time; warning once the first warning fraction is
// reached.
SlaClock sla_clock(const std::map<std::string, std::string>& state, TimeMs now, const SlaPolicies& policies);

}  // namespace carewatch
