#include "connectors/exec/plugin_output.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cmath>

#include "connectors/common/json_text.h"
#include "mention/mention_json.h"

namespace carewatch::exec {

namespace {

using namespace text;  // type_name, to_text, json_string

PluginLine bad(std::string error) {
  PluginLine l;
  l.kind = PluginLine::Kind::bad;
  l.error = std::move(error);
  return l;
}

bool is_blank(std::string_view line) {
  for (const char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

// {"cursor": ..., "more": ..., "retry_after": ...}: the members a control line may have.
PluginLine read_control(const rapidjson::Value& doc) {
  PluginLine l;
  l.kind = PluginLine::Kind::control;
  for (const auto& m : doc.GetObject()) {
    const std::string name = json_string(m.name);
    if (name == "cursor") {
      l.has_cursor = true;
      l.cursor_json = to_text(m.value);
    } else if (name == "more") {
      if (!m.value.IsBool()) return bad(std::string("more: expected true or false, got ") + type_name(m.value));
      l.more = m.value.GetBool();
    } else if (name == "retry_after") {
      if (!m.value.IsNumber() || m.value.GetDouble() < 0 || !std::isfinite(m.value.GetDouble()))
        return bad("retry_after: expected a number of seconds, 0 or more");
      l.retry_after_s = m.value.GetDouble();
    } else {
      return bad(name + ": not a member of a control line (cursor, more, retry_after)");
    }
  }
  return l;
}

PluginLine read_log(const rapidjson::Value& doc) {
  PluginLine l;
  l.kind = PluginLine::Kind::log;
  const auto& text = doc["log"];
  if (!text.IsString()) return bad(std::string("log: expected a string, got ") + type_name(text));
  l.log = json_string(text);
  l.level = "info";
  if (const auto level = doc.FindMember("level"); level != doc.MemberEnd()) {
    if (!level->value.IsString()) return bad(std::string("level: expected a string, got ") + type_name(level->value));
    l.level = json_string(level->value);
    if (l.level == "warn") l.level = "warning";
    if (l.level != "info" && l.level != "warning" && l.level != "error")
      return bad("level: expected \"info\", \"warning\" or \"error\", got " + quoted(l.level));
  }
  for (const auto& m : doc.GetObject()) {
    const std::string name = json_string(m.name);
    if (name != "log" && name != "level") return bad(name + ": not a member of a log line (log, level)");
  }
  return l;
}

}  // namespace

PluginLine read_plugin_line(std::string_view line, const std::string& default_platform) {
  if (is_blank(line)) return {};
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError())
    return bad("not JSON (offset " + std::to_string(doc.GetErrorOffset()) + ": " +
               rapidjson::GetParseError_En(doc.GetParseError()) + ")");
  if (!doc.IsObject()) return bad(std::string("expected a JSON object, got ") + type_name(doc));
  if (doc.HasMember("log")) return read_log(doc);
  if (doc.HasMember("cursor") || doc.HasMember("more") || doc.HasMember("retry_after")) {
    if (!doc.HasMember("text")) return read_control(doc);
    return bad("a line is either a mention or a control line ({\"cursor\": ...}), not both");
  }

  // A mention in carewatch's mention format.
  const auto text = doc.FindMember("text");
  if (text == doc.MemberEnd()) return bad("text: missing (a mention needs id and text)");
  const bool names_platform = doc.HasMember("platform") || doc.HasMember("uid");
  if (!names_platform && default_platform.empty())
    return bad("platform: missing (print it with each mention, or set options.platform)");
  PluginLine l;
  l.kind = PluginLine::Kind::mention;
  std::string error;
  if (!parse_mention(line, l.mention, error)) return bad(error);
  Mention& m = l.mention;
  if (m.native_id.empty()) return bad("id: missing (a mention needs id and text)");
  if (!doc.HasMember("platform") && !doc.HasMember("uid")) m.platform = default_platform;
  if (m.platform.empty() || m.platform == "unknown")
    return bad("platform: missing (print it with each mention, or set options.platform)");
  m.uid = make_uid(m.platform, m.native_id);
  m.decision = Decision{};  // carewatch's rules decide, not the plugin
  return l;
}

}  // namespace carewatch::exec
