// The "alerts" section (daemon/config/alerts_config.h): every option read, defaults, and the
// errors the schema cannot give, each naming its path; secrets never shown.
#include "daemon/config/config.h"

#include <gtest/gtest.h>

#include <map>

namespace carewatch {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::optional<Config> parse(const std::string& text, std::vector<std::string>& errors,
                            std::map<std::string, std::string> env = {}) {
  return parse_config(text, "test.json", "/srv/carewatch", errors, [env](const std::string& name) {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

std::string joined(const std::vector<std::string>& errors) {
  std::string s;
  for (const auto& e : errors) s += e + "\n";
  return s;
}

TEST(AlertsConfig, AnEmptySectionWorks) {
  std::vector<std::string> errors;
  auto cfg = parse(R"({"alerts": {}})", errors);
  ASSERT_TRUE(cfg) << joined(errors);
  EXPECT_TRUE(cfg->alerts.channels.empty());
  EXPECT_EQ(cfg->alerts.dedup_ttl, seconds(7 * 24 * 3600));
  auto none = parse("{}", errors);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->alerts.routes.empty());
}

TEST(AlertsConfig, EveryOptionIsRead) {
  std::vector<std::string> errors;
  auto cfg = parse(R"({"alerts": {
    "console_url": "https://care.example.com/console/#/m/",
    "dedup_ttl": "2d", "sending_lease": "30s", "retry_initial": "500ms", "retry_max": "1m", "give_up_after": "2h",
    "channels": [
      {"name": "care", "type": "slack_webhook", "url": "${SLACK_WEBHOOK_URL}", "min_interval": "2s", "fold_after": 5,
       "timeout": "3s"},
      {"name": "oncall", "type": "slack_bot", "token": "${SLACK_BOT_TOKEN}", "channel": "C0123",
       "api_url": "http://127.0.0.1:9/api/"},
      {"name": "pager", "type": "webhook", "url": "https://bridge.example/hook", "secret": "${HOOK_SECRET}"},
      {"name": "stdout", "type": "log"}
    ],
    "routes": [
      {"channel": "care", "kinds": ["urgent", "sla_breach"], "queues": ["care"], "priorities": [0, 1],
       "categories": ["complaint"], "platforms": ["x"], "sources": ["masto"], "tags": ["vip"], "urgent_tags": ["outage"]},
      {"channel": "stdout"}
    ]}})",
                   errors,
                   {{"SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T1/B1/xyz"},
                    {"SLACK_BOT_TOKEN", "xoxb-123"},
                    {"HOOK_SECRET", "s3cret"}});
  ASSERT_TRUE(cfg) << joined(errors);
  const AlertsConfig& a = cfg->alerts;
  EXPECT_EQ(a.console_url, "https://care.example.com/console/#/m/");
  EXPECT_EQ(a.dedup_ttl, seconds(2 * 24 * 3600));
  EXPECT_EQ(a.sending_lease, seconds(30));
  EXPECT_EQ(a.retry_initial, milliseconds(500));
  EXPECT_EQ(a.retry_max, seconds(60));
  EXPECT_EQ(a.give_up_after, seconds(7200));
  ASSERT_EQ(a.channels.size(), 4u);
  EXPECT_EQ(a.channels[0].type, AlertChannelType::slack_webhook);
  EXPECT_EQ(a.channels[0].url, "https://hooks.slack.com/services/T1/B1/xyz");
  EXPECT_EQ(a.channels[0].min_interval, seconds(2));
  EXPECT_EQ(a.channels[0].fold_after, 5u);
  EXPECT_EQ(a.channels[0].timeout, seconds(3));
  EXPECT_EQ(a.channels[1].type, AlertChannelType::slack_bot);
  EXPECT_EQ(a.channels[1].token, "xoxb-123");
  EXPECT_EQ(a.channels[1].channel, "C0123");
  EXPECT_EQ(a.channels[1].api_url, "http://127.0.0.1:9/api");
  EXPECT_EQ(a.channels[2].secret, "s3cret");
  EXPECT_EQ(a.channels[3].type, AlertChannelType::log);
  EXPECT_EQ(a.channels[3].min_interval, seconds(1));
  EXPECT_EQ(a.channels[3].fold_after, 3u);
  ASSERT_EQ(a.routes.size(), 2u);
  const AlertRouteConfig& r = a.routes[0];
  EXPECT_EQ(r.kinds, (std::vector<std::string>{"urgent", "sla_breach"}));
  EXPECT_EQ(r.queues, std::vector<std::string>{"care"});
  EXPECT_EQ(r.priorities, (std::vector<int>{0, 1}));
  EXPECT_EQ(r.categories, std::vector<std::string>{"complaint"});
  EXPECT_EQ(r.platforms, std::vector<std::string>{"x"});
  EXPECT_EQ(r.sources, std::vector<std::string>{"masto"});
  EXPECT_EQ(r.tags, std::vector<std::string>{"vip"});
  EXPECT_EQ(r.urgent_tags, std::vector<std::string>{"outage"});
  EXPECT_TRUE(a.routes[1].kinds.empty());
}

TEST(AlertsConfig, ARouteToAnUnknownChannelNamesThePath) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse(R"({"alerts": {"channels": [{"name": "care", "type": "log"}],
                                    "routes": [{"channel": "care"}, {"channel": "nope"}]}})",
                     errors));
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_EQ(errors[0], "alerts.routes[1].channel: expected the name of a channel of alerts.channels (\"care\"), got \"nope\"");
}

TEST(AlertsConfig, UnknownKindsKeysAndDuplicateNamesAreErrors) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse(R"({"alerts": {"channels": [{"name": "a", "type": "log"}, {"name": "a", "type": "log", "colour": 1}],
                                    "routes": [{"channel": "a", "kinds": ["urgnet"]}]}})",
                     errors));
  const std::string all = joined(errors);
  EXPECT_NE(all.find("alerts.channels[1].name: expected a unique channel name, got \"a\" again (as alerts.channels[0])"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("alerts.channels[1]"), std::string::npos);
  EXPECT_NE(all.find("colour"), std::string::npos);
  EXPECT_NE(all.find("alerts.routes[0].kinds[0]"), std::string::npos) << all;
}

TEST(AlertsConfig, EachTypeNeedsItsOptionsAndOnlyThem) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse(R"({"alerts": {"channels": [
      {"name": "a", "type": "slack_webhook"},
      {"name": "b", "type": "slack_bot", "channel": "C1"},
      {"name": "c", "type": "webhook", "url": "https://x.example/", "token": "t"}]}})",
                     errors));
  const std::string all = joined(errors);
  EXPECT_NE(all.find("alerts.channels[0]: expected \"url\""), std::string::npos) << all;
  EXPECT_NE(all.find("alerts.channels[1]: expected \"token\""), std::string::npos) << all;
  EXPECT_NE(all.find("alerts.channels[2].token: not an option of a channel of type \"webhook\""), std::string::npos)
      << all;
}

TEST(AlertsConfig, SecretsAreNeverShown) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse(R"({"alerts": {"channels": [
      {"name": "a", "type": "slack_webhook", "url": "hooks.slack.com/services/T1/B1/SECRETPART"},
      {"name": "b", "type": "slack_bot", "token": 42, "channel": "C1"}]}})",
                     errors));
  const std::string all = joined(errors);
  EXPECT_EQ(all.find("SECRETPART"), std::string::npos) << all;
  EXPECT_NE(all.find("alerts.channels[0].url: expected an http:// or https:// URL"), std::string::npos) << all;
  EXPECT_NE(all.find("alerts.channels[1].token"), std::string::npos) << all;
}

}  // namespace
}  // namespace carewatch

namespace carewatch {
namespace {

TEST(AlertsConfig, TheDailyDigestIsOffUnlessGivenATime) {
  std::vector<std::string> errors;
  auto none = parse(R"({"alerts": {}})", errors);
  ASSERT_TRUE(none) << joined(errors);
  EXPECT_FALSE(none->alerts.digest.enabled);
  auto cfg = parse(R"({"alerts": {"digest": {"at": "08:30", "time_zone": "Europe/Berlin"}}})", errors);
  ASSERT_TRUE(cfg) << joined(errors);
  EXPECT_TRUE(cfg->alerts.digest.enabled);
  EXPECT_EQ(cfg->alerts.digest.hour, 8);
  EXPECT_EQ(cfg->alerts.digest.minute, 30);
  EXPECT_EQ(cfg->alerts.digest.time_zone, "Europe/Berlin");
}

TEST(AlertsConfig, ADigestWithABadTimeOrZoneIsRefused) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse(R"({"alerts": {"digest": {"at": "24:00"}}})", errors));
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_NE(errors[0].find("alerts.digest.at"), std::string::npos) << errors[0];
  errors.clear();
  EXPECT_FALSE(parse(R"({"alerts": {"digest": {"at": "09:00", "time_zone": "Mars/Base"}}})", errors));
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_EQ(errors[0], R"(alerts.digest.time_zone: expected an IANA time zone like "Europe/Berlin", got "Mars/Base")");
}

}  // namespace
}  // namespace carewatch
