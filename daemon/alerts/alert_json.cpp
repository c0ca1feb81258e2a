#include "daemon/alerts/alert_json.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cmath>

namespace carewatch {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using rapidjson::Value;

void str(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void strings(Writer& w, const char* key, const std::vector<std::string>& v) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : v) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

void write_mention(Writer& w, const AlertMention& m) {
  w.StartObject();
  str(w, "uid", m.uid);
  str(w, "platform", m.platform);
  str(w, "source", m.source);
  str(w, "url", m.url);
  str(w, "text", m.text);
  str(w, "author_handle", m.author_handle);
  str(w, "author_name", m.author_name);
  w.Key("followers");
  w.Int64(m.followers);
  w.Key("verified");
  w.Bool(m.verified);
  w.Key("posted_at");
  w.Int64(m.posted_at);
  str(w, "queue", m.queue);
  w.Key("priority");
  w.Int(m.priority);
  str(w, "category", m.category);
  strings(w, "tags", m.tags);
  strings(w, "rules", m.rules);
  w.Key("scored");
  w.Bool(m.scored);
  w.Key("complaint_score");
  w.Double(std::isfinite(m.complaint_score) ? m.complaint_score : 0.0);
  w.Key("sentiment");
  w.Double(std::isfinite(m.sentiment) ? m.sentiment : 0.0);
  if (m.sla_remaining_ms) {
    w.Key("sla_remaining_ms");
    w.Int64(*m.sla_remaining_ms);
  }
  w.EndObject();
}

std::string get_str(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}

std::int64_t get_int(const Value& o, const char* key, std::int64_t fallback) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : fallback;
}

double get_double(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : 0.0;
}

bool get_bool(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

std::vector<std::string> get_strings(const Value& o, const char* key) {
  std::vector<std::string> out;
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& s : it->value.GetArray())
    if (s.IsString()) out.emplace_back(s.GetString(), s.GetStringLength());
  return out;
}

AlertMention read_mention(const Value& o) {
  AlertMention m;
  m.uid = get_str(o, "uid");
  m.platform = get_str(o, "platform");
  m.source = get_str(o, "source");
  m.url = get_str(o, "url");
  m.text = get_str(o, "text");
  m.author_handle = get_str(o, "author_handle");
  m.author_name = get_str(o, "author_name");
  m.followers = get_int(o, "followers", 0);
  m.verified = get_bool(o, "verified");
  m.posted_at = get_int(o, "posted_at", 0);
  m.queue = get_str(o, "queue");
  m.priority = static_cast<int>(get_int(o, "priority", -1));
  m.category = get_str(o, "category");
  m.tags = get_strings(o, "tags");
  m.rules = get_strings(o, "rules");
  m.scored = get_bool(o, "scored");
  m.complaint_score = get_double(o, "complaint_score");
  m.sentiment = get_double(o, "sentiment");
  if (auto it = o.FindMember("sla_remaining_ms"); it != o.MemberEnd() && it->value.IsInt64())
    m.sla_remaining_ms = it->value.GetInt64();
  return m;
}

}  // namespace

void write_alert_members(Writer& w, const Alert& a) {
  str(w, "kind", to_string(a.kind));
  str(w, "key", a.key);
  w.Key("at");
  w.Int64(a.at);
  str(w, "title", a.title);
  str(w, "detail", a.detail);
  w.Key("facts");
  w.StartArray();
  for (const auto& f : a.facts) {
    w.StartObject();
    str(w, "label", f.label);
    str(w, "value", f.value);
    w.EndObject();
  }
  w.EndArray();
  w.Key("mentions");
  w.StartArray();
  for (const auto& m : a.mentions) write_mention(w, m);
  w.EndArray();
  str(w, "queue", a.queue);
  w.Key("priority");
  w.Int(a.priority);
  str(w, "category", a.category);
  str(w, "platform", a.platform);
  str(w, "source", a.source);
  strings(w, "tags", a.tags);
}

std::string to_json(const Alert& a) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  write_alert_members(w, a);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

bool parse_alert(std::string_view json, Alert& out, std::string& error) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) {
    error = std::string("alert JSON: ") + rapidjson::GetParseError_En(d.GetParseError());
    return false;
  }
  if (!d.IsObject()) {
    error = "alert JSON: expected an object";
    return false;
  }
  Alert a;
  const auto kind = alert_kind_from_string(get_str(d, "kind"));
  if (!kind) {
    error = "alert JSON: unknown kind \"" + get_str(d, "kind") + "\"";
    return false;
  }
  a.kind = *kind;
  a.key = get_str(d, "key");
  a.at = get_int(d, "at", 0);
  a.title = get_str(d, "title");
  a.detail = get_str(d, "detail");
  if (auto it = d.FindMember("facts"); it != d.MemberEnd() && it->value.IsArray())
    for (const auto& f : it->value.GetArray())
      if (f.IsObject()) a.facts.push_back({get_str(f, "label"), get_str(f, "value")});
  if (auto it = d.FindMember("mentions"); it != d.MemberEnd() && it->value.IsArray())
    for (const auto& m : it->value.GetArray())
      if (m.IsObject()) a.mentions.push_back(read_mention(m));
  a.queue = get_str(d, "queue");
  a.priority = static_cast<int>(get_int(d, "priority", -1));
  a.category = get_str(d, "category");
  a.platform = get_str(d, "platform");
  a.source = get_str(d, "source");
  a.tags = get_strings(d, "tags");
  out = std::move(a);
  return true;
}

}  // namespace carewatch
