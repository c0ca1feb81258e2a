#include "daemon/api/desk_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "mention/common/time.h"

namespace carewatch {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void key(Writer& w, const char* k) { w.Key(k); }
void put_time(Writer& w, TimeMs t) {
  if (t > 0) put(w, format_iso8601(t));
  else w.Null();
}
void put_or_null(Writer& w, const std::string& s) {
  if (s.empty()) w.Null();
  else put(w, s);
}
std::string done(const rapidjson::StringBuffer& sb) { return std::string(sb.GetString(), sb.GetSize()); }

void put_note(Writer& w, const DeskNote& n) {
  w.StartObject();
  key(w, "id");
  put(w, n.id);
  key(w, "agent");
  put(w, n.agent);
  key(w, "at");
  put_time(w, n.at);
  key(w, "text");
  put(w, n.text);
  w.EndObject();
}

// The author, or null for a mention whose author could not be read.
void put_author(Writer& w, const std::optional<Author>& author) {
  if (!author) {
    w.Null();
    return;
  }
  const Author& a = *author;
  w.StartObject();
  key(w, "id");
  put(w, a.id);
  key(w, "handle");
  put(w, a.handle);
  key(w, "display_name");
  put(w, a.display_name);
  key(w, "followers");
  w.Int64(a.followers);
  key(w, "verified");
  w.Bool(a.verified);
  w.EndObject();
}

void put_reply(Writer& w, const DeskReply& r) {
  w.StartObject();
  key(w, "agent");
  put(w, r.agent);
  key(w, "at");
  put_time(w, r.at);
  key(w, "text");
  put(w, r.text);
  key(w, "state");
  put(w, r.state);
  w.EndObject();
}

void put_customer(Writer& w, const Customer& c, const std::map<std::string, std::string>& handles) {
  w.StartObject();
  key(w, "id");
  put(w, c.id);
  key(w, "identities");
  w.StartArray();
  for (const auto& identity : c.identities) {
    const size_t colon = identity.find(':');
    w.StartObject();
    key(w, "platform");
    put(w, identity.substr(0, colon));
    key(w, "author_id");
    put(w, colon == std::string::npos ? std::string() : identity.substr(colon + 1));
    key(w, "handle");
    const auto it = handles.find(identity);
    put_or_null(w, it == handles.end() ? std::string() : it->second);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string handoff_json(std::string_view uid, std::string_view queue) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key(w, "uid");
  put(w, uid);
  key(w, "status");
  put(w, "ok");
  key(w, "queue");
  put(w, queue);
  w.EndObject();
  return done(sb);
}

std::string note_json(const DeskNote& note) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  put_note(w, note);
  return done(sb);
}

std::string notes_json(const std::vector<DeskNote>& notes) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key(w, "notes");
  w.StartArray();
  for (const auto& n : notes) put_note(w, n);
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string conversation_json(const std::vector<ConversationItem>& items) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key(w, "items");
  w.StartArray();
  for (const auto& i : items) {
    w.StartObject();
    key(w, "uid");
    put(w, i.uid);
    key(w, "relation");
    put(w, i.relation);
    key(w, "posted_at");
    put_time(w, i.at);
    key(w, "author");
    put_author(w, i.author);
    key(w, "text");
    put(w, i.text);
    key(w, "state");
    put(w, i.state);
    key(w, "agent");
    put_or_null(w, i.agent);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string history_json(const Customer& customer, const std::map<std::string, std::string>& handles,
                         std::int64_t repeat_contacts, std::optional<std::int64_t> handoffs,
                         const std::vector<HistoryItem>& items) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key(w, "customer");
  put_customer(w, customer, handles);
  key(w, "repeat_contacts");
  w.Int64(repeat_contacts);
  key(w, "handoffs");
  if (handoffs) w.Int64(*handoffs);
  else w.Null();
  key(w, "items");
  w.StartArray();
  for (const auto& i : items) {
    w.StartObject();
    key(w, "uid");
    put(w, i.uid);
    key(w, "platform");
    put(w, i.platform);
    key(w, "posted_at");
    put_time(w, i.posted_at);
    key(w, "text");
    put(w, i.text);
    key(w, "category");
    put(w, i.category);
    key(w, "state");
    put(w, i.state);
    key(w, "queue");
    put_or_null(w, i.queue);
    key(w, "replies");
    w.StartArray();
    for (const auto& r : i.replies) put_reply(w, r);
    w.EndArray();
    key(w, "resolved_by");
    put_or_null(w, i.resolved_by);
    key(w, "resolved_at");
    put_time(w, i.resolved_at);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string customer_json(const Customer& customer, const std::map<std::string, std::string>& handles) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key(w, "customer");
  put_customer(w, customer, handles);
  w.EndObject();
  return done(sb);
}

std::string same_text_json(std::int64_t sent_today, std::int64_t threshold) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key(w, "sent_today");
  w.Int64(sent_today);
  key(w, "threshold");
  w.Int64(threshold);
  key(w, "warn");
  w.Bool(sent_today >= threshold);
  w.EndObject();
  return done(sb);
}

std::string held_json(std::string_view agent, const std::vector<HeldItem>& items) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key(w, "agent");
  put(w, agent);
  key(w, "items");
  w.StartArray();
  for (const HeldItem& i : items) {
    w.StartObject();
    key(w, "uid");
    put(w, i.uid);
    key(w, "queue");
    put(w, i.queue);
    key(w, "priority");
    w.Int(i.priority);
    key(w, "state");
    put(w, i.state);
    key(w, "platform");
    put(w, i.platform);
    key(w, "claimed_at");
    put_time(w, i.claimed_at);
    key(w, "lease_until");
    put_time(w, i.lease_until);
    key(w, "author");
    put_author(w, i.author);
    key(w, "text");
    put(w, i.text);
    key(w, "replies");
    w.Uint64(i.replies);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(sb);
}

}  // namespace carewatch
