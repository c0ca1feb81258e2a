// The API's JSON bodies, rendered from the queue store's records: no routing, no I/O.
// Hash and event fields are written by their declared type (daemon/store/redis_fields.def):
// timestamps as ISO 8601, durations and integers as numbers, everything else as its string. The
// nested mention (claim, GET /v1/mentions/{uid}) has its posted_at and seen_at as ISO 8601 too:
// every time the API writes is an ISO 8601 UTC string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/queue_store.h"
#include "daemon/telemetry/sla_clock.h"

namespace carewatch {

// {"error": message}
std::string json_error(std::string_view message);
// {"error": message, "code": code}
std::string json_coded_error(std::string_view message, std::string_view code);

// GET /v1/queues: per queue (first-seen order) its totals and priorities ascending; ages from `now`.
std::string queues_json(const std::vector<QueueDepth>& depths, TimeMs now);
// POST /v1/queues/{queue}/claim
std::string claimed_json(const Claimed& claimed);
// POST /v1/mentions/{uid}/renew|release|resolve|reply: {"uid", "status": "ok"[, "lease_until"]}
std::string operation_json(std::string_view uid, std::optional<TimeMs> lease_until);
// The reply box's rules of a mention: its connector's limit, how it counts, whom it answers.
struct ReplyRulesView {
  size_t max_length = 0;
  std::string unit;  // "characters", "graphemes", ...
  std::string to;    // the customer's display name, else handle
};
// What GET /v1/mentions/{uid} carries for the agent's desk: "handoffs" and "reply_rules" (null
// when the mention's source cannot reply).
struct MentionDesk {
  std::int64_t handoffs = 0;
  std::optional<ReplyRulesView> reply_rules;
};
// GET /v1/mentions/{uid}
std::string mention_json(std::string_view uid, const MentionRecord& record, const SlaClock& sla,
                         const MentionDesk& desk = {});

// GET /v1/sla/at-risk: {"items": [{"uid", "queue", "priority", "target", "deadline",
// "remaining_ms", "state", "platform", "text", "author"}]}, in the order given.
struct AtRiskItem {
  std::string uid, queue, target, state, platform, text, author;
  int priority = 0;
  TimeMs deadline = 0;
  long long remaining_ms = 0;
};
std::string at_risk_json(const std::vector<AtRiskItem>& items);

// The answer to an accepted reply: {"uid", "reply_id", "state": "queued" | "sent", "external",
// "submitted_at"}.
std::string reply_accepted_json(std::string_view uid, std::string_view reply_id, bool external, TimeMs submitted_at);

// The answer to a resolve while a reply is still being sent: {"uid", "status": "pending",
// "resolves_when": "reply_sent"}.
std::string resolve_pending_json(std::string_view uid);

// One event as the live feed's `mention` event carries it: {"uid", "type", "actor", "at", "queue"}
// ("at" ISO 8601; "queue" "" when the event has none).
std::string live_event_json(const Event& e);

// Age in seconds of something queued at `oldest` (0 when nothing waits).
double age_seconds(TimeMs now, TimeMs oldest);

}  // namespace carewatch
