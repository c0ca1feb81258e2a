#include "connectors/x/cursor.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>

#include "connectors/common/json_text.h"

namespace carewatch::x {

using rapidjson::Value;
using text::json_string;
using text::quoted;
using text::to_text;
using text::type_name;

namespace {

std::optional<std::uint64_t> id_value(std::string_view id) {
  if (!valid_id(id)) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return v;
}

}  // namespace

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 19) return false;
  for (char c : id)
    if (c < '0' || c > '9') return false;
  if (id.size() > 1 && id[0] == '0') return false;
  return id.size() < 19 || id <= "9223372036854775807";
}

bool id_less(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

TimeMs snowflake_time(std::string_view id) {
  const auto v = id_value(id);
  if (!v) return 0;
  return static_cast<TimeMs>(*v >> 22) + kSnowflakeEpochMs;
}

std::string snowflake_id(TimeMs t) {
  if (t <= kSnowflakeEpochMs) return "1";
  return std::to_string(static_cast<std::uint64_t>(t - kSnowflakeEpochMs) << 22);
}

std::string since_with_overlap(std::string_view newest) {
  const TimeMs t = snowflake_time(newest);
  if (t == 0) return "1";
  const std::string since = snowflake_id(t - kOverlapMs);
  // Never later than the newest itself (ids of the epoch's first 30 seconds).
  return id_less(since, newest) ? since : std::string("1");
}

std::optional<TimeMs> http_date(std::string_view v) {
  // "Fri, 04 Dec 2026 14:33:25 GMT"
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (v.size() != 29 || v.substr(3, 2) != ", " || v.substr(25) != " GMT") return std::nullopt;
  auto number = [&](size_t at, size_t n) -> int {
    int x = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (v[i] < '0' || v[i] > '9') return -1;
      x = x * 10 + (v[i] - '0');
    }
    return x;
  };
  const size_t month = kMonths.find(v.substr(8, 3));
  const int day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2),
            second = number(23, 2);
  if (month == std::string_view::npos || month % 3 != 0 || day < 1 || day > 31 || year < 1970 || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || v[7] != ' ' || v[11] != ' ' ||
      v[16] != ' ' || v[19] != ':' || v[22] != ':')
    return std::nullopt;
  // Days since the epoch of a proleptic Gregorian date.
  const int m = static_cast<int>(month / 3) + 1;
  const int y = year - (m <= 2);
  const int era = y / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long long days = static_cast<long long>(era) * 146097 + doe - 719468;
  return ((days * 24 + hour) * 60 + minute) * 60000LL + second * 1000LL;
}

bool StreamState::seen(std::string_view id) const {
  return std::find(recent.begin(), recent.end(), id) != recent.end();
}

void StreamState::remember(const std::vector<std::string>& ids) {
  for (const auto& id : ids)
    if (!seen(id)) recent.push_back(id);
  std::sort(recent.begin(), recent.end(), [](const std::string& a, const std::string& b) { return id_less(b, a); });
  if (recent.size() > kRecentIds) recent.resize(kRecentIds);
}

namespace {

bool read_id(const Value& obj, const char* name, const std::string& at, bool allow_empty, std::string& out,
             std::string& error) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return true;
  if (!it->value.IsString() || !(valid_id(json_string(it->value)) || (allow_empty && it->value.GetStringLength() == 0))) {
    error = "cursor: " + at + "." + name + ": expected an id string, got " +
            (it->value.IsString() ? quoted(json_string(it->value)) : std::string(type_name(it->value)));
    return false;
  }
  out = json_string(it->value);
  return true;
}

}  // namespace

bool parse_cursor(const std::string& text, Cursor& out, std::string& error) {
  if (text.empty()) return true;
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    error = "cursor: expected a JSON object {\"budget\": ..., \"streams\": ...}, got " + quoted(text);
    return false;
  }
  if (const auto b = doc.FindMember("budget"); b != doc.MemberEnd()) {
    if (!b->value.IsObject()) {
      error = std::string("cursor: budget: expected an object, got ") + type_name(b->value);
      return false;
    }
    const auto day = b->value.FindMember("day");
    const auto used = b->value.FindMember("used");
    if (day == b->value.MemberEnd() || !day->value.IsString() || used == b->value.MemberEnd() ||
        !used->value.IsUint64()) {
      error = "cursor: budget: expected {\"day\": \"YYYY-MM-DD\", \"used\": <count>}";
      return false;
    }
    out.budget_day = json_string(day->value);
    out.budget_used = used->value.GetUint64();
  }
  const auto streams = doc.FindMember("streams");
  if (streams == doc.MemberEnd()) return true;
  if (!streams->value.IsObject()) {
    error = std::string("cursor: streams: expected an object, got ") + type_name(streams->value);
    return false;
  }
  for (const auto& s : streams->value.GetObject()) {
    const std::string key = json_string(s.name);
    const std::string at = "streams." + quoted(key);
    if (!s.value.IsObject()) {
      error = "cursor: " + at + ": expected an object, got " + type_name(s.value);
      return false;
    }
    StreamState st;
    if (!read_id(s.value, "newest", at, false, st.newest, error)) return false;
    if (const auto r = s.value.FindMember("recent"); r != s.value.MemberEnd()) {
      if (!r->value.IsArray()) {
        error = "cursor: " + at + ".recent: expected an array of ids";
        return false;
      }
      for (const auto& id : r->value.GetArray()) {
        if (!id.IsString() || !valid_id(json_string(id))) {
          error = "cursor: " + at + ".recent: expected an array of ids";
          return false;
        }
        st.recent.push_back(json_string(id));
      }
    }
    if (const auto w = s.value.FindMember("walk"); w != s.value.MemberEnd()) {
      const auto token = w->value.IsObject() ? w->value.FindMember("token") : w->value.MemberEnd();
      if (!w->value.IsObject() || token == w->value.MemberEnd() || !token->value.IsString() ||
          token->value.GetStringLength() == 0) {
        error = "cursor: " + at + ".walk: expected {\"since\": ..., \"token\": \"...\", \"top\": ...}";
        return false;
      }
      Walk walk;
      walk.token = json_string(token->value);
      if (!read_id(w->value, "since", at + ".walk", true, walk.since, error) ||
          !read_id(w->value, "top", at + ".walk", false, walk.top, error))
        return false;
      if (walk.top.empty()) {
        error = "cursor: " + at + ".walk.top: missing";
        return false;
      }
      st.walk = std::move(walk);
    }
    out.streams[key] = std::move(st);
  }
  return true;
}

std::string write_cursor(const Cursor& cursor) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  auto str = [&a](const std::string& s) {
    return Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
  };
  if (!cursor.budget_day.empty()) {
    Value b(rapidjson::kObjectType);
    b.AddMember("day", str(cursor.budget_day), a);
    b.AddMember("used", Value(static_cast<uint64_t>(cursor.budget_used)), a);
    doc.AddMember("budget", b, a);
  }
  Value streams(rapidjson::kObjectType);
  for (const auto& [key, st] : cursor.streams) {
    Value s(rapidjson::kObjectType);
    if (!st.newest.empty()) s.AddMember("newest", str(st.newest), a);
    Value recent(rapidjson::kArrayType);
    for (const auto& id : st.recent) recent.PushBack(str(id), a);
    s.AddMember("recent", recent, a);
    if (st.walk) {
      Value w(rapidjson::kObjectType);
      w.AddMember("since", str(st.walk->since), a);
      w.AddMember("token", str(st.walk->token), a);
      w.AddMember("top", str(st.walk->top), a);
      s.AddMember("walk", w, a);
    }
    streams.AddMember(str(key), s, a);
  }
  doc.AddMember("streams", streams, a);
  return to_text(doc);
}

}  // namespace carewatch::x
