#include "connectors/hackernews/search_cursor.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "connectors/common/cursor_object.h"
#include "connectors/common/json_text.h"

namespace carewatch::hackernews {

namespace {

using rapidjson::Value;
using text::json_string;
using text::type_name;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

bool read_int(const Value& obj, const char* name, const std::string& at, std::int64_t& out, std::string& error) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return true;
  if (!it->value.IsInt64()) {
    error = at + "." + name + ": expected an integer, got " + type_name(it->value);
    return false;
  }
  out = it->value.GetInt64();
  return true;
}

bool read_ids(const Value& obj, const char* name, const std::string& at, std::set<std::string>& out,
              std::string& error) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return true;
  if (!it->value.IsArray()) {
    error = at + "." + name + ": expected an array, got " + type_name(it->value);
    return false;
  }
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString()) {
      error = at + "." + name + ": expected strings, got " + type_name(v);
      return false;
    }
    out.insert(json_string(v));
  }
  return true;
}

void write_ids(Writer& w, const char* name, const std::set<std::string>& ids) {
  w.Key(name);
  w.StartArray();
  for (const auto& id : ids) w.String(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
  w.EndArray();
}

}  // namespace

bool parse_cursor(const std::string& text, Cursor& out, std::string& error) {
  out.clear();
  if (text.empty()) return true;
  rapidjson::Document d;
  if (!parse_cursor_object(text, "terms", d, error)) return false;
  for (const auto& m : d.GetObject()) {
    const std::string at = "cursor: " + text::quoted(json_string(m.name));
    if (!m.value.IsObject()) {
      error = at + ": expected an object, got " + type_name(m.value);
      return false;
    }
    TermState s;
    if (!read_int(m.value, "newest", at, s.newest, error) || !read_ids(m.value, "ids", at, s.ids, error)) return false;
    if (const auto r = m.value.FindMember("run"); r != m.value.MemberEnd()) {
      if (!r->value.IsObject()) {
        error = at + ".run: expected an object, got " + type_name(r->value);
        return false;
      }
      Run run;
      std::int64_t page = 0;
      const std::string rat = at + ".run";
      if (!read_int(r->value, "top", rat, run.top, error) || !read_ids(r->value, "top_ids", rat, run.top_ids, error) ||
          !read_int(r->value, "upper", rat, run.upper, error) || !read_int(r->value, "page", rat, page, error) ||
          !read_int(r->value, "oldest", rat, run.oldest, error) ||
          !read_ids(r->value, "oldest_ids", rat, run.oldest_ids, error))
        return false;
      if (page < 0 || page > 100000) {
        error = rat + ".page: out of range";
        return false;
      }
      run.page = static_cast<int>(page);
      s.run = std::move(run);
    }
    out[json_string(m.name)] = std::move(s);
  }
  return true;
}

std::string write_cursor(const Cursor& cursor) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  for (const auto& [term, s] : cursor) {
    w.Key(term.c_str(), static_cast<rapidjson::SizeType>(term.size()));
    w.StartObject();
    w.Key("newest");
    w.Int64(s.newest);
    write_ids(w, "ids", s.ids);
    if (s.run) {
      w.Key("run");
      w.StartObject();
      w.Key("top");
      w.Int64(s.run->top);
      write_ids(w, "top_ids", s.run->top_ids);
      w.Key("upper");
      w.Int64(s.run->upper);
      w.Key("page");
      w.Int(s.run->page);
      w.Key("oldest");
      w.Int64(s.run->oldest);
      write_ids(w, "oldest_ids", s.run->oldest_ids);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace carewatch::hackernews
