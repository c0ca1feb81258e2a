#include "daemon/store/desk_store.h"

#include <algorithm>
#include <stdexcept>

#include "daemon/store/redis_fields.h"

namespace carewatch {

extern const char* const kLuaHandoff;
extern const char* const kLuaNoteAdd;
extern const char* const kLuaDeskRead;
extern const char* const kLuaCustomerLink;
extern const char* const kLuaCustomerUnlink;
extern const char* const kLuaHeld;

namespace {

std::string fmt(long long v) { return std::to_string(v); }

TimeMs num(const std::string& v) {
  try {
    return std::stoll(v);
  } catch (const std::exception&) {
    return 0;
  }
}

std::map<std::string, std::string> hash_of(const RedisReply& flat) {
  std::map<std::string, std::string> h;
  for (size_t i = 0; i + 1 < flat.elements.size(); i += 2) h[flat.elements[i].str] = flat.elements[i + 1].str;
  return h;
}

DeskNote note_of(const RedisReply& entry) {
  DeskNote n;
  if (entry.elements.size() < 2) return n;
  n.id = entry.elements[0].str;
  const auto h = hash_of(entry.elements[1]);
  namespace f = redis_field;
  if (auto it = h.find(f::agent); it != h.end()) n.agent = it->second;
  if (auto it = h.find(f::at); it != h.end()) n.at = num(it->second);
  if (auto it = h.find(f::text); it != h.end()) n.text = it->second;
  return n;
}

std::vector<IndexedUid> indexed(const RedisReply& r) {
  std::vector<IndexedUid> out;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2)
    out.push_back({r.elements[i].str, static_cast<TimeMs>(std::stod(r.elements[i + 1].str))});
  return out;
}

Customer customer_of(const std::string& id, const RedisReply& members) {
  Customer c{id, {}};
  for (const auto& m : members.elements) c.identities.push_back(m.str);
  std::sort(c.identities.begin(), c.identities.end());
  return c;
}

}  // namespace

DeskStore::DeskStore(RedisPool& pool, const std::string& prefix)
    : pool_(pool),
      kp_("{" + prefix + "}"),
      events_(kp_ + ":events"),
      handoff_("handoff", kLuaHandoff),
      note_add_("note_add", kLuaNoteAdd),
      read_("desk_read", kLuaDeskRead),
      link_("customer_link", kLuaCustomerLink),
      unlink_("customer_unlink", kLuaCustomerUnlink),
      held_("held", kLuaHeld) {
  if (prefix.empty() || prefix.find_first_of("{}") != std::string::npos)
    throw std::invalid_argument("desk store: prefix must be non-empty and contain no braces");
}

HandoffResult DeskStore::handoff(const std::string& uid, const std::string& agent, bool any_owner,
                                 const std::string& queue, const std::string& note) {
  const RedisReply r = pool_.run(handoff_, {events_}, {kp_, uid, agent, any_owner ? "1" : "0", queue, note});
  HandoffResult out;
  const std::string status = r.elements.empty() ? std::string() : r.elements[0].str;
  const std::string detail = r.elements.size() > 1 ? r.elements[1].str : std::string();
  if (status == "ok") out.note_id = detail;
  else if (status == "not_found") out.status = HandoffStatus::not_found;
  else if (status == "not_claimed") out.status = HandoffStatus::not_claimed;
  else if (status == "conflict") out.status = HandoffStatus::conflict;
  else if (status == "same_queue") out.status = HandoffStatus::same_queue;
  else throw std::runtime_error("handoff: unexpected reply \"" + r.text() + "\"");
  if (status != "ok") out.message = detail;
  return out;
}

std::optional<DeskNote> DeskStore::add_note(const std::string& uid, const std::string& agent, const std::string& text) {
  const RedisReply r = pool_.run(note_add_, {events_}, {kp_, uid, agent, text});
  if (r.elements.size() < 3 || r.elements[0].str != "ok") return std::nullopt;
  return DeskNote{r.elements[1].str, agent, num(r.elements[2].str), text};
}

std::vector<DeskNote> DeskStore::notes(const std::string& uid) {
  const RedisReply r = pool_.command({"XRANGE", kp_ + ":notes:" + uid, "-", "+"});
  std::vector<DeskNote> out;
  for (const auto& e : r.elements) out.push_back(note_of(e));
  return out;
}

std::vector<DeskMention> DeskStore::held(const std::string& agent, size_t limit) {
  if (limit == 0) return {};
  const RedisReply r = pool_.run(held_, {events_}, {kp_, agent, std::to_string(limit)});
  std::vector<std::string> uids;
  for (const auto& e : r.elements) uids.push_back(e.str);
  return read(uids);
}

std::vector<DeskMention> DeskStore::read(const std::vector<std::string>& uids) {
  std::vector<DeskMention> out;
  if (uids.empty()) return out;
  std::vector<std::string> args{kp_};
  args.insert(args.end(), uids.begin(), uids.end());
  const RedisReply r = pool_.run(read_, {events_}, args);
  namespace f = redis_field;
  for (size_t i = 0; i < r.elements.size() && i < uids.size(); ++i) {
    const RedisReply& one = r.elements[i];
    if (one.elements.size() != 2 || one.elements[0].elements.empty()) continue;
    DeskMention m;
    m.uid = uids[i];
    m.hash = hash_of(one.elements[0]);
    if (auto it = m.hash.find(f::json); it != m.hash.end()) {
      m.json = std::move(it->second);
      m.hash.erase(it);
    }
    for (const auto& flat : one.elements[1].elements) {
      const auto h = hash_of(flat);
      DeskReply reply;
      auto get = [&h](const char* k) {
        const auto it = h.find(k);
        return it == h.end() ? std::string() : it->second;
      };
      reply.agent = get(f::agent);
      reply.text = get(f::text);
      reply.state = get(f::reply_state);
      reply.at = reply.state == "sent" && num(get(f::sent_at)) > 0 ? num(get(f::sent_at)) : num(get(f::submitted_at));
      m.replies.push_back(std::move(reply));
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<IndexedUid> DeskStore::conversation(const std::string& conversation, size_t limit) {
  if (conversation.empty() || limit == 0) return {};
  return indexed(pool_.command({"ZRANGE", kp_ + ":cv:" + conversation, "0", fmt(static_cast<long long>(limit) - 1),
                                "WITHSCORES"}));
}

std::vector<IndexedUid> DeskStore::contacts(const std::string& identity, size_t limit) {
  if (identity.empty() || limit == 0) return {};
  return indexed(pool_.command({"ZREVRANGE", kp_ + ":au:" + identity, "0", fmt(static_cast<long long>(limit) - 1),
                                "WITHSCORES"}));
}

std::int64_t DeskStore::count_contacts(const std::string& identity, TimeMs from, TimeMs to) {
  if (identity.empty() || to <= from) return 0;
  return pool_.command({"ZCOUNT", kp_ + ":au:" + identity, fmt(from), "(" + fmt(to)}).integer;
}

Customer DeskStore::customer(const std::string& identity) {
  const RedisReply id = pool_.command({"GET", kp_ + ":cust:" + identity});
  if (id.is_nil() || id.str.empty()) return Customer{identity, {identity}};
  Customer c = customer_of(id.str, pool_.command({"SMEMBERS", kp_ + ":custs:" + id.str}));
  if (std::find(c.identities.begin(), c.identities.end(), identity) == c.identities.end()) {
    c.identities.push_back(identity);  // a member written without its set entry: still itself
    std::sort(c.identities.begin(), c.identities.end());
  }
  return c;
}

Customer DeskStore::link(const std::string& a, const std::string& b) {
  const RedisReply r = pool_.run(link_, {events_}, {kp_, a, b});
  if (r.elements.size() != 2) throw std::runtime_error("customer_link: unexpected reply \"" + r.text() + "\"");
  return customer_of(r.elements[0].str, r.elements[1]);
}

Customer DeskStore::unlink(const std::string& identity) {
  pool_.run(unlink_, {events_}, {kp_, identity});
  return Customer{identity, {identity}};
}

std::int64_t DeskStore::same_text_today(const std::string& normalized_text) {
  const RedisReply t = pool_.command({"TIME"});
  if (t.elements.empty()) throw std::runtime_error("TIME: unexpected reply");
  const long long day = std::stoll(t.elements[0].str) / 86400;
  const RedisReply r = pool_.command({"HGET", kp_ + ":same:" + fmt(day), normalized_text});
  return r.is_nil() ? 0 : num(r.str);
}

}  // namespace carewatch
