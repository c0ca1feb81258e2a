// The agent's desk's JSON bodies (hand-off, notes, conversation, customer history, identity
// links, the same-text check), rendered from the desk store's records: no routing, no I/O. Every
// time is an ISO 8601 UTC string, as everywhere in the API.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/desk_store.h"
#include "mention/mention.h"

namespace carewatch {

// POST /v1/mentions/{uid}/handoff: {"uid", "status": "ok", "queue"}
std::string handoff_json(std::string_view uid, std::string_view queue);
// One note {"id", "agent", "at", "text"}; GET .../notes: {"notes": [...]}
std::string note_json(const DeskNote& note);
std::string notes_json(const std::vector<DeskNote>& notes);

// One line of a conversation: a mention ("parent", "self", "reply") or an agent's reply
// ("brand_reply", with `agent` and no author).
struct ConversationItem {
  std::string uid;        // the mention's; for a brand reply, the mention it answers
  std::string relation;
  TimeMs at = 0;          // posted_at (seen_at when unknown); a reply's sent or submitted time
  std::optional<Author> author;
  std::string text;
  std::string state;      // the mention's state; a reply's state
  std::string agent;      // a mention's owner or resolver; the reply's agent; "" = none
};
// {"items": [...]} in the order given.
std::string conversation_json(const std::vector<ConversationItem>& items);

// One earlier contact of the customer.
struct HistoryItem {
  std::string uid, platform, text, category, state, queue, resolved_by;
  TimeMs posted_at = 0;
  TimeMs resolved_at = 0;  // 0 = not resolved
  std::vector<DeskReply> replies;
};
// {"customer": {"id", "identities": [{"platform", "author_id", "handle"}]}, "repeat_contacts",
// "handoffs", "items"}; `handles` maps identities to the handle last seen (null when unknown);
// handoffs null without a current mention.
std::string history_json(const Customer& customer, const std::map<std::string, std::string>& handles,
                         std::int64_t repeat_contacts, std::optional<std::int64_t> handoffs,
                         const std::vector<HistoryItem>& items);
// {"customer": {"id", "identities": [...]}}
std::string customer_json(const Customer& customer, const std::map<std::string, std::string>& handles);

// One mention an agent holds.
struct HeldItem {
  std::string uid, queue, state, platform, text;
  int priority = 0;
  TimeMs claimed_at = 0, lease_until = 0;
  std::optional<Author> author;
  size_t replies = 0;  // the agent's replies submitted to it
};
// GET /v1/claims: {"agent", "items": [{"uid", "queue", "priority", "state", "platform",
// "claimed_at", "lease_until", "author", "text", "replies"}]}
std::string held_json(std::string_view agent, const std::vector<HeldItem>& items);

// POST /v1/replies/check: {"sent_today", "threshold", "warn"}
std::string same_text_json(std::int64_t sent_today, std::int64_t threshold);

}  // namespace carewatch
