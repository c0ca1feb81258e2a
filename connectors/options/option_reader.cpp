#include "connectors/options/option_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <filesystem>

#include "mention/common/duration.h"

namespace carewatch {

namespace {

using rapidjson::Value;
using std::chrono::milliseconds;

const Value* member(const Value& object, std::string_view name) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(Value(rapidjson::StringRef(name.data(), name.size())));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// What a value is, for "got ...": a scalar as JSON (a string quoted and escaped, cut at 80 bytes),
// an array or object by its kind.
std::string describe(const Value& v) {
  if (v.IsArray()) return "an array";
  if (v.IsObject()) return "an object";
  const bool cut = v.IsString() && v.GetStringLength() > 80;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  if (cut) writer.String(v.GetString(), 80);
  else v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize()) + (cut ? "..." : "");
}

// 600000 -> "10m", 1500 -> "1500ms": the largest unit that divides it.
std::string format_duration(std::int64_t ms) {
  static constexpr std::pair<std::int64_t, const char*> units[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}};
  for (const auto& [size, name] : units)
    if (ms != 0 && ms % size == 0) return std::to_string(ms / size) + name;
  return std::to_string(ms) + "ms";
}

bool allows_type(const Value* property, std::string_view type) {
  const Value* t = property ? member(*property, "type") : nullptr;
  if (!t) return false;
  if (t->IsString()) return t->GetString() == type;
  if (t->IsArray())
    for (const auto& e : t->GetArray())
      if (e.IsString() && e.GetString() == type) return true;
  return false;
}

}  // namespace

OptionReader::OptionReader(std::string_view options_json, const char* schema, std::string base_dir)
    : base_dir_(std::move(base_dir)) {
  schema_.Parse(schema);
  if (schema_.HasParseError() || !member(schema_, "properties")) {
    error_ = "options: the connector's schema.json does not parse (a build problem)";
    return;
  }
  if (options_json.empty()) options_json = "{}";
  options_.Parse<rapidjson::kParseCommentsFlag>(options_json.data(), options_json.size());
  if (options_.HasParseError())
    error_ = "options: invalid JSON at offset " + std::to_string(options_.GetErrorOffset()) + ": " +
             rapidjson::GetParseError_En(options_.GetParseError());
  else if (!options_.IsObject())
    error_ = "options: expected an object, got " + describe(options_);
}

const Value* OptionReader::property(std::string_view name) const {
  const Value* properties = member(schema_, "properties");
  return properties ? member(*properties, name) : nullptr;
}

const Value* OptionReader::find(std::string_view name, bool may_be_absent) {
  if (!ok()) return nullptr;
  const Value* p = property(name);
  if (!p) {
    fail(name, "not in the connector's schema.json (a connector bug)");
    return nullptr;
  }
  read_.emplace(name);
  if (const Value* v = member(options_, name)) return v;
  if (const Value* d = member(*p, "default")) return d;
  if (const Value* required = member(schema_, "required"); required && required->IsArray())
    for (const auto& r : required->GetArray())
      if (r.IsString() && r.GetString() == name) {
        fail(name, "required");
        return nullptr;
      }
  if (!may_be_absent)
    fail(name, "schema.json gives no default and the connector reads no std::optional (a connector bug)");
  return nullptr;
}

void OptionReader::fail(std::string_view name, const std::string& message) {
  if (ok()) error_ = "options." + std::string(name) + ": " + message;
}

bool OptionReader::finish(std::string& error) {
  if (ok())
    for (const auto& m : options_.GetObject()) {
      const std::string name(m.name.GetString(), m.name.GetStringLength());
      if (read_.count(name)) continue;
      if (property(name)) {
        fail(name, "in the schema but not read by the connector (a connector bug)");
        break;
      }
      std::string known;
      for (const auto& p : member(schema_, "properties")->GetObject())
        known += (known.empty() ? "" : ", ") + std::string(p.name.GetString());
      fail(name, "unknown option (known: " + known + ")");
      break;
    }
  error = error_;
  return ok();
}

void OptionReader::read(std::string_view name, std::string& out) { read_plain(name, out); }
void OptionReader::read(std::string_view name, bool& out) { read_plain(name, out); }
void OptionReader::read(std::string_view name, int& out) { read_plain(name, out); }
void OptionReader::read(std::string_view name, double& out) { read_plain(name, out); }
void OptionReader::read(std::string_view name, std::vector<std::string>& out) { read_plain(name, out); }
void OptionReader::read(std::string_view name, std::map<std::string, std::string>& out) { read_plain(name, out); }
void OptionReader::read(std::string_view name, OptionJson& out) { read_plain(name, out); }
void OptionReader::read(std::string_view name, milliseconds& out) { read_plain(name, out); }
void OptionReader::read(std::string_view name, OptionPath& out) { read_plain(name, out); }

bool OptionReader::convert(std::string_view name, const Value& v, std::string& out) {
  if (!v.IsString()) {
    fail(name, "expected a string, got " + describe(v));
    return false;
  }
  out.assign(v.GetString(), v.GetStringLength());
  return true;
}

bool OptionReader::convert(std::string_view name, const Value& v, bool& out) {
  if (!v.IsBool()) {
    fail(name, "expected true or false, got " + describe(v));
    return false;
  }
  out = v.GetBool();
  return true;
}

bool OptionReader::convert(std::string_view name, const Value& v, int& out) {
  if (!v.IsInt()) {
    fail(name, "expected an integer, got " + describe(v));
    return false;
  }
  out = v.GetInt();
  return true;
}

bool OptionReader::convert(std::string_view name, const Value& v, double& out) {
  if (!v.IsNumber()) {
    fail(name, "expected a number, got " + describe(v));
    return false;
  }
  out = v.GetDouble();
  return true;
}

bool OptionReader::convert(std::string_view name, const Value& v, std::vector<std::string>& out) {
  if (!v.IsArray()) {
    fail(name, "expected an array of strings, got " + describe(v));
    return false;
  }
  std::vector<std::string> list;
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    if (!v[i].IsString()) {
      fail(std::string(name) + "[" + std::to_string(i) + "]", "expected a string, got " + describe(v[i]));
      return false;
    }
    list.emplace_back(v[i].GetString(), v[i].GetStringLength());
  }
  out = std::move(list);
  return true;
}

bool OptionReader::convert(std::string_view name, const Value& v, std::map<std::string, std::string>& out) {
  if (!v.IsObject()) {
    fail(name, "expected an object of strings, got " + describe(v));
    return false;
  }
  std::map<std::string, std::string> map;
  for (const auto& m : v.GetObject()) {
    const std::string key(m.name.GetString(), m.name.GetStringLength());
    if (!m.value.IsString()) {
      fail(std::string(name) + "." + key, "expected a string, got " + describe(m.value));
      return false;
    }
    map[key].assign(m.value.GetString(), m.value.GetStringLength());
  }
  out = std::move(map);
  return true;
}

bool OptionReader::convert(std::string_view, const Value& v, OptionJson& out) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  out.text.assign(buffer.GetString(), buffer.GetSize());
  return true;
}

bool OptionReader::convert(std::string_view name, const Value& v, milliseconds& out) {
  const Value* p = property(name);
  std::optional<milliseconds> d;
  if (v.IsString()) d = parse_duration(std::string_view(v.GetString(), v.GetStringLength()));
  else if (v.IsInt64() && allows_type(p, "integer")) d = milliseconds(v.GetInt64());
  const Value* min = member(*p, "minimum");
  const Value* max = member(*p, "maximum");
  const std::int64_t lo = min && min->IsInt64() ? min->GetInt64() : 0;
  const std::int64_t hi = max && max->IsInt64() ? max->GetInt64() : INT64_MAX;
  if (!d || d->count() < lo || d->count() > hi) {
    std::string expected = "expected a duration";
    if (min && max) expected += " from " + format_duration(lo) + " to " + format_duration(hi);
    else if (min) expected += " of at least " + format_duration(lo);
    else if (max) expected += " of at most " + format_duration(hi);
    expected += " like \"10s\", \"500ms\" or \"2m\"";
    if (allows_type(p, "integer")) expected += ", or an integer of milliseconds";
    fail(name, expected + ", got " + describe(v));
    return false;
  }
  out = *d;
  return true;
}

bool OptionReader::convert(std::string_view name, const Value& v, OptionPath& out) {
  if (!v.IsString() || v.GetStringLength() == 0) {
    fail(name, "expected a file name, got " + describe(v));
    return false;
  }
  out.configured.assign(v.GetString(), v.GetStringLength());
  const std::filesystem::path p(out.configured);
  out.resolved = p.is_absolute() || base_dir_.empty() ? out.configured : (std::filesystem::path(base_dir_) / p).string();
  return true;
}

}  // namespace carewatch
