#include "connectors/rss/feed_cursor.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstdio>

#include "connectors/common/cursor_object.h"
#include "connectors/common/json_text.h"

namespace carewatch::rss {

using text::json_string;
using text::quoted;
using text::type_name;

std::string hash_key(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "h:%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string seen_key(const std::string& native_id) {
  return native_id.size() > 128 ? hash_key(native_id) : native_id;
}

bool parse_cursor(const std::string& text, Cursor& out, std::string& error) {
  out.clear();
  if (text.empty()) return true;
  rapidjson::Document d;
  if (!parse_cursor_object(text, "feeds", d, error)) return false;
  for (auto& m : d.GetObject()) {
    const std::string url = json_string(m.name);
    const std::string at = "cursor: " + quoted(url);
    if (!m.value.IsObject()) {
      error = at + ": expected an object, got " + type_name(m.value);
      return false;
    }
    FeedState s;
    for (const char* name : {"etag", "modified"}) {
      const auto it = m.value.FindMember(name);
      if (it == m.value.MemberEnd()) continue;
      if (!it->value.IsString()) {
        error = at + "." + name + ": expected a string, got " + type_name(it->value);
        return false;
      }
      (std::string_view(name) == "etag" ? s.etag : s.modified) = json_string(it->value);
    }
    if (const auto it = m.value.FindMember("seen"); it != m.value.MemberEnd()) {
      if (!it->value.IsArray()) {
        error = at + ".seen: expected an array, got " + type_name(it->value);
        return false;
      }
      for (const auto& k : it->value.GetArray()) {
        if (!k.IsString()) {
          error = at + ".seen: expected strings, got " + type_name(k);
          return false;
        }
        s.seen.push_back(json_string(k));
      }
    }
    if (const auto it = m.value.FindMember("newest"); it != m.value.MemberEnd()) {
      if (!it->value.IsInt64()) {
        error = at + ".newest: expected an integer, got " + type_name(it->value);
        return false;
      }
      s.newest = it->value.GetInt64();
    }
    out[url] = std::move(s);
  }
  return true;
}

std::string write_cursor(const Cursor& cursor) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [url, s] : cursor) {
    w.Key(url.c_str(), static_cast<rapidjson::SizeType>(url.size()));
    w.StartObject();
    if (!s.etag.empty()) {
      w.Key("etag");
      w.String(s.etag.c_str(), static_cast<rapidjson::SizeType>(s.etag.size()));
    }
    if (!s.modified.empty()) {
      w.Key("modified");
      w.String(s.modified.c_str(), static_cast<rapidjson::SizeType>(s.modified.size()));
    }
    w.Key("seen");
    w.StartArray();
    for (const auto& k : s.seen) w.String(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.EndArray();
    w.Key("newest");
    w.Int64(s.newest);
    w.EndObject();
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace carewatch::rss
