#include "connectors/youtube/cursor.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "connectors/common/json_text.h"

namespace carewatch::youtube {

using rapidjson::Value;
using text::json_string;
using text::quoted;
using text::type_name;

std::int64_t Cursor::reply_count(const std::string& thread) const {
  for (const auto& [id, count] : replies)
    if (id == thread) return count;
  return -1;
}

void Cursor::forget_reply_count(const std::string& thread) {
  replies.erase(std::remove_if(replies.begin(), replies.end(), [&](const auto& e) { return e.first == thread; }),
                replies.end());
}

void Cursor::set_reply_count(const std::string& thread, std::int64_t count) {
  forget_reply_count(thread);
  replies.emplace_back(thread, count);
  if (replies.size() > kMaxReplies) replies.erase(replies.begin(), replies.begin() + (replies.size() - kMaxReplies));
}

namespace {

bool read_ids(const Value& v, const std::string& name, std::set<std::string>& out, std::string& error) {
  if (!v.IsArray()) {
    error = "cursor: " + name + ": expected an array of ids, got " + type_name(v);
    return false;
  }
  for (const auto& id : v.GetArray()) {
    if (!id.IsString()) {
      error = "cursor: " + name + ": expected an array of ids, got " + type_name(id) + " in it";
      return false;
    }
    out.insert(json_string(id));
  }
  return true;
}

bool read_mark(const Value& doc, const char* name, Mark& out, std::string& error) {
  const auto m = doc.FindMember(name);
  if (m == doc.MemberEnd()) return true;
  if (!m->value.IsObject()) {
    error = std::string("cursor: ") + name + ": expected an object, got " + type_name(m->value);
    return false;
  }
  const auto t = m->value.FindMember("t");
  if (t == m->value.MemberEnd() || !t->value.IsInt64()) {
    error = std::string("cursor: ") + name + ".t: expected a time in milliseconds";
    return false;
  }
  out.t = t->value.GetInt64();
  if (const auto ids = m->value.FindMember("ids"); ids != m->value.MemberEnd())
    return read_ids(ids->value, std::string(name) + ".ids", out.ids, error);
  return true;
}

void write_mark(Value& doc, const char* name, const Mark& mark, rapidjson::Document::AllocatorType& a) {
  Value m(rapidjson::kObjectType);
  m.AddMember("t", Value(static_cast<int64_t>(mark.t)), a);
  Value ids(rapidjson::kArrayType);
  for (const auto& id : mark.ids) ids.PushBack(Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), a), a);
  m.AddMember("ids", ids, a);
  doc.AddMember(Value(name, a), m, a);
}

}  // namespace

bool parse_cursor(const std::string& text, Cursor& out, std::string& error) {
  out = Cursor{};
  if (text.empty()) return true;
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    error = "cursor: expected a JSON object (the YouTube connector's position), got " + quoted(text);
    return false;
  }
  out.started = doc.HasMember("floor");  // a cursor of a first poll that read nothing keeps only the budget
  if (!read_mark(doc, "floor", out.floor, error) || !read_mark(doc, "newest", out.newest, error)) return false;
  if (const auto p = doc.FindMember("page"); p != doc.MemberEnd()) {
    if (!p->value.IsString()) {
      error = std::string("cursor: page: expected a page token, got ") + type_name(p->value);
      return false;
    }
    out.page = json_string(p->value);
  }
  if (const auto s = doc.FindMember("seen"); s != doc.MemberEnd() && !read_ids(s->value, "seen", out.seen, error))
    return false;
  if (const auto r = doc.FindMember("replies"); r != doc.MemberEnd()) {
    if (!r->value.IsArray()) {
      error = std::string("cursor: replies: expected an array, got ") + type_name(r->value);
      return false;
    }
    for (const auto& e : r->value.GetArray()) {
      if (!e.IsArray() || e.Size() != 2 || !e[0].IsString() || !e[1].IsInt64()) {
        error = "cursor: replies: expected [thread id, count] pairs";
        return false;
      }
      out.replies.emplace_back(json_string(e[0]), e[1].GetInt64());
    }
  }
  if (const auto b = doc.FindMember("budget"); b != doc.MemberEnd()) {
    const Value& v = b->value;
    if (!v.IsObject() || !v.HasMember("day") || !v["day"].IsString() || !v.HasMember("used") || !v["used"].IsUint64()) {
      error = "cursor: budget: expected {\"day\": \"YYYY-MM-DD\", \"used\": <units>}";
      return false;
    }
    out.budget_day = json_string(v["day"]);
    out.budget_used = v["used"].GetUint64();
  }
  return true;
}

std::string write_cursor(const Cursor& c) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  if (c.started) {
    write_mark(doc, "floor", c.floor, a);
    write_mark(doc, "newest", c.newest, a);
  }
  if (!c.page.empty()) doc.AddMember("page", Value(c.page.c_str(), static_cast<rapidjson::SizeType>(c.page.size()), a), a);
  Value seen(rapidjson::kArrayType);
  for (const auto& id : c.seen) seen.PushBack(Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), a), a);
  doc.AddMember("seen", seen, a);
  Value replies(rapidjson::kArrayType);
  for (const auto& [id, count] : c.replies) {
    Value e(rapidjson::kArrayType);
    e.PushBack(Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), a), a);
    e.PushBack(Value(static_cast<int64_t>(count)), a);
    replies.PushBack(e, a);
  }
  doc.AddMember("replies", replies, a);
  Value budget(rapidjson::kObjectType);
  budget.AddMember("day", Value(c.budget_day.c_str(), static_cast<rapidjson::SizeType>(c.budget_day.size()), a), a);
  budget.AddMember("used", Value(static_cast<uint64_t>(c.budget_used)), a);
  doc.AddMember("budget", budget, a);
  return text::to_text(doc);
}

}  // namespace carewatch::youtube
