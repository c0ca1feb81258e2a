#include "connectors/reddit/cursor.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <vector>

#include "connectors/common/cursor_object.h"
#include "connectors/common/json_text.h"

namespace carewatch::reddit {

using text::json_string;
using text::quoted;
using text::type_name;

std::int64_t StreamState::floor() const {
  std::int64_t f = 0;
  bool first = true;
  for (const auto& [name, created] : seen)
    if (first || created < f) {
      f = created;
      first = false;
    }
  return f;
}

std::int64_t StreamState::newest() const {
  std::int64_t n = 0;
  for (const auto& [name, created] : seen) n = std::max(n, created);
  return n;
}

void StreamState::trim() {
  if (seen.size() <= kSeenKept) return;
  std::vector<std::int64_t> times;
  times.reserve(seen.size());
  for (const auto& [name, created] : seen) times.push_back(created);
  std::sort(times.begin(), times.end(), std::greater<>());
  const std::int64_t cutoff = times[kSeenKept - 1];  // the oldest time kept: all items of it stay
  for (auto it = seen.begin(); it != seen.end();) it = it->second < cutoff ? seen.erase(it) : std::next(it);
}

bool valid_fullname(std::string_view name) {
  if (name.size() < 4 || name.size() > 23 || name[0] != 't' || name[1] < '1' || name[1] > '9' || name[2] != '_')
    return false;
  for (char c : name.substr(3))
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

bool parse_cursor(const std::string& text, Cursor& out, std::string& error) {
  out.clear();
  if (text.empty()) return true;
  rapidjson::Document d;
  if (!parse_cursor_object(text, "Reddit streams", d, error)) return false;
  for (const auto& stream : d.GetObject()) {
    const std::string key = json_string(stream.name);
    const std::string at = "cursor: " + quoted(key);
    if (!stream.value.IsObject()) {
      error = at + ": expected an object, got " + type_name(stream.value);
      return false;
    }
    StreamState state;
    if (const auto seen = stream.value.FindMember("seen"); seen != stream.value.MemberEnd()) {
      if (!seen->value.IsObject()) {
        error = at + ".seen: expected an object, got " + type_name(seen->value);
        return false;
      }
      for (const auto& item : seen->value.GetObject()) {
        const std::string name = json_string(item.name);
        if (!valid_fullname(name) || !item.value.IsInt64()) {
          error = at + ".seen: expected fullnames with their created_utc, got " + quoted(name);
          return false;
        }
        state.seen[name] = item.value.GetInt64();
      }
    }
    if (const auto gap = stream.value.FindMember("gap"); gap != stream.value.MemberEnd()) {
      const auto& g = gap->value;
      const auto after = g.IsObject() ? g.FindMember("after") : g.MemberEnd();
      const auto until = g.IsObject() ? g.FindMember("until") : g.MemberEnd();
      if (!g.IsObject() || after == g.MemberEnd() || !after->value.IsString() ||
          !valid_fullname(json_string(after->value)) || until == g.MemberEnd() || !until->value.IsInt64()) {
        error = at + ".gap: expected {\"after\": <fullname>, \"until\": <created_utc>}";
        return false;
      }
      state.gap = Gap{json_string(after->value), until->value.GetInt64(), {}};
      if (const auto also = g.FindMember("also"); also != g.MemberEnd()) {
        if (!also->value.IsArray()) {
          error = at + ".gap.also: expected an array of fullnames";
          return false;
        }
        for (const auto& name : also->value.GetArray()) {
          if (!name.IsString() || !valid_fullname(json_string(name))) {
            error = at + ".gap.also: expected an array of fullnames";
            return false;
          }
          state.gap->also.push_back(json_string(name));
        }
      }
    }
    out[key] = std::move(state);
  }
  return true;
}

std::string write_cursor(const Cursor& cursor) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [key, state] : cursor) {
    w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    w.StartObject();
    w.Key("seen");
    w.StartObject();
    for (const auto& [name, created] : state.seen) {
      w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
      w.Int64(created);
    }
    w.EndObject();
    if (state.gap) {
      w.Key("gap");
      w.StartObject();
      w.Key("after");
      w.String(state.gap->after.c_str(), static_cast<rapidjson::SizeType>(state.gap->after.size()));
      w.Key("until");
      w.Int64(state.gap->until);
      if (!state.gap->also.empty()) {
        w.Key("also");
        w.StartArray();
        for (const auto& name : state.gap->also) w.String(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
        w.EndArray();
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace carewatch::reddit
