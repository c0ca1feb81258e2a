#include "daemon/api/api_json.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>

#include "daemon/store/redis_fields.h"
#include "mention/mention_json.h"

namespace carewatch {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

std::string done(const rapidjson::StringBuffer& sb) { return std::string(sb.GetString(), sb.GetSize()); }

std::optional<long long> to_integer(const std::string& s) {
  if (s.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

// A hash or event field, by its declared type: timestamps as ISO 8601, durations and integers as
// numbers, anything else (and a value that is not the number its type promises) as its string.
void put_field(Writer& w, const std::string& name, const std::string& value) {
  const RedisField* field = find_redis_field(name);
  const auto n = field ? to_integer(value) : std::nullopt;
  if (n && field->type == RedisFieldType::timestamp_ms) {
    put(w, format_iso8601(*n));
  } else if (n && (field->type == RedisFieldType::duration_ms || field->type == RedisFieldType::integer)) {
    w.Int64(*n);
  } else {
    put(w, value);
  }
}

// Writes a stored mention as a nested value, its times ("posted_at", "seen_at"; stored as epoch
// ms) as ISO 8601 like every other time of the API (null when it does not parse).
void put_mention(Writer& w, const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    w.Null();
    return;
  }
  if (doc.IsObject()) {
    for (const char* key : {"posted_at", "seen_at"}) {
      auto it = doc.FindMember(key);
      if (it == doc.MemberEnd() || !it->value.IsInt64()) continue;
      const std::string iso = format_iso8601(it->value.GetInt64());
      it->value.SetString(iso.data(), static_cast<rapidjson::SizeType>(iso.size()), doc.GetAllocator());
    }
  }
  doc.Accept(w);
}

double seconds(long long ms) { return static_cast<double>(ms) / 1000.0; }

}  // namespace

double age_seconds(TimeMs now, TimeMs oldest) { return oldest > 0 ? std::max(0.0, seconds(now - oldest)) : 0.0; }

std::string json_error(std::string_view message) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("error");
  put(w, message);
  w.EndObject();
  return done(sb);
}

std::string json_coded_error(std::string_view message, std::string_view code) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("error");
  put(w, message);
  w.Key("code");
  put(w, code);
  w.EndObject();
  return done(sb);
}

std::string queues_json(const std::vector<QueueDepth>& depths, TimeMs now) {
  // Group by queue (first-seen order), priorities ascending within.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const QueueDepth*>> by_queue;
  for (const auto& d : depths) {
    auto& list = by_queue[d.queue];
    if (list.empty()) order.push_back(d.queue);
    list.push_back(&d);
  }
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("queues");
  w.StartArray();
  for (const auto& name : order) {
    auto& list = by_queue[name];
    std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->priority < b->priority; });
    std::int64_t waiting = 0, claimed = 0;
    double oldest = 0;
    w.StartObject();
    w.Key("queue");
    put(w, name);
    w.Key("priorities");
    w.StartArray();
    for (const QueueDepth* d : list) {
      waiting += d->waiting;
      claimed += d->claimed;
      oldest = std::max(oldest, age_seconds(now, d->oldest_queued_at));
      w.StartObject();
      w.Key("priority");
      w.Int(d->priority);
      w.Key("waiting");
      w.Int64(d->waiting);
      w.Key("claimed");
      w.Int64(d->claimed);
      w.Key("oldest_age_s");
      w.Double(age_seconds(now, d->oldest_queued_at));
      w.EndObject();
    }
    w.EndArray();
    w.Key("waiting");
    w.Int64(waiting);
    w.Key("claimed");
    w.Int64(claimed);
    w.Key("oldest_age_s");
    w.Double(oldest);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string claimed_json(const Claimed& c) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("uid");
  put(w, c.uid);
  w.Key("queue");
  put(w, c.queue);
  w.Key("priority");
  w.Int(c.priority);
  w.Key("lease_until");
  put(w, format_iso8601(c.lease_until));
  w.Key("mention");
  put_mention(w, c.mention_json);
  w.EndObject();
  return done(sb);
}

std::string operation_json(std::string_view uid, std::optional<TimeMs> lease_until) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("uid");
  put(w, uid);
  w.Key("status");
  w.String("ok");
  if (lease_until) {
    w.Key("lease_until");
    put(w, format_iso8601(*lease_until));
  }
  w.EndObject();
  return done(sb);
}

// One reply of the outbox: every field present, null when it does not apply (yet).
static void put_reply(Writer& w, const ReplyRecord& r) {
  const auto text_or_null = [&w](const char* key, const std::string& v) {
    w.Key(key);
    if (v.empty()) w.Null();
    else put(w, v);
  };
  const auto time_or_null = [&w](const char* key, TimeMs t) {
    w.Key(key);
    if (t > 0) put(w, format_iso8601(t));
    else w.Null();
  };
  w.StartObject();
  text_or_null("reply_id", r.id);
  text_or_null("agent", r.agent);
  text_or_null("text", r.text);
  text_or_null("state", r.state);
  w.Key("external");
  w.Bool(r.external);
  w.Key("attempts");
  w.Int64(r.attempts);
  time_or_null("submitted_at", r.submitted_at);
  time_or_null("sent_at", r.sent_at);
  time_or_null("next_attempt_at", r.state == "queued" ? r.next_attempt_at : 0);
  text_or_null("error", r.error);
  w.Key("will_retry");
  w.Bool(r.will_retry);
  text_or_null("post_id", r.post_id);
  text_or_null("post_url", r.post_url);
  w.EndObject();
}

std::string reply_accepted_json(std::string_view uid, std::string_view reply_id, bool external, TimeMs submitted_at) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("uid");
  put(w, uid);
  w.Key("reply_id");
  put(w, reply_id);
  w.Key("state");
  w.String(external ? "sent" : "queued");
  w.Key("external");
  w.Bool(external);
  w.Key("submitted_at");
  put(w, format_iso8601(submitted_at));
  w.EndObject();
  return done(sb);
}

std::string resolve_pending_json(std::string_view uid) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("uid");
  put(w, uid);
  w.Key("status");
  w.String("pending");
  w.Key("resolves_when");
  w.String("reply_sent");
  w.EndObject();
  return done(sb);
}

std::string mention_json(std::string_view uid, const MentionRecord& rec, const SlaClock& sla, const MentionDesk& desk) {
  namespace f = redis_field;
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("uid");
  put(w, uid);
  w.Key("mention");
  put_mention(w, rec.mention_json);
  w.Key("handoffs");
  w.Int64(desk.handoffs);
  w.Key("reply_rules");
  if (desk.reply_rules) {
    w.StartObject();
    w.Key("max_length");
    w.Uint64(desk.reply_rules->max_length);
    w.Key("unit");
    put(w, desk.reply_rules->unit);
    w.Key("to");
    put(w, desk.reply_rules->to);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("state");
  w.StartObject();
  for (const auto& [k, v] : rec.state) {
    if (k == f::json) continue;
    put(w, k);
    put_field(w, k, v);
  }
  w.EndObject();
  w.Key("events");
  w.StartArray();
  for (const auto& e : rec.events) {
    w.StartObject();
    w.Key("id");
    put(w, e.id);
    w.Key(f::type);
    put(w, e.type);
    w.Key(f::actor);
    put(w, e.actor);
    w.Key(f::at);
    put(w, format_iso8601(e.at));
    for (const auto& [k, v] : e.fields) {
      if (k == "id" || k == f::type || k == f::actor || k == f::at || k == f::uid) continue;
      put(w, k);
      put_field(w, k, v);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("replies");
  w.StartArray();
  for (const ReplyRecord& r : rec.replies) put_reply(w, r);
  w.EndArray();
  w.Key("sla");
  w.StartObject();
  w.Key("status");
  w.String(to_string(sla.status));
  if (sla.status != SlaStatus::none) {
    w.Key("target_s");
    w.Double(seconds(sla.target_ms));
    w.Key("elapsed_s");
    w.Double(seconds(sla.elapsed_ms));
    w.Key("remaining_s");
    w.Double(seconds(sla.remaining_ms));
    w.Key("running");
    w.Bool(sla.running);
    if (*sla.target) {
      w.Key("target");
      w.String(sla.target);
    }
    if (sla.deadline > 0) {
      w.Key("deadline");
      put(w, format_iso8601(sla.deadline));
    }
  }
  w.EndObject();
  w.EndObject();
  return done(sb);
}

std::string at_risk_json(const std::vector<AtRiskItem>& items) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const auto& i : items) {
    w.StartObject();
    w.Key("uid");
    put(w, i.uid);
    w.Key("queue");
    put(w, i.queue);
    w.Key("priority");
    w.Int(i.priority);
    w.Key("target");
    put(w, i.target);
    w.Key("deadline");
    put(w, format_iso8601(i.deadline));
    w.Key("remaining_ms");
    w.Int64(i.remaining_ms);
    w.Key("state");
    put(w, i.state);
    w.Key("platform");
    put(w, i.platform);
    w.Key("text");
    put(w, i.text);
    w.Key("author");
    put(w, i.author);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(sb);
}

std::string live_event_json(const Event& e) {
  namespace f = redis_field;
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key(f::uid);
  put(w, e.uid);
  w.Key(f::type);
  put(w, e.type);
  w.Key(f::actor);
  put(w, e.actor);
  w.Key(f::at);
  put(w, format_iso8601(e.at));
  w.Key(f::queue);
  const auto q = e.fields.find(f::queue);
  put(w, q == e.fields.end() ? std::string_view() : std::string_view(q->second));
  w.EndObject();
  return done(sb);
}

}  // namespace carewatch
