#include "connectors/bluesky/cursor.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "connectors/common/cursor_object.h"
#include "connectors/common/json_text.h"

namespace carewatch::bluesky {

namespace {

using rapidjson::Value;
using text::json_string;
using text::quoted;
using text::type_name;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put_string(Writer& w, const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }

void put_seen(Writer& w, const std::map<std::string, TimeMs>& seen) {
  w.StartObject();
  for (const auto& [uri, t] : seen) {
    put_string(w, uri);
    w.Int64(t);
  }
  w.EndObject();
}

bool read_time(const Value& obj, const char* name, const std::string& where, TimeMs& out, std::string& error) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) {
    error = "cursor: " + where + "." + name + ": expected an ISO 8601 time, got " +
            (it == obj.MemberEnd() ? "nothing" : type_name(it->value));
    return false;
  }
  if (!parse_iso8601(json_string(it->value), out)) {
    error = "cursor: " + where + "." + name + ": expected an ISO 8601 time, got " + quoted(json_string(it->value));
    return false;
  }
  return true;
}

bool read_seen(const Value& obj, const char* name, const std::string& where, std::map<std::string, TimeMs>& out,
               std::string& error) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return true;
  if (!it->value.IsObject()) {
    error = "cursor: " + where + "." + name + ": expected an object of uris, got " + type_name(it->value);
    return false;
  }
  for (const auto& m : it->value.GetObject()) {
    if (!m.value.IsInt64()) {
      error = "cursor: " + where + "." + name + "[" + quoted(json_string(m.name)) + "]: expected a number, got " +
              type_name(m.value);
      return false;
    }
    out[json_string(m.name)] = m.value.GetInt64();
  }
  return true;
}

}  // namespace

void Mark::note(TimeMs t, const std::string& uri) {
  if (t > at) at = t;
  if (from != 0 && from <= at - kOverlap) from = 0;  // the window has passed it
  if (t >= at - kOverlap) seen[uri] = t;
  for (auto it = seen.begin(); it != seen.end();) {
    if (it->second < at - kOverlap) it = seen.erase(it);
    else ++it;
  }
  while (seen.size() > kMaxSeen) {
    auto oldest = seen.begin();
    for (auto it = seen.begin(); it != seen.end(); ++it)
      if (it->second < oldest->second) oldest = it;
    seen.erase(oldest);
  }
}

void Floor::note(TimeMs t, const std::string& uri) {
  if (empty || t < at) {
    empty = false;
    at = t;
    seen.clear();
  }
  if (t == at) seen[uri] = t;
}

bool parse_cursor(const std::string& text, Cursor& out, std::string& error) {
  out.clear();
  if (text.empty()) return true;
  rapidjson::Document d;
  if (!parse_cursor_object(text, "streams", d, error)) return false;
  for (const auto& s : d.GetObject()) {
    const std::string key = json_string(s.name);
    const std::string where = quoted(key);
    if (!s.value.IsObject()) {
      error = "cursor: " + where + ": expected an object, got " + type_name(s.value);
      return false;
    }
    StreamCursor sc;
    if (!read_time(s.value, "at", where, sc.head.at, error) || !read_seen(s.value, "seen", where, sc.head.seen, error))
      return false;
    if (s.value.HasMember("from") && !read_time(s.value, "from", where, sc.head.from, error)) return false;
    if (const auto w = s.value.FindMember("walk"); w != s.value.MemberEnd() && !w->value.IsNull()) {
      const std::string wwhere = where + ".walk";
      if (!w->value.IsObject()) {
        error = "cursor: " + wwhere + ": expected an object, got " + type_name(w->value);
        return false;
      }
      Walk walk;
      const auto page = w->value.FindMember("page");
      if (page == w->value.MemberEnd() || !page->value.IsString() || page->value.GetStringLength() == 0) {
        error = "cursor: " + wwhere + ".page: expected a page cursor";
        return false;
      }
      walk.page = json_string(page->value);
      if (!read_time(w->value, "below", wwhere, walk.below.at, error) ||
          !read_seen(w->value, "below_seen", wwhere, walk.below.seen, error) ||
          !read_time(w->value, "until", wwhere, walk.until.at, error) ||
          !read_seen(w->value, "until_seen", wwhere, walk.until.seen, error))
        return false;
      if (w->value.HasMember("until_from") && !read_time(w->value, "until_from", wwhere, walk.until.from, error))
        return false;
      walk.below.empty = false;
      sc.walk = std::move(walk);
    }
    out[key] = std::move(sc);
  }
  return true;
}

std::string write_cursor(const Cursor& cursor) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  for (const auto& [key, sc] : cursor) {
    put_string(w, key);
    w.StartObject();
    w.Key("at");
    put_string(w, format_iso8601(sc.head.at));
    w.Key("seen");
    put_seen(w, sc.head.seen);
    if (sc.head.from != 0) {
      w.Key("from");
      put_string(w, format_iso8601(sc.head.from));
    }
    if (sc.walk) {
      w.Key("walk");
      w.StartObject();
      w.Key("page");
      put_string(w, sc.walk->page);
      w.Key("below");
      put_string(w, format_iso8601(sc.walk->below.at));
      w.Key("below_seen");
      put_seen(w, sc.walk->below.seen);
      w.Key("until");
      put_string(w, format_iso8601(sc.walk->until.at));
      w.Key("until_seen");
      put_seen(w, sc.walk->until.seen);
      if (sc.walk->until.from != 0) {
        w.Key("until_from");
        put_string(w, format_iso8601(sc.walk->until.from));
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
  return buf.GetString();
}

}  // namespace carewatch::bluesky
