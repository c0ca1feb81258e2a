#include "mention/mention_json.h"
#include "mention/utf8.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace carewatch {

namespace {

const char* const kCategoryNames[] = {"unknown", "complaint", "question", "praise",
                                      "engagement", "spam", "ignore"};

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_str(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

// Scores are written with 4 decimals: enough to read and compare, short on the wire.
void write_score(Writer& w, const char* key, double v) {
  w.Key(key);
  if (!std::isfinite(v)) v = 0;
  w.Double(std::round(v * 1e4) / 1e4 + 0.0);  // + 0.0: no "-0.0"
}

void write_strings(Writer& w, const char* key, const std::vector<std::string>& v) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : v) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

void write_explanation(Writer& w, const Decision& d) {
  const Explanation& e = d.explain;
  w.Key("explain");
  w.StartObject();
  write_strings(w, "rules", d.rules);
  w.Key("base_category");
  w.String(to_string(e.base_category));
  w.Key("scores");
  w.StartObject();
  write_score(w, "sentiment.compound", d.sentiment.compound);
  write_score(w, "complaint_score", d.complaint_score);
  for (const auto& m : e.models) write_score(w, m.name.c_str(), m.value);
  if (e.priority.computed) {
    w.Key("priority");
    w.StartObject();
    write_score(w, "score", e.priority.score);
    write_score(w, "complaint", e.priority.complaint);
    write_score(w, "negative", e.priority.negative);
    write_score(w, "reach", e.priority.reach);
    write_score(w, "verified", e.priority.verified);
    write_score(w, "urgent", e.priority.urgent);
    w.Key("formula");
    w.Int(e.priority.priority);
    w.EndObject();
  }
  w.EndObject();
  w.Key("complaint_words");
  w.StartArray();
  for (const auto& c : e.complaint_words) {
    w.StartObject();
    const std::string f = to_valid_utf8(c.feature);
    write_str(w, "feature", f);
    write_score(w, "weight", c.weight);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void write_decision_fields(Writer& w, const Decision& d) {
  w.Key("category");
  w.String(to_string(d.category));
  w.Key("priority");
  w.Int(d.priority);
  write_str(w, "queue", d.queue);
  write_strings(w, "tags", d.tags);
  write_strings(w, "rules", d.rules);
  if (!d.scored) return;
  w.Key("sentiment");
  w.StartObject();
  write_score(w, "compound", d.sentiment.compound);
  write_score(w, "pos", d.sentiment.pos);
  write_score(w, "neu", d.sentiment.neu);
  write_score(w, "neg", d.sentiment.neg);
  w.EndObject();
  write_score(w, "complaint_score", d.complaint_score);
  write_str(w, "language", d.language);
  write_explanation(w, d);
}

void write_decision(Writer& w, const Decision& d) {
  w.StartObject();
  write_decision_fields(w, d);
  w.EndObject();
}

double number_or(const rapidjson::Value& obj, const char* key, double fallback) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : fallback;
}

// The scores and explanation of a stored decision. Lenient: a record written by another version
// keeps what it can; only the core fields (category, queue, ...) are errors when malformed.
void parse_scores(const rapidjson::Value& d, Decision& out) {
  auto s = d.FindMember("sentiment");
  if (s != d.MemberEnd() && s->value.IsObject()) {
    out.scored = true;
    out.sentiment.compound = number_or(s->value, "compound", 0);
    out.sentiment.pos = number_or(s->value, "pos", 0);
    out.sentiment.neu = number_or(s->value, "neu", 0);
    out.sentiment.neg = number_or(s->value, "neg", 0);
  }
  if (auto c = d.FindMember("complaint_score"); c != d.MemberEnd() && c->value.IsNumber()) {
    out.scored = true;
    out.complaint_score = c->value.GetDouble();
  }
  if (auto l = d.FindMember("language"); l != d.MemberEnd() && l->value.IsString())
    out.language.assign(l->value.GetString(), l->value.GetStringLength());
  auto e = d.FindMember("explain");
  if (e == d.MemberEnd() || !e->value.IsObject()) return;
  const auto& ex = e->value;
  if (auto b = ex.FindMember("base_category"); b != ex.MemberEnd() && b->value.IsString()) {
    if (auto c = category_from_string(std::string(b->value.GetString(), b->value.GetStringLength())))
      out.explain.base_category = *c;
  }
  if (auto sc = ex.FindMember("scores"); sc != ex.MemberEnd() && sc->value.IsObject()) {
    for (const auto& m : sc->value.GetObject()) {
      const std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (name == "priority" && m.value.IsObject()) {
        PriorityScore& p = out.explain.priority;
        p.computed = true;
        p.score = number_or(m.value, "score", 0);
        p.complaint = number_or(m.value, "complaint", 0);
        p.negative = number_or(m.value, "negative", 0);
        p.reach = number_or(m.value, "reach", 0);
        p.verified = number_or(m.value, "verified", 0);
        p.urgent = number_or(m.value, "urgent", 0);
        auto f = m.value.FindMember("formula");
        if (f != m.value.MemberEnd() && f->value.IsInt()) p.priority = f->value.GetInt();
      } else if (name.substr(0, 6) == "model." && m.value.IsNumber()) {
        out.explain.models.push_back({std::string(name), m.value.GetDouble()});
      }
    }
  }
  if (auto cw = ex.FindMember("complaint_words"); cw != ex.MemberEnd() && cw->value.IsArray()) {
    for (const auto& item : cw->value.GetArray()) {
      if (!item.IsObject()) continue;
      auto f = item.FindMember("feature");
      if (f == item.MemberEnd() || !f->value.IsString()) continue;
      out.explain.complaint_words.push_back(
          {std::string(f->value.GetString(), f->value.GetStringLength()), number_or(item, "weight", 0)});
    }
  }
}

bool get_string(const rapidjson::Value& obj, const char* key, std::string& out, std::string& error,
                const char* path_prefix = "") {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return true;
  if (it->value.IsString()) {
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  }
  if (it->value.IsInt64()) {  // platforms disagree on whether ids are numbers or strings
    out = std::to_string(it->value.GetInt64());
    return true;
  }
  error = std::string(path_prefix) + key + ": expected a string";
  return false;
}

bool get_time(const rapidjson::Value& obj, const char* key, TimeMs& out, std::string& error) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return true;
  if (it->value.IsInt64()) {
    out = it->value.GetInt64();
    return true;
  }
  if (it->value.IsString() &&
      parse_iso8601(std::string_view(it->value.GetString(), it->value.GetStringLength()), out))
    return true;
  error = std::string(key) + ": expected an ISO 8601 time like \"2026-11-22T10:00:00Z\" or ms since the epoch";
  return false;
}

}  // namespace

const char* to_string(Category c) { return kCategoryNames[static_cast<int>(c)]; }

std::optional<Category> category_from_string(const std::string& s) {
  for (int i = 0; i < 7; ++i)
    if (s == kCategoryNames[i]) return static_cast<Category>(i);
  return std::nullopt;
}

void append_decision_json(std::string_view id, bool has_id, const Decision& d, std::string& out) {
  thread_local rapidjson::StringBuffer sb;  // reused: one line after another without new buffers
  sb.Clear();
  Writer w(sb);
  w.StartObject();
  w.Key("id");
  if (has_id) w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  else w.Null();
  write_decision_fields(w, d);
  w.EndObject();
  out.append(sb.GetString(), sb.GetSize());
}

std::string to_json(const Decision& d) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  write_decision(w, d);
  return std::string(sb.GetString(), sb.GetSize());
}

std::string to_json(const Mention& m, bool include_raw) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  write_str(w, "uid", m.uid);
  write_str(w, "platform", m.platform);
  write_str(w, "source", m.source);
  write_str(w, "id", m.native_id);
  write_str(w, "url", m.url);
  write_str(w, "text", m.text);
  write_str(w, "language", m.language);
  w.Key("author");
  w.StartObject();
  write_str(w, "id", m.author.id);
  write_str(w, "handle", m.author.handle);
  write_str(w, "name", m.author.display_name);
  w.Key("followers");
  w.Int64(m.author.followers);
  w.Key("verified");
  w.Bool(m.author.verified);
  w.EndObject();
  write_str(w, "conversation_id", m.conversation_id);
  write_str(w, "parent_id", m.parent_id);
  w.Key("posted_at");
  w.Int64(m.posted_at);
  w.Key("seen_at");
  w.Int64(m.seen_at);
  if (m.rating) {
    w.Key("rating");
    w.Int(m.rating);
  }
  if (!m.app_version.empty()) write_str(w, "app_version", m.app_version);
  if (!m.cluster.id.empty()) {
    w.Key("cluster");
    w.StartObject();
    write_str(w, "id", m.cluster.id);
    w.Key("size");
    w.Int64(m.cluster.size);
    w.Key("authors");
    w.Int64(m.cluster.authors);
    w.EndObject();
  }
  w.Key("decision");
  write_decision(w, m.decision);
  if (include_raw && !m.raw.empty()) {
    w.Key("raw");
    w.RawValue(m.raw.data(), m.raw.size(), rapidjson::kObjectType);
  }
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

bool parse_mention(std::string_view json, Mention& m, std::string& error) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseStopWhenDoneFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    error = std::string("invalid JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
            rapidjson::GetParseError_En(doc.GetParseError());
    return false;
  }
  if (!doc.IsObject()) {
    error = "expected a JSON object";
    return false;
  }
  m = Mention{};
  if (!get_string(doc, "uid", m.uid, error) || !get_string(doc, "platform", m.platform, error) ||
      !get_string(doc, "source", m.source, error) || !get_string(doc, "id", m.native_id, error) ||
      !get_string(doc, "url", m.url, error) || !get_string(doc, "language", m.language, error) ||
      !get_string(doc, "conversation_id", m.conversation_id, error) ||
      !get_string(doc, "parent_id", m.parent_id, error) ||
      !get_time(doc, "posted_at", m.posted_at, error) || !get_time(doc, "seen_at", m.seen_at, error))
    return false;
  auto text = doc.FindMember("text");
  if (text == doc.MemberEnd() || !text->value.IsString()) {
    error = "text: expected a string";
    return false;
  }
  m.text.assign(text->value.GetString(), text->value.GetStringLength());
  if (const auto rating = doc.FindMember("rating"); rating != doc.MemberEnd() && !rating->value.IsNull()) {
    if (!rating->value.IsInt() || rating->value.GetInt() < 1 || rating->value.GetInt() > 5) {
      error = "rating: expected an integer from 1 to 5";
      return false;
    }
    m.rating = rating->value.GetInt();
  }
  if (!get_string(doc, "app_version", m.app_version, error)) return false;
  auto author = doc.FindMember("author");
  if (author != doc.MemberEnd() && !author->value.IsNull()) {
    const auto& a = author->value;
    if (a.IsString()) {
      m.author.handle.assign(a.GetString(), a.GetStringLength());
    } else if (a.IsObject()) {
      if (!get_string(a, "id", m.author.id, error, "author.") ||
          !get_string(a, "handle", m.author.handle, error, "author.") ||
          !get_string(a, "name", m.author.display_name, error, "author."))
        return false;
      auto f = a.FindMember("followers");
      if (f != a.MemberEnd()) {
        if (!f->value.IsInt64()) {
          error = "author.followers: expected an integer";
          return false;
        }
        m.author.followers = f->value.GetInt64();
      }
      auto v = a.FindMember("verified");
      if (v != a.MemberEnd()) {
        if (!v->value.IsBool()) {
          error = "author.verified: expected true or false";
          return false;
        }
        m.author.verified = v->value.GetBool();
      }
    } else {
      error = "author: expected an object or a handle string";
      return false;
    }
  }
  if (m.platform.empty()) {
    auto colon = m.uid.find(':');
    m.platform = colon == std::string::npos ? "unknown" : m.uid.substr(0, colon);
  }
  if (m.native_id.empty() && !m.uid.empty()) {
    auto colon = m.uid.find(':');
    m.native_id = colon == std::string::npos ? m.uid : m.uid.substr(colon + 1);
  }
  if (m.uid.empty() && !m.native_id.empty()) m.uid = make_uid(m.platform, m.native_id);
  auto cluster = doc.FindMember("cluster");
  if (cluster != doc.MemberEnd() && cluster->value.IsObject()) {  // lenient: written by carewatch
    const auto& c = cluster->value;
    auto id = c.FindMember("id");
    if (id != c.MemberEnd() && id->value.IsString()) m.cluster.id.assign(id->value.GetString(), id->value.GetStringLength());
    auto size = c.FindMember("size");
    if (size != c.MemberEnd() && size->value.IsInt64()) m.cluster.size = size->value.GetInt64();
    auto authors = c.FindMember("authors");
    if (authors != c.MemberEnd() && authors->value.IsInt64()) m.cluster.authors = authors->value.GetInt64();
  }
  auto dec = doc.FindMember("decision");
  if (dec != doc.MemberEnd() && dec->value.IsObject()) {
    const auto& d = dec->value;
    std::string cat;
    if (!get_string(d, "category", cat, error, "decision.")) return false;
    if (!cat.empty()) {
      auto c = category_from_string(cat);
      if (!c) {
        error = "decision.category: unknown category \"" + cat + "\"";
        return false;
      }
      m.decision.category = *c;
    }
    auto p = d.FindMember("priority");
    if (p != d.MemberEnd() && p->value.IsInt()) m.decision.priority = p->value.GetInt();
    if (!get_string(d, "queue", m.decision.queue, error, "decision.")) return false;
    for (const char* key : {"tags", "rules"}) {
      auto arr = d.FindMember(key);
      if (arr == d.MemberEnd() || !arr->value.IsArray()) continue;
      auto& dst = key[0] == 't' ? m.decision.tags : m.decision.rules;
      for (const auto& s : arr->value.GetArray())
        if (s.IsString()) dst.emplace_back(s.GetString(), s.GetStringLength());
    }
    parse_scores(d, m.decision);
  }
  auto raw = doc.FindMember("raw");
  if (raw != doc.MemberEnd() && raw->value.IsObject()) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    raw->value.Accept(w);
    m.raw.assign(sb.GetString(), sb.GetSize());
  }
  return true;
}

}  // namespace carewatch
