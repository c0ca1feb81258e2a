// The "alerts" section: where alerts go (channels), which go where (routes), and how the alert
// outbox delivers them. Kind names are those of daemon/alerts/alert.h ("urgent", "spike", ...);
// the schema lists them, so this part (below daemon/alerts) keeps them as text.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "daemon/config/config_report.h"

namespace carewatch {

enum class AlertChannelType { slack_webhook, slack_bot, webhook, log };
const char* to_string(AlertChannelType t);

struct AlertChannelConfig {
  std::string name;
  AlertChannelType type = AlertChannelType::log;
  std::string url;        // slack_webhook: the incoming-webhook URL (a secret); webhook: the endpoint
  std::string token;      // slack_bot: "xoxb-..." (a secret)
  std::string channel;    // slack_bot: the channel id or name ("C0123456789", "#care")
  std::string secret;     // webhook: the HMAC-SHA256 key of X-Carewatch-Signature (a secret; empty: unsigned)
  std::string api_url = "https://slack.com/api";  // slack_bot: the Web API's base URL
  std::chrono::milliseconds min_interval{1000};    // pacing: at most one message per interval
  size_t fold_after = 3;  // more alerts than this waiting: the first sent alone, the rest in one digest
  std::chrono::milliseconds timeout{10000};        // per request
};

struct AlertRouteConfig {
  std::string channel;                  // a channel's name
  std::vector<std::string> kinds;       // empty: every kind
  std::vector<std::string> queues;      // each filter: empty = any; else the alert must have one of these
  std::vector<int> priorities;
  std::vector<std::string> categories;
  std::vector<std::string> platforms;
  std::vector<std::string> sources;
  std::vector<std::string> tags;        // the alert carries at least one of them
  std::vector<std::string> urgent_tags; // kind urgent: p0, or one of these tags
};

// The daily digest (alerts.digest): sent once a day at hour:minute in time_zone ("" = UTC).
struct DigestConfig {
  bool enabled = false;
  int hour = 9, minute = 0;
  std::string time_zone;
};

struct AlertsConfig {
  std::string console_url;              // a mention's console link: console_url + uid (URL-encoded)
  std::vector<AlertChannelConfig> channels;
  std::vector<AlertRouteConfig> routes;
  std::chrono::seconds dedup_ttl{std::chrono::hours(24 * 7)};  // an alert key is delivered once per channel in this time
  std::chrono::milliseconds sending_lease{std::chrono::minutes(1)};
  std::chrono::milliseconds retry_initial{std::chrono::seconds(2)};
  std::chrono::milliseconds retry_max{std::chrono::minutes(5)};
  std::chrono::milliseconds give_up_after{std::chrono::hours(6)};
  DigestConfig digest;
};

// Reads the (schema-valid) section into `out`; reports what the schema cannot express (unique
// channel names, a route naming no channel, a type's missing options, URLs, durations).
void read_alerts(const rapidjson::Value& alerts, AlertsConfig& out, ConfigReport& report);

}  // namespace carewatch
