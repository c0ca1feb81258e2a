#include "daemon/config/alerts_config.h"

#include "daemon/telemetry/business_hours.h"

#include <map>

#include "daemon/config/json_schema.h"
#include "mention/common/duration.h"

namespace carewatch {

namespace {

using rapidjson::Value;
using std::chrono::milliseconds;

std::string str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

const Value* string_at(const Value& obj, const char* key) {
  const Value* v = json_member(&obj, key);
  return v && v->IsString() ? v : nullptr;
}

std::vector<std::string> strings_at(const Value& obj, const char* key) {
  std::vector<std::string> out;
  if (const Value* a = json_member(&obj, key); a && a->IsArray())
    for (const auto& s : a->GetArray())
      if (s.IsString()) out.push_back(str(s));
  return out;
}

std::optional<milliseconds> duration_at(const Value& obj, const char* key, const std::string& path, milliseconds min,
                                        ConfigReport& report) {
  const Value* v = string_at(obj, key);
  if (!v) return std::nullopt;
  const std::string p = child_path(path, key);
  auto d = parse_duration(str(*v));
  if (!d) {
    report.add(p, "expected a duration like \"30s\", got " + report.shown(*v, p));
    return std::nullopt;
  }
  if (*d < min) {
    report.add(p, "expected a duration of at least " + std::to_string(min.count()) + "ms, got " + report.shown(*v, p));
    return std::nullopt;
  }
  return d;
}

bool is_http_url(const std::string& s) {
  return (s.rfind("https://", 0) == 0 && s.size() > 8) || (s.rfind("http://", 0) == 0 && s.size() > 7);
}

// A required option of a channel type; reports its absence.
const Value* required(const Value& c, const char* key, const std::string& path, const char* type, const char* what,
                      ConfigReport& report) {
  const Value* v = string_at(c, key);
  if (!v && !report.removed.count(child_path(path, key)))
    report.add(path, std::string("expected \"") + key + "\" (" + what + ") for a channel of type \"" + type + "\"");
  return v;
}

void read_channel(const Value& c, const std::string& path, AlertChannelConfig& ch, ConfigReport& report) {
  if (const Value* n = string_at(c, "name")) ch.name = str(*n);
  const Value* type = string_at(c, "type");
  if (!type) return;  // required by the schema: reported
  const std::string t = str(*type);
  if (t == "slack_webhook") ch.type = AlertChannelType::slack_webhook;
  else if (t == "slack_bot") ch.type = AlertChannelType::slack_bot;
  else if (t == "webhook") ch.type = AlertChannelType::webhook;
  else ch.type = AlertChannelType::log;

  if (const Value* v = string_at(c, "token")) ch.token = str(*v);
  if (const Value* v = string_at(c, "channel")) ch.channel = str(*v);
  if (const Value* v = string_at(c, "secret")) ch.secret = str(*v);
  if (const Value* v = json_member(&c, "fold_after"); v && v->IsUint()) ch.fold_after = v->GetUint();
  if (auto d = duration_at(c, "min_interval", path, milliseconds(0), report)) ch.min_interval = *d;
  if (auto d = duration_at(c, "timeout", path, milliseconds(100), report)) ch.timeout = *d;
  if (const Value* v = string_at(c, "api_url")) {
    const std::string p = child_path(path, "api_url");
    if (!is_http_url(str(*v))) report.add(p, "expected an http:// or https:// URL, got " + report.shown(*v, p));
    else ch.api_url = str(*v);
    while (ch.api_url.size() > 1 && ch.api_url.back() == '/') ch.api_url.pop_back();
  }
  if (const Value* v = string_at(c, "url")) {
    const std::string p = child_path(path, "url");
    ch.url = str(*v);
    if (!is_http_url(ch.url)) {
      // A Slack webhook URL is itself a secret: never shown.
      report.add(p, "expected an http:// or https:// URL, got " +
                        (ch.type == AlertChannelType::slack_webhook
                             ? "a string of " + std::to_string(ch.url.size()) + " characters (not shown: a webhook URL is a secret)"
                             : report.shown(*v, p)));
    }
  }

  switch (ch.type) {
    case AlertChannelType::slack_webhook:
      required(c, "url", path, "slack_webhook", "the incoming webhook's URL", report);
      break;
    case AlertChannelType::slack_bot:
      required(c, "token", path, "slack_bot", "the bot token, \"${SLACK_BOT_TOKEN}\"", report);
      required(c, "channel", path, "slack_bot", "the channel's id or name", report);
      break;
    case AlertChannelType::webhook:
      required(c, "url", path, "webhook", "where to POST", report);
      break;
    case AlertChannelType::log: break;
  }
  for (const char* key : {"url", "token", "channel", "secret", "api_url"}) {
    if (!json_member(&c, key)) continue;
    const bool used = (ch.type == AlertChannelType::slack_webhook && std::string(key) == "url") ||
                      (ch.type == AlertChannelType::slack_bot &&
                       (std::string(key) == "token" || std::string(key) == "channel" || std::string(key) == "api_url")) ||
                      (ch.type == AlertChannelType::webhook && (std::string(key) == "url" || std::string(key) == "secret"));
    if (!used) report.add(child_path(path, key), "not an option of a channel of type \"" + t + "\"");
  }
}

}  // namespace

const char* to_string(AlertChannelType t) {
  switch (t) {
    case AlertChannelType::slack_webhook: return "slack_webhook";
    case AlertChannelType::slack_bot: return "slack_bot";
    case AlertChannelType::webhook: return "webhook";
    case AlertChannelType::log: return "log";
  }
  return "log";
}

void read_alerts(const Value& alerts, AlertsConfig& out, ConfigReport& report) {
  if (const Value* v = string_at(alerts, "console_url")) {
    out.console_url = str(*v);
    if (!is_http_url(out.console_url))
      report.add("alerts.console_url", "expected an http:// or https:// URL, got " + report.shown(*v, "alerts.console_url"));
  }
  if (auto d = duration_at(alerts, "dedup_ttl", "alerts", std::chrono::seconds(1), report))
    out.dedup_ttl = std::chrono::ceil<std::chrono::seconds>(*d);
  if (auto d = duration_at(alerts, "sending_lease", "alerts", std::chrono::seconds(5), report)) out.sending_lease = *d;
  if (auto d = duration_at(alerts, "retry_initial", "alerts", std::chrono::milliseconds(100), report)) out.retry_initial = *d;
  if (auto d = duration_at(alerts, "retry_max", "alerts", std::chrono::seconds(1), report)) out.retry_max = *d;
  if (auto d = duration_at(alerts, "give_up_after", "alerts", std::chrono::seconds(10), report)) out.give_up_after = *d;

  if (const Value* d = json_member(&alerts, "digest"); d && d->IsObject()) {
    if (const Value* at = string_at(*d, "at")) {  // "HH:MM", checked by the schema's pattern
      const std::string t = str(*at);
      out.digest.enabled = true;
      out.digest.hour = std::stoi(t.substr(0, 2));
      out.digest.minute = std::stoi(t.substr(3, 2));
    }
    if (const Value* z = string_at(*d, "time_zone")) {
      out.digest.time_zone = str(*z);
      if (!BusinessCalendar::known_zone(out.digest.time_zone)) {
        report.add("alerts.digest.time_zone",
                   "expected an IANA time zone like \"Europe/Berlin\", got " + report.shown(*z, "alerts.digest.time_zone"));
        out.digest.enabled = false;
      }
    }
  }

  std::map<std::string, size_t> names;
  if (const Value* channels = json_member(&alerts, "channels"); channels && channels->IsArray()) {
    for (rapidjson::SizeType i = 0; i < channels->Size(); ++i) {
      const Value& c = (*channels)[i];
      if (!c.IsObject()) continue;  // dropped after a schema error
      const std::string path = index_path("alerts.channels", i);
      AlertChannelConfig ch;
      read_channel(c, path, ch, report);
      if (const Value* n = string_at(c, "name"))
        if (auto [it, fresh] = names.emplace(ch.name, i); !fresh)
          report.add(path + ".name", "expected a unique channel name, got " + report.shown(*n, path + ".name") +
                                         " again (as " + index_path("alerts.channels", it->second) + ")");
      out.channels.push_back(std::move(ch));
    }
  }
  if (const Value* routes = json_member(&alerts, "routes"); routes && routes->IsArray()) {
    for (rapidjson::SizeType i = 0; i < routes->Size(); ++i) {
      const Value& r = (*routes)[i];
      if (!r.IsObject()) continue;
      const std::string path = index_path("alerts.routes", i);
      AlertRouteConfig route;
      if (const Value* c = string_at(r, "channel")) {
        route.channel = str(*c);
        if (!names.count(route.channel)) {
          std::string known;
          for (const auto& [n, _] : names) known += (known.empty() ? "" : ", ") + json_quoted(n);
          report.add(path + ".channel", "expected the name of a channel of alerts.channels" +
                                            (known.empty() ? std::string(" (there are none)") : " (" + known + ")") +
                                            ", got " + report.shown(*c, path + ".channel"));
        }
      }
      route.kinds = strings_at(r, "kinds");
      route.queues = strings_at(r, "queues");
      route.categories = strings_at(r, "categories");
      route.platforms = strings_at(r, "platforms");
      route.sources = strings_at(r, "sources");
      route.tags = strings_at(r, "tags");
      route.urgent_tags = strings_at(r, "urgent_tags");
      if (const Value* p = json_member(&r, "priorities"); p && p->IsArray())
        for (const auto& v : p->GetArray())
          if (v.IsInt()) route.priorities.push_back(v.GetInt());
      out.routes.push_back(std::move(route));
    }
  }
}

}  // namespace carewatch
