#include "connectors/options/options_table.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "connectors/registry.h"

namespace carewatch {

namespace {

using rapidjson::Value;

std::string json_text(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A table cell: '|' escaped, '<' and '>' as entities (a description's "<platform>" is not an HTML
// tag), line breaks as spaces.
std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  }
  return out;
}

std::string number_text(const Value& v) { return v.IsInt64() ? std::to_string(v.GetInt64()) : json_text(v); }

// "string", "string or integer", "array of strings", "`"full"` \| `"timestamps"`", "integer, 1 to 40".
std::string type_of(const Value& p) {
  if (p.HasMember("enum") && p["enum"].IsArray()) {
    std::string out;
    for (const auto& e : p["enum"].GetArray()) out += (out.empty() ? "`" : " | `") + json_text(e) + "`";
    return out;
  }
  if (!p.HasMember("type")) return "any";
  const Value& t = p["type"];
  std::string out;
  if (t.IsArray()) {
    for (const auto& e : t.GetArray()) out += (out.empty() ? "" : " or ") + std::string(e.GetString());
    return out;
  }
  out = t.GetString();
  if (out == "array" && p.HasMember("items") && p["items"].HasMember("type") && p["items"]["type"].IsString())
    return out + " of " + p["items"]["type"].GetString() + "s";
  if (out == "object" && p.HasMember("additionalProperties") && p["additionalProperties"].IsObject() &&
      p["additionalProperties"].HasMember("type") && p["additionalProperties"]["type"].IsString())
    return out + " of " + p["additionalProperties"]["type"].GetString() + "s";
  if (out == "integer" || out == "number") {
    const Value* min = p.HasMember("minimum") ? &p["minimum"] : nullptr;
    const Value* max = p.HasMember("maximum") ? &p["maximum"] : nullptr;
    const bool exclusive = p.HasMember("exclusiveMinimum") && p["exclusiveMinimum"].IsTrue();
    if (min && max) out += ", " + number_text(*min) + " to " + number_text(*max);
    else if (min) out += (exclusive ? ", > " : ", >= ") + number_text(*min);
    else if (max) out += ", <= " + number_text(*max);
  }
  return out;
}

bool required(const Value& schema, const char* name) {
  if (!schema.HasMember("required") || !schema["required"].IsArray()) return false;
  for (const auto& r : schema["required"].GetArray())
    if (r.IsString() && std::string_view(r.GetString()) == name) return true;
  return false;
}

std::string begin_marker(const std::string& type) {
  return "<!-- options of " + type + ": generated from connectors/" + type +
         "/schema.json by scripts/connector-options-table -->\n";
}

std::string end_marker(const std::string& type) { return "<!-- end of options of " + type + " -->\n"; }

}  // namespace

std::string options_table(const char* schema_text) {
  rapidjson::Document schema;
  schema.Parse(schema_text);
  if (schema.HasParseError() || !schema.HasMember("properties")) return "(schema.json does not parse)\n";
  std::string out = "| option | type | default | meaning |\n|---|---|---|---|\n";
  for (const auto& m : schema["properties"].GetObject()) {
    const Value& p = m.value;
    std::string def = "\u2014";  // none: the description says what happens
    if (required(schema, m.name.GetString())) def = "required";
    else if (p.HasMember("default")) def = "`" + json_text(p["default"]) + "`";
    const std::string description = p.HasMember("description") && p["description"].IsString()
                                        ? p["description"].GetString()
                                        : "";
    out += "| `" + std::string(m.name.GetString()) + "` | " + cell(type_of(p)) + " | " + cell(def) + " | " +
           cell(description) + " |\n";
  }
  return out;
}

std::optional<std::string> with_options_tables(std::string_view readme, std::string& error) {
  std::string out(readme);
  for (const auto& t : connector_types()) {
    const std::string begin = begin_marker(t.type), end = end_marker(t.type);
    const size_t b = out.find(begin);
    if (b == std::string::npos) {
      error = "no option table of connector type \"" + t.type + "\" (a line " + begin.substr(0, begin.size() - 1) + ")";
      return std::nullopt;
    }
    const size_t e = out.find(end, b + begin.size());
    if (e == std::string::npos) {
      error = "the option table of \"" + t.type + "\" has no end (a line " + end.substr(0, end.size() - 1) + ")";
      return std::nullopt;
    }
    out.replace(b + begin.size(), e - b - begin.size(), options_table(t.options_schema));
  }
  return out;
}

}  // namespace carewatch
