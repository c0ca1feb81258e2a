#include "daemon/api/desk_routes.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "daemon/api/api_input.h"
#include "daemon/api/api_json.h"
#include "daemon/api/api_response.h"
#include "daemon/api/desk_input.h"
#include "daemon/api/desk_json.h"
#include "daemon/api/stats_window.h"
#include "daemon/store/desk_store.h"
#include "daemon/store/redis_fields.h"
#include "mention/mention_json.h"
#include "mention/utf8.h"

namespace carewatch {

namespace {

namespace f = redis_field;

constexpr size_t kMaxParents = 20;        // parent chain walked at most this far up
constexpr size_t kMaxConversation = 200;  // mentions of a conversation shown
constexpr size_t kDefaultLimit = 50, kMaxLimit = 200;

TimeMs num(const std::string& v) {
  TimeMs out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

ApiResponse not_found(const std::string& uid) { return error_response(404, "mention " + uid + " not found"); }

// ?limit= (1..200, default 50), or the 400.
std::optional<size_t> read_limit(const RouteContext& ctx, std::optional<ApiResponse>& bad) {
  std::string problem;
  const auto limit = carewatch::read_limit(ctx.query, kDefaultLimit, kMaxLimit, problem);
  if (!limit) bad = error_response(400, problem);
  return limit;
}

// The mention's time on the desk's indexes: posted_at, else seen_at.
TimeMs time_of(const DeskMention& m) {
  const TimeMs posted = num(m.field(f::posted_at));
  return posted > 0 ? posted : num(m.field(f::seen_at));
}

std::optional<Mention> mention_of(const DeskMention& m) {
  Mention out;
  std::string why;
  if (!parse_mention(m.json, out, why)) return std::nullopt;
  return out;
}

// Each identity's handle, from the newest of its mentions among `read`, else its newest contact.
std::map<std::string, std::string> handles_of(DeskStore& desk, const Customer& c, const std::vector<DeskMention>& read) {
  std::map<std::string, std::string> handles;
  std::map<std::string, TimeMs> newest;
  auto take = [&](const DeskMention& m) {
    const std::string identity = m.field(f::author);
    if (identity.empty()) return;
    const TimeMs at = time_of(m);
    if (handles.count(identity) && newest[identity] >= at) return;
    if (auto parsed = mention_of(m)) {
      handles[identity] = parsed->author.handle;
      newest[identity] = at;
    }
  };
  for (const auto& m : read) take(m);
  for (const auto& identity : c.identities) {
    if (handles.count(identity)) continue;
    const auto top = desk.contacts(identity, 1);
    if (top.empty()) continue;
    for (const auto& m : desk.read({top[0].uid})) take(m);
  }
  return handles;
}

// The customer's contacts (routed mentions of every linked identity), newest first, `self`
// left out, at most `limit`; and how many fell in [window_from, window_to).
struct Contacts {
  std::vector<DeskMention> mentions;
  std::int64_t repeat = 0;
};
Contacts contacts_of(DeskStore& desk, const Customer& c, const std::string& self, size_t limit, TimeMs window_from,
                     TimeMs window_to) {
  std::vector<IndexedUid> all;
  Contacts out;
  for (const auto& identity : c.identities) {
    for (auto& u : desk.contacts(identity, limit + 1)) all.push_back(std::move(u));
    out.repeat += desk.count_contacts(identity, window_from, window_to);
  }
  std::stable_sort(all.begin(), all.end(), [](const IndexedUid& a, const IndexedUid& b) { return a.at > b.at; });
  std::vector<std::string> uids;
  std::set<std::string> seen{self};
  for (const auto& u : all)
    if (uids.size() < limit && seen.insert(u.uid).second) uids.push_back(u.uid);
  out.mentions = desk.read(uids);
  return out;
}

std::vector<HistoryItem> history_items(const std::vector<DeskMention>& mentions) {
  std::vector<HistoryItem> items;
  for (const auto& m : mentions) {
    HistoryItem i;
    i.uid = m.uid;
    i.platform = m.field(f::platform);
    i.posted_at = time_of(m);
    if (auto parsed = mention_of(m)) i.text = parsed->text;
    i.category = m.field(f::category);
    i.state = m.field(f::state);
    i.queue = m.field(f::queue);
    i.resolved_by = m.field(f::resolved_by);
    i.resolved_at = num(m.field(f::resolved_at));
    for (const auto& r : m.replies)
      if (r.state != "failed") i.replies.push_back(r);
    items.push_back(std::move(i));
  }
  return items;
}

}  // namespace

ApiResponse handoff_route(const RouteContext& ctx) {
  const std::string& uid = ctx.match.param;
  const HandoffBody body = read_handoff_body(ctx.request.body);
  if (body.problem) return error_response(400, *body.problem);
  const auto queues = ctx.store.queues();
  if (std::find(queues.begin(), queues.end(), body.queue) == queues.end()) {
    std::string names;
    for (const auto& q : queues) names += (names.empty() ? "" : ", ") + q;
    return error_response(400, "queue: no queue named " + body.queue + "; queues: " + (names.empty() ? "none yet" : names));
  }
  const HandoffResult r = ctx.store.desk().handoff(uid, ctx.caller.agent, ctx.caller.is_lead(), body.queue, body.note);
  switch (r.status) {
    case HandoffStatus::ok: return json_response(200, handoff_json(uid, body.queue));
    case HandoffStatus::not_found: return not_found(uid);
    case HandoffStatus::not_claimed:
      return coded_error_response(409, "mention " + uid + " is " + r.message + ": only a claimed mention is handed off",
                                  "not_claimed");
    case HandoffStatus::conflict:
      return coded_error_response(409, "mention " + uid + " is claimed by " + r.message, "conflict");
    case HandoffStatus::same_queue:
      return error_response(400, "queue: mention " + uid + " is already in queue " + r.message);
  }
  return error_response(500, "internal error");
}

ApiResponse notes_route(const RouteContext& ctx) {
  const std::string& uid = ctx.match.param;
  if (ctx.store.desk().read({uid}).empty()) return not_found(uid);
  return json_response(200, notes_json(ctx.store.desk().notes(uid)));
}

ApiResponse note_add_route(const RouteContext& ctx) {
  const std::string& uid = ctx.match.param;
  const TextBody body = read_text_body(ctx.request.body, "text");
  if (body.problem) return error_response(400, *body.problem);
  if (body.text.size() > kMaxNoteBytes)
    return error_response(400, "text: expected at most " + std::to_string(kMaxNoteBytes) + " bytes, got " +
                                   std::to_string(body.text.size()));
  const auto note = ctx.store.desk().add_note(uid, ctx.caller.agent, body.text);
  if (!note) return not_found(uid);
  return json_response(201, note_json(*note));
}

ApiResponse conversation_route(const RouteContext& ctx) {
  DeskStore& desk = ctx.store.desk();
  const std::string& uid = ctx.match.param;
  auto self = desk.read({uid});
  if (self.empty()) return not_found(uid);
  const TimeMs self_at = time_of(self[0]);
  std::vector<std::pair<DeskMention, std::string>> mentions;  // with relation
  std::set<std::string> seen{uid};
  // The parent chain, as far as carewatch stored it.
  std::string parent = self[0].field(f::parent_uid);
  for (size_t depth = 0; depth < kMaxParents && !parent.empty() && seen.insert(parent).second; ++depth) {
    auto p = desk.read({parent});
    if (p.empty()) break;
    parent = p[0].field(f::parent_uid);
    mentions.emplace_back(std::move(p[0]), "parent");
  }
  // The rest of the conversation: before this mention "parent" (what it follows), after it "reply".
  std::vector<std::string> others;
  for (const auto& u : desk.conversation(self[0].field(f::conversation), kMaxConversation))
    if (seen.insert(u.uid).second) others.push_back(u.uid);
  for (auto& m : desk.read(others)) {
    const char* relation = time_of(m) < self_at ? "parent" : "reply";
    mentions.emplace_back(std::move(m), relation);
  }
  mentions.emplace_back(std::move(self[0]), "self");

  std::vector<ConversationItem> items;
  for (const auto& [m, relation] : mentions) {
    ConversationItem i;
    i.uid = m.uid;
    i.relation = relation;
    i.at = time_of(m);
    if (auto parsed = mention_of(m)) {
      i.author = parsed->author;
      i.text = parsed->text;
    }
    i.state = m.field(f::state);
    i.agent = m.field(f::owner).empty() ? m.field(f::resolved_by) : m.field(f::owner);
    items.push_back(std::move(i));
    for (const auto& r : m.replies) {
      if (r.state == "failed") continue;
      ConversationItem b;
      b.uid = m.uid;
      b.relation = "brand_reply";
      b.at = r.at;
      b.text = r.text;
      b.state = r.state;
      b.agent = r.agent;
      items.push_back(std::move(b));
    }
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const ConversationItem& a, const ConversationItem& b) { return a.at < b.at; });
  return json_response(200, conversation_json(items));
}

ApiResponse history_route(const RouteContext& ctx) {
  DeskStore& desk = ctx.store.desk();
  const std::string& uid = ctx.match.param;
  std::optional<ApiResponse> bad;
  const auto limit = read_limit(ctx, bad);
  if (!limit) return std::move(*bad);
  const auto self = desk.read({uid});
  if (self.empty()) return not_found(uid);
  const std::string identity = self[0].field(f::author);
  const Customer customer = identity.empty() ? Customer{} : desk.customer(identity);
  const TimeMs at = time_of(self[0]);
  Contacts c = contacts_of(desk, customer, uid, *limit, at - kRepeatWindowMs, at);
  std::vector<DeskMention> known = c.mentions;
  known.push_back(self[0]);
  return json_response(200, history_json(customer, handles_of(desk, customer, known), c.repeat,
                                         num(self[0].field(f::handoffs)), history_items(c.mentions)));
}

ApiResponse customer_route(const RouteContext& ctx) {
  DeskStore& desk = ctx.store.desk();
  std::optional<ApiResponse> bad;
  const auto limit = read_limit(ctx, bad);
  if (!limit) return std::move(*bad);
  const Customer customer = desk.customer(ctx.match.param);
  const TimeMs now = ctx.now();
  Contacts c = contacts_of(desk, customer, "", *limit, now - kRepeatWindowMs, now + 1);
  return json_response(200, history_json(customer, handles_of(desk, customer, c.mentions), c.repeat, std::nullopt,
                                         history_items(c.mentions)));
}

ApiResponse claims_route(const RouteContext& ctx) {
  std::optional<ApiResponse> bad;
  const auto limit = read_limit(ctx, bad);
  if (!limit) return std::move(*bad);
  std::string agent = ctx.caller.agent;
  if (const std::string* a = query_param(ctx, "agent"); a && !a->empty() && *a != agent) {
    if (!ctx.caller.is_lead())
      return error_response(403, "agent: only a lead may see another agent's claims (you are " + ctx.caller.agent + ")");
    if (std::none_of(ctx.config.agents.begin(), ctx.config.agents.end(), [&](const AgentConfig& c) { return c.id == *a; }))
      return error_response(404, "agent: no agent \"" + to_valid_utf8(*a) + "\" in the configuration");
    agent = *a;
  }
  std::vector<HeldItem> items;
  for (const DeskMention& m : ctx.store.desk().held(agent, *limit)) {
    HeldItem i;
    i.uid = m.uid;
    i.queue = m.field(f::queue);
    i.state = m.field(f::state);
    i.platform = m.field(f::platform);
    i.priority = static_cast<int>(num(m.field(f::priority)));
    i.claimed_at = num(m.field(f::claimed_at));
    i.lease_until = num(m.field(f::lease_until));
    i.replies = m.replies.size();
    if (auto parsed = mention_of(m)) {
      i.text = std::move(parsed->text);
      i.author = std::move(parsed->author);
    }
    items.push_back(std::move(i));
  }
  return json_response(200, held_json(agent, items));
}

ApiResponse customer_link_route(const RouteContext& ctx) {
  const LinkBody body = read_link_body(ctx.request.body);
  if (body.problem) return error_response(400, *body.problem);
  DeskStore& desk = ctx.store.desk();
  const Customer c = desk.link(body.a, body.b);
  return json_response(200, customer_json(c, handles_of(desk, c, {})));
}

ApiResponse customer_unlink_route(const RouteContext& ctx) {
  const TextBody body = read_text_body(ctx.request.body, "identity");
  if (body.problem) return error_response(400, *body.problem);
  if (auto bad = identity_problem(body.text, "identity")) return error_response(400, *bad);
  DeskStore& desk = ctx.store.desk();
  const Customer c = desk.unlink(body.text);
  return json_response(200, customer_json(c, handles_of(desk, c, {})));
}

ApiResponse replies_check_route(const RouteContext& ctx) {
  const TextBody body = read_text_body(ctx.request.body, "text");
  if (body.problem) return error_response(400, *body.problem);
  const std::int64_t sent = ctx.store.desk().same_text_today(same_text_form(body.text));
  return json_response(200, same_text_json(sent, ctx.config.replies.same_text_warning));
}

}  // namespace carewatch
