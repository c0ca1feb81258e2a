// The configuration loader: the demo file, defaults, the mapping onto Config, and one test per
// class of error, each checking the exact "path: expected X, got Y" line.
#include "daemon/config/config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "daemon/cli/check_config_command.h"
#include "rules/default_rules.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const std::string kBase = "/srv/carewatch";  // made-up base directory: nothing is read from it
const std::string kAnaHash = "64ead5f60f903128119308ea277aa21901bfaea9bb7dbc3e3fc7d3167c7e30ae";

struct Parsed {
  std::optional<Config> config;
  std::vector<std::string> errors;
  std::string all_errors() const {
    std::string s;
    for (const auto& e : errors) s += e + "\n";
    return s;
  }
};

Parsed parse(const std::string& text, std::map<std::string, std::string> env = {}) {
  Parsed p;
  p.config = parse_config(text, "test.json", kBase, p.errors, [env](const std::string& name) {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
  EXPECT_EQ(p.config.has_value(), p.errors.empty()) << p.all_errors();
  return p;
}

Config parse_ok(const std::string& text, std::map<std::string, std::string> env = {}) {
  Parsed p = parse(text, std::move(env));
  EXPECT_TRUE(p.config) << p.all_errors();
  return p.config ? std::move(*p.config) : Config{};
}

std::vector<std::string> errors_of(const std::string& text, std::map<std::string, std::string> env = {}) {
  Parsed p = parse(text, std::move(env));
  EXPECT_FALSE(p.config) << "accepted: " << text;
  return p.errors;
}

std::string one_error(const std::string& text, std::map<std::string, std::string> env = {}) {
  auto errors = errors_of(text, std::move(env));
  EXPECT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
  return errors.empty() ? "" : errors.front();
}

// A valid replay source with `extra` members appended.
std::string replay_source(const std::string& name, const std::string& extra = "") {
  return R"({"name": ")" + name + R"(", "type": "replay", "options": {"path": "m.jsonl"})" + extra + "}";
}

TEST(Config, DemoConfigLoads) {
  std::vector<std::string> errors;
  const std::string dir = std::string(CAREWATCH_SOURCE_DIR) + "/config";
  auto cfg = load_config(dir + "/demo.json", errors);
  ASSERT_TRUE(cfg) << ::testing::PrintToString(errors);
  EXPECT_EQ(cfg->base_dir, dir);
  EXPECT_EQ(cfg->state_dir, dir + "/.carewatch");
  EXPECT_FALSE(cfg->redis) << "the demo starts its own redis-server";
  EXPECT_EQ(cfg->api_host, "127.0.0.1");
  EXPECT_EQ(cfg->api_port, 8640);
  ASSERT_EQ(cfg->agents.size(), 4u);
  EXPECT_EQ(cfg->agents[0].id, "ana");
  EXPECT_EQ(cfg->agents[0].key_sha256, kAnaHash);
  EXPECT_EQ(cfg->agents[0].role, AgentRole::agent);
  EXPECT_EQ(cfg->agents[1].id, "ben");
  EXPECT_EQ(cfg->agents[2].id, "lea");
  EXPECT_EQ(cfg->agents[2].role, AgentRole::lead);
  EXPECT_EQ(cfg->agents[3].id, "vic");
  EXPECT_EQ(cfg->agents[3].role, AgentRole::viewer);
  EXPECT_EQ(cfg->store.lease, minutes(5));
  EXPECT_EQ(cfg->sla_first_response.at(0), minutes(15));
  EXPECT_EQ(cfg->sla_first_response.at(3), hours(24));
  EXPECT_EQ(cfg->brand_handles, std::vector<std::string>{"acmeair"});
  EXPECT_TRUE(cfg->rules_path.empty());
  ASSERT_EQ(cfg->sources.size(), 1u);
  EXPECT_EQ(cfg->sources[0].name, "sample");
  EXPECT_EQ(cfg->sources[0].type, "replay");
  EXPECT_EQ(cfg->sources[0].interval, seconds(1));
  EXPECT_TRUE(cfg->sources[0].enabled);
  EXPECT_NE(cfg->sources[0].options_json.find("\"samples/mentions.jsonl\""), std::string::npos)
      << cfg->sources[0].options_json;
}

TEST(Config, EmptyObjectGivesDefaults) {
  const Config cfg = parse_ok("{}");
  EXPECT_EQ(cfg.path, "test.json");
  EXPECT_EQ(cfg.base_dir, kBase);
  EXPECT_EQ(cfg.log_level, "info");
  EXPECT_EQ(cfg.state_dir, kBase + "/.carewatch");
  EXPECT_FALSE(cfg.redis);
  EXPECT_EQ(cfg.appendfsync, "everysec");
  EXPECT_EQ(cfg.store.prefix, "cw");
  EXPECT_EQ(cfg.store.lease, minutes(5));
  EXPECT_EQ(cfg.store.dedup_ttl, hours(24 * 14));
  EXPECT_EQ(cfg.api_host, "127.0.0.1");
  EXPECT_EQ(cfg.api_port, 8640);
  EXPECT_EQ(cfg.api_max_body, 64u * 1024);
  EXPECT_EQ(cfg.api_rate_limit_per_minute, 1200);
  const std::map<int, milliseconds> sla = {{0, minutes(15)}, {1, hours(1)}, {2, hours(4)}, {3, hours(24)}};
  EXPECT_EQ(cfg.sla_first_response, sla);
  EXPECT_DOUBLE_EQ(cfg.sla_warn_at, 0.8);
  EXPECT_EQ(cfg.replies.workers, 2u);
  EXPECT_EQ(cfg.replies.sending_lease, minutes(2));
  EXPECT_EQ(cfg.replies.retry_initial, std::chrono::seconds(5));
  EXPECT_EQ(cfg.replies.retry_max, minutes(10));
  EXPECT_EQ(cfg.replies.give_up_after, hours(24));
  EXPECT_EQ(cfg.replies.same_text_warning, 3);
  const Config replies = parse_ok(
      R"({"replies": {"workers": 4, "sending_lease": "30s", "retry_initial": "2s", "retry_max": "1m", "give_up_after": "2h",
          "same_text_warning": 5}})");
  EXPECT_EQ(replies.replies.same_text_warning, 5);
  EXPECT_EQ(replies.replies.workers, 4u);
  EXPECT_EQ(replies.replies.sending_lease, std::chrono::seconds(30));
  EXPECT_EQ(replies.replies.retry_initial, std::chrono::seconds(2));
  EXPECT_EQ(replies.replies.retry_max, minutes(1));
  EXPECT_EQ(replies.replies.give_up_after, hours(2));
  EXPECT_TRUE(cfg.agents.empty());
  EXPECT_TRUE(cfg.sources.empty());
  EXPECT_TRUE(cfg.rules_path.empty());
}

TEST(Config, EveryFieldMapsOntoConfig) {
  const Config cfg = parse_ok(R"(
    // comments and trailing commas are allowed
    {
      "log": {"level": "debug"},
      "state_dir": "var/state/../cw",
      "redis": {"url": "redis://10.0.0.5:6380/2"},
      "api": {"listen": "0.0.0.0:0", "max_body": "1MB", "rate_limit_per_minute": 30},
      "agents": [{"id": "ana", "key_sha256": ")" + kAnaHash + R"("}],
      "queues": {"lease": "90s", "sla": {"p0": "10m", "p2": "2h"}, "sla_warn_at": 0.5,
                 "prefix": "team-a", "dedup_ttl": "2d"},
      "brand": {"handles": ["acme", "acme@mastodon.social"]},
      "rules": "rules/custom.json",
      "sources": [
        {"name": "a", "type": "replay", "interval": "1h30m", "enabled": false,
         "options": {"path": "a.jsonl", "speed": 2, "pace": "timestamps"}},
        {"name": "b", "type": "replay", "options": {"path": "/data/b.jsonl"},},
      ],
    })");
  EXPECT_EQ(cfg.log_level, "debug");
  EXPECT_EQ(cfg.state_dir, kBase + "/var/cw");
  ASSERT_TRUE(cfg.redis);
  EXPECT_EQ(cfg.redis->host, "10.0.0.5");
  EXPECT_EQ(cfg.redis->port, 6380);
  EXPECT_EQ(cfg.redis->db, 2);
  EXPECT_EQ(cfg.api_host, "0.0.0.0");
  EXPECT_EQ(cfg.api_port, 0);
  EXPECT_EQ(cfg.api_max_body, 1024u * 1024);
  EXPECT_EQ(cfg.api_rate_limit_per_minute, 30);
  ASSERT_EQ(cfg.agents.size(), 1u);
  EXPECT_EQ(cfg.agents[0].key_sha256, kAnaHash);
  EXPECT_EQ(cfg.store.lease, seconds(90));
  EXPECT_EQ(cfg.store.prefix, "team-a");
  EXPECT_EQ(cfg.store.dedup_ttl, hours(48));
  const std::map<int, milliseconds> sla = {{0, minutes(10)}, {2, hours(2)}};
  EXPECT_EQ(cfg.sla_first_response, sla) << "a given sla section replaces the defaults";
  EXPECT_DOUBLE_EQ(cfg.sla_warn_at, 0.5);
  EXPECT_EQ(cfg.brand_handles, (std::vector<std::string>{"acme", "acme@mastodon.social"}));
  EXPECT_EQ(cfg.rules_path, kBase + "/rules/custom.json");
  ASSERT_EQ(cfg.sources.size(), 2u);
  EXPECT_EQ(cfg.sources[0].interval, minutes(90));
  EXPECT_FALSE(cfg.sources[0].enabled);
  EXPECT_EQ(cfg.sources[0].options_json, R"({"path":"a.jsonl","speed":2,"pace":"timestamps"})");
  EXPECT_EQ(cfg.sources[1].interval, seconds(60));
  EXPECT_TRUE(cfg.sources[1].enabled);
}

TEST(Config, SourceWithoutOptionsGetsAnEmptyObjectValidatedByItsType) {
  EXPECT_EQ(one_error(R"({"sources": [{"name": "s", "type": "replay"}]})"),
            "sources[0].options.path: expected a string (required), got nothing");
}

TEST(ConfigErrors, BadIntervalNamesPathAndValue) {
  EXPECT_EQ(one_error(R"({"sources": [)" + replay_source("a") + "," + replay_source("b") + "," +
                      replay_source("c", R"(, "interval": "fast")") + "]}"),
            R"(sources[2].interval: expected a duration like "30s", got "fast")");
  EXPECT_EQ(one_error(R"({"sources": [)" + replay_source("a", R"(, "interval": "0s")") + "]}"),
            R"(sources[0].interval: expected a duration above 0, got "0s")");
  EXPECT_EQ(one_error(R"({"queues": {"lease": "500ms"}})"),
            R"(queues.lease: expected a duration of at least 1s, got "500ms")");
  EXPECT_EQ(one_error(R"({"queues": {"sla": {"p1": "soon"}}})"),
            R"(queues.sla.p1: expected a duration like "30s", got "soon")");
}

TEST(ConfigErrors, WrongTypes) {
  EXPECT_EQ(one_error(R"({"api": {"listen": 8640}})"), "api.listen: expected a string, got 8640");
  EXPECT_EQ(one_error(R"({"sources": [)" + replay_source("a", R"(, "enabled": "yes")") + "]}"),
            R"(sources[0].enabled: expected true or false, got "yes")");
  EXPECT_EQ(one_error(R"({"agents": {"id": "ana"}})"), "agents: expected an array, got an object");
  EXPECT_EQ(one_error(R"({"api": {"max_body": 1.5}})"), "api.max_body: expected an integer or a string, got 1.5");
  EXPECT_EQ(one_error("[]"), "top level: expected an object, got an array");
}

TEST(ConfigErrors, EnumPatternAndRange) {
  EXPECT_EQ(one_error(R"({"log": {"level": "verbose"}})"),
            R"(log.level: expected one of "trace", "debug", "info", "warn", "error", got "verbose")");
  EXPECT_EQ(one_error(R"({"sources": [)" + replay_source("my source") + "]}"),
            R"(sources[0].name: expected letters, digits, '_', '.' and '-' only, got "my source")");
  EXPECT_EQ(one_error(R"({"replies": {"sending_lease": "500ms"}})"),
            R"(replies.sending_lease: expected a duration of at least 1s, got "500ms")");
  EXPECT_EQ(one_error(R"({"replies": {"give_up_after": "30s"}})"),
            R"(replies.give_up_after: expected a duration of at least 60s, got "30s")");
  EXPECT_EQ(one_error(R"({"replies": {"retry_max": "soon"}})"),
            R"(replies.retry_max: expected a duration like "30s", got "soon")");
  EXPECT_EQ(one_error(R"({"queues": {"sla_warn_at": 0}})"), "queues.sla_warn_at: expected a number > 0, got 0");
  EXPECT_EQ(one_error(R"({"queues": {"sla_warn_at": 1.5}})"), "queues.sla_warn_at: expected a number <= 1, got 1.5");
  EXPECT_EQ(one_error(R"({"api": {"rate_limit_per_minute": 0}})"),
            "api.rate_limit_per_minute: expected an integer >= 1, got 0");
  EXPECT_EQ(one_error(R"({"rules": ""})"), R"(rules: expected a non-empty string, got "")");
  EXPECT_EQ(one_error(R"({"replies": {"same_text_warning": 0}})"),
            "replies.same_text_warning: expected an integer >= 1, got 0");
}

TEST(ConfigErrors, MissingRequiredKeys) {
  EXPECT_EQ(one_error(R"({"sources": [{"name": "s", "options": {}}]})"),
            "sources[0].type: expected a string (required), got nothing");
  const auto errors = errors_of(R"({"agents": [{}]})");
  EXPECT_EQ(errors, (std::vector<std::string>{"agents[0].id: expected a string (required), got nothing",
                                              "agents[0].key_sha256: expected a string (required), got nothing"}));
}

TEST(ConfigErrors, UnknownKeysTopLevelAndNested) {
  EXPECT_EQ(one_error(R"({"colour": "blue"})"),
            R"(top level: unknown key "colour" (known keys: log, state_dir, redis, api, agents, queues, replies, alerts, brand, rules, sources, detectors))");
  EXPECT_EQ(one_error(R"({"api": {"listen": "127.0.0.1:1", "port": 80}})"),
            R"(api: unknown key "port" (known keys: listen, max_body, rate_limit_per_minute, metrics, session_idle, secure_cookies))");
  EXPECT_EQ(one_error(R"({"queues": {"sla": {"p4": "1h"}}})"),
            R"(queues.sla: unknown key "p4" (known keys: p0, p1, p2, p3))");
  EXPECT_EQ(one_error(R"({"sources": [)" + replay_source("a") + "," + replay_source("b", R"(, "intervall": "5s")") + "]}"),
            R"(sources[1]: unknown key "intervall" (known keys: name, type, interval, enabled, options))");
}

TEST(ConfigErrors, ReportsEveryErrorNotOnlyTheFirst) {
  const auto errors = errors_of(R"({
    "colour": "blue",
    "log": {"level": 3},
    "api": {"listen": "nowhere"},
    "sources": [)" + replay_source("a", R"(, "interval": "fast")") + "," + replay_source("a") + R"(]
  })");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        R"(top level: unknown key "colour" (known keys: log, state_dir, redis, api, agents, queues, replies, alerts, brand, rules, sources, detectors))",
                        R"(log.level: expected one of "trace", "debug", "info", "warn", "error", got 3)",
                        R"(api.listen: expected "host:port" like "127.0.0.1:8640" (port 0-65535), got "nowhere")",
                        R"(sources[0].interval: expected a duration like "30s", got "fast")",
                        R"(sources[1].name: expected a unique source name, got "a" again (as sources[0]))",
                    }));
}

TEST(ConfigErrors, BadArrayItems) {
  EXPECT_EQ(one_error(R"({"brand": {"handles": ["acme", 7]}})"), "brand.handles[1]: expected a string, got 7");
  EXPECT_EQ(one_error(R"({"sources": ["replay"]})"), R"(sources[0]: expected an object, got "replay")");
  // An error inside an item is reported with the item's index, and later items are still checked.
  EXPECT_EQ(errors_of(R"({"sources": [)" + replay_source("a", R"(, "enabled": 1)") + "," +
                      replay_source("b", R"(, "interval": "soon")") + "]}"),
            (std::vector<std::string>{"sources[0].enabled: expected true or false, got 1",
                                      R"(sources[1].interval: expected a duration like "30s", got "soon")"}));
}

TEST(ConfigErrors, LaterItemsKeepTheirIndexAfterAnEarlierItemIsDropped) {
  const auto errors = errors_of(R"({
    "agents": [{"id": "a", "key_sha256": "nothex"}, {"id": "b c", "key_sha256": ")" + kAnaHash + R"("}],
    "api": {"listen": "nowhere"},
    "sources": [{"name": "x"}, )" + replay_source("y", R"(, "interval": "fast")") + "," +
                                replay_source("y") + R"(]
  })");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "agents[0].key_sha256: expected 64 lower-case hex characters (a SHA-256), got a string of 6 "
                        "characters (not shown)",
                        R"(agents[1].id: expected letters, digits, '_', '.' and '-' only, got "b c")",
                        "sources[0].type: expected a string (required), got nothing",
                        R"(api.listen: expected "host:port" like "127.0.0.1:8640" (port 0-65535), got "nowhere")",
                        R"(sources[1].interval: expected a duration like "30s", got "fast")",
                        R"(sources[2].name: expected a unique source name, got "y" again (as sources[1]))",
                    }));
}

TEST(ConfigErrors, UnknownSourceTypeListsKnownTypes) {
  const std::string e = one_error(R"({"sources": [{"name": "t", "type": "twitter"}]})");
  EXPECT_EQ(e.rfind(R"(sources[0].type: expected a connector type, one of "replay", )", 0), 0u) << e;
  EXPECT_NE(e.find(R"("mastodon")"), std::string::npos) << e;
  EXPECT_NE(e.find(R"(, got "twitter")"), std::string::npos) << e;
}

TEST(ConfigErrors, SourceOptionsValidatedAgainstTheConnectorSchema) {
  EXPECT_EQ(one_error(R"({"sources": [)" + replay_source("a") + R"(, {"name": "b", "type": "replay", "options": {"pace": "full"}}]})"),
            "sources[1].options.path: expected a string (required), got nothing");
  const auto errors = errors_of(R"({"sources": [{"name": "b", "type": "replay",
      "options": {"path": "x.jsonl", "speeed": 2, "speed": 0, "pace": "slow"}}]})");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        R"(sources[0].options: unknown key "speeed" (known keys: path, pace, speed, batch_size, rebase_time, platform))",
                        "sources[0].options.speed: expected a number > 0, got 0",
                        R"(sources[0].options.pace: expected one of "full", "timestamps", got "slow")",
                    }));
  EXPECT_EQ(one_error(R"({"sources": [{"name": "b", "type": "replay", "options": []}]})"),
            "sources[0].options: expected an object, got an array");
}

TEST(ConfigErrors, DuplicateNames) {
  EXPECT_EQ(one_error(R"({"sources": [)" + replay_source("x") + "," + replay_source("y") + "," + replay_source("x") + "]}"),
            R"(sources[2].name: expected a unique source name, got "x" again (as sources[0]))");
  EXPECT_EQ(one_error(R"({"agents": [{"id": "ana", "key_sha256": ")" + kAnaHash + R"("},
                                     {"id": "ana", "key_sha256": ")" + kAnaHash + R"("}]})"),
            R"(agents[1].id: expected a unique agent id, got "ana" again (as agents[0]))");
}

TEST(ConfigErrors, DuplicateKeyHashNamesBothAgentsNeverTheHash) {
  const std::vector<std::string> errors = errors_of(R"({"agents": [{"id": "ana", "key_sha256": ")" + kAnaHash + R"("},
                                     {"id": "ben", "key_sha256": "aaaa)" + kAnaHash.substr(4) + R"("},
                                     {"id": "cy", "key_sha256": ")" + kAnaHash + R"("}]})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], R"(agents[2].key_sha256: expected a key of its own, got the same key_sha256 as agents[0] )"
                       R"((agents "ana" and "cy" would share one key))");
}

TEST(Config, MetricsAccessDefaultsToKey) {
  EXPECT_EQ(parse_ok("{}").api_metrics, MetricsAccess::key);
  EXPECT_EQ(parse_ok(R"({"api": {"metrics": "public"}})").api_metrics, MetricsAccess::open);
  EXPECT_EQ(parse_ok(R"({"api": {"metrics": "key"}})").api_metrics, MetricsAccess::key);
  EXPECT_EQ(parse_ok(R"({"api": {"metrics": "off"}})").api_metrics, MetricsAccess::off);
  EXPECT_NE(one_error(R"({"api": {"metrics": "open"}})").find("api.metrics: "), std::string::npos);
}

TEST(ConfigErrors, KeyHashMustBeLowerHexAndIsNeverEchoed) {
  const std::string raw_key = "cw_demo_ana_key";
  const std::string e = one_error(R"({"agents": [{"id": "ana", "key_sha256": ")" + raw_key + R"("}]})");
  EXPECT_EQ(e, "agents[0].key_sha256: expected 64 lower-case hex characters (a SHA-256), got a string of 15 "
               "characters (not shown)");
  std::string upper = kAnaHash;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  EXPECT_NE(one_error(R"({"agents": [{"id": "ana", "key_sha256": ")" + upper + R"("}]})").find("agents[0].key_sha256: "),
            std::string::npos);
}

TEST(ConfigErrors, ListenAddresses) {
  EXPECT_EQ(parse_ok(R"({"api": {"listen": "[::1]:9000"}})").api_host, "::1");
  EXPECT_EQ(parse_ok(R"({"api": {"listen": "localhost:9000"}})").api_port, 9000);
  for (const char* bad : {"8640", "host:", ":8640", "host:99999", "host:80x", "a b:80", "::1:80"})
    EXPECT_EQ(one_error(std::string(R"({"api": {"listen": ")") + bad + R"("}})"),
              std::string(R"(api.listen: expected "host:port" like "127.0.0.1:8640" (port 0-65535), got ")") + bad + "\"");
}

TEST(ConfigErrors, MaxBody) {
  EXPECT_EQ(parse_ok(R"({"api": {"max_body": 4096}})").api_max_body, 4096u);
  EXPECT_EQ(parse_ok(R"({"api": {"max_body": "16kb"}})").api_max_body, 16u * 1024);
  EXPECT_EQ(one_error(R"({"api": {"max_body": "64XB"}})"),
            R"(api.max_body: expected a size of at least 1KB like "64KB" or "1MB", got "64XB")");
  EXPECT_EQ(one_error(R"({"api": {"max_body": 100}})"),
            R"(api.max_body: expected a size of at least 1KB like "64KB" or "1MB", got 100)");
}

TEST(ConfigRedis, UrlForms) {
  struct Case {
    std::string url;
    std::string host;
    int port;
    int db;
    std::string password;
    std::string socket;
  };
  const std::vector<Case> cases = {
      {"redis://127.0.0.1:6379/0", "127.0.0.1", 6379, 0, "", ""},
      {"redis://cache.internal", "cache.internal", 6379, 0, "", ""},
      {"redis://cache.internal/3", "cache.internal", 6379, 3, "", ""},
      {"redis://:s3cret@10.1.2.3:7000/1", "10.1.2.3", 7000, 1, "s3cret", ""},
      {"redis://:p%40ss%2Fword@host:6379", "host", 6379, 0, "p@ss/word", ""},
      {"redis://[::1]:6390", "::1", 6390, 0, "", ""},
      {"unix:///run/redis/redis.sock", "127.0.0.1", 6379, 0, "", "/run/redis/redis.sock"},
      {"unix:///run/redis/redis.sock?db=4", "127.0.0.1", 6379, 4, "", "/run/redis/redis.sock"},
  };
  for (const auto& c : cases) {
    const Config cfg = parse_ok(R"({"redis": {"url": ")" + c.url + R"("}})");
    ASSERT_TRUE(cfg.redis) << c.url;
    EXPECT_EQ(cfg.redis->host, c.host) << c.url;
    EXPECT_EQ(cfg.redis->port, c.port) << c.url;
    EXPECT_EQ(cfg.redis->db, c.db) << c.url;
    EXPECT_EQ(cfg.redis->password, c.password) << c.url;
    EXPECT_EQ(cfg.redis->unix_socket, c.socket) << c.url;
  }
}

TEST(ConfigRedis, SeparatePasswordAndPrivateServerOptions) {
  Config cfg = parse_ok(R"({"redis": {"url": "redis://h:1", "password": "${REDIS_PASSWORD}"}})",
                        {{"REDIS_PASSWORD", "pw from env"}});
  ASSERT_TRUE(cfg.redis);
  EXPECT_EQ(cfg.redis->password, "pw from env");

  cfg = parse_ok(R"({"redis": {"appendfsync": "always"}})");
  EXPECT_FALSE(cfg.redis) << "no url: a private redis-server";
  EXPECT_EQ(cfg.appendfsync, "always");

  EXPECT_EQ(one_error(R"({"redis": {"url": "redis://h", "appendfsync": "always"}})"),
            R"(redis.appendfsync: expected no appendfsync with an external Redis ("url"), got "always")");
  EXPECT_EQ(one_error(R"({"redis": {"url": "redis://:a@h", "password": "b"}})"),
            R"(redis.password: expected the password either in "url" or here, got both)");
}

TEST(ConfigRedis, BadUrlsNeverShowThePassword) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://h:6379", R"(redis.url: expected "redis://[:password@]host[:port][/db]" or "unix:///path/to/redis.sock", got "http://h:6379")"},
      {"redis://:hunter2@h:99999", R"(redis.url: expected a port 1-65535 after the host, got "redis://:***@h:99999")"},
      {"redis://:hunter2@h/zero", R"(redis.url: expected a database number after the host, as in "redis://host:6379/0", got "redis://:***@h/zero")"},
      {"redis://admin:hunter2@h", R"(redis.url: user names (Redis ACL) are not supported: expected "redis://:password@host", got "redis://admin:***@h")"},
      {"rediss://h", R"(redis.url: TLS (rediss://) is not supported, got "rediss://h")"},
      {"unix://run/redis.sock", R"(redis.url: expected an absolute socket path, as in "unix:///run/redis.sock", got "unix://run/redis.sock")"},
  };
  for (const auto& [url, expected] : cases) {
    const std::string e = one_error(R"({"redis": {"url": ")" + url + R"("}})");
    EXPECT_EQ(e, expected);
    EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
  }
}

TEST(ConfigEnv, ExpandsEverywhereIncludingSourceOptions) {
  const Config cfg = parse_ok(R"({
      "redis": {"url": "${REDIS_URL}"},
      "api": {"listen": "127.0.0.1:${PORT}"},
      "sources": [{"name": "s", "type": "replay", "interval": "${EVERY}",
                   "options": {"path": "${DATA}/in$${x}.jsonl"}}]
    })",
                              {{"REDIS_URL", "redis://:pw@db:6400"}, {"PORT", "9001"}, {"EVERY", "2s"}, {"DATA", "/data"}});
  ASSERT_TRUE(cfg.redis);
  EXPECT_EQ(cfg.redis->password, "pw");
  EXPECT_EQ(cfg.redis->port, 6400);
  EXPECT_EQ(cfg.api_port, 9001);
  ASSERT_EQ(cfg.sources.size(), 1u);
  EXPECT_EQ(cfg.sources[0].interval, seconds(2));
  EXPECT_EQ(cfg.sources[0].options_json, R"({"path":"/data/in${x}.jsonl"})")
      << "\"$${\" is a literal \"${\"";
}

TEST(ConfigEnv, MissingVariableNamesPathAndVariable) {
  EXPECT_EQ(one_error(R"({"redis": {"url": "${REDIS_URL}"}})"), "redis.url: environment variable REDIS_URL is not set");
  EXPECT_EQ(one_error(R"({"sources": [{"name": "s", "type": "replay", "options": {"path": "${DATA}/x"}}]})"),
            "sources[0].options.path: environment variable DATA is not set");
  EXPECT_EQ(one_error(R"({"rules": "${1BAD}"})"),
            R"(rules: expected "${NAME}" with NAME made of letters, digits and '_' (write "$${" for a literal "${"), got "${1BAD}")");
  EXPECT_EQ(one_error(R"({"rules": "${OPEN"})").rfind("rules: expected \"${NAME}\"", 0), 0u);
}

TEST(ConfigEnv, ExpandedValuesAreShownAsWrittenNeverExpanded) {
  const std::string e = one_error(R"({"api": {"listen": "${LISTEN}"}})", {{"LISTEN", "very-secret-value"}});
  EXPECT_EQ(e, R"(api.listen: expected "host:port" like "127.0.0.1:8640" (port 0-65535), got "${LISTEN}")");
  const std::string e2 = one_error(R"({"log": {"level": "${LEVEL}"}})", {{"LEVEL", "loud"}});
  EXPECT_EQ(e2, R"(log.level: expected one of "trace", "debug", "info", "warn", "error", got "${LEVEL}")");
}

TEST(ConfigErrors, SyntaxErrorGivesLineAndColumn) {
  const std::string e = one_error("{\n  \"log\": {\"level\": \"info\"}\n  \"api\": {}\n}");
  EXPECT_EQ(e.rfind("line 3, column 3: expected JSON (comments allowed), got a syntax error: ", 0), 0u) << e;
}

TEST(LoadConfig, MissingFileNamesPathAndReason) {
  std::vector<std::string> errors;
  EXPECT_FALSE(load_config("/nonexistent-dir/carewatch.json", errors));
  EXPECT_EQ(errors, std::vector<std::string>{"cannot read /nonexistent-dir/carewatch.json: No such file or directory"});
}

class CheckConfig : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::make_temp_dir("carewatch-config-test"); }
  void TearDown() override { testing::remove_tree(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  int check(const std::string& path) {
    out_.str("");
    err_.str("");
    return run_check_config(path, out_, err_);
  }
  std::string dir_;
  std::ostringstream out_, err_;
};

TEST_F(CheckConfig, DemoIsOk) {
  const std::string path = std::string(CAREWATCH_SOURCE_DIR) + "/config/demo.json";
  EXPECT_EQ(check(path), 0) << err_.str();
  EXPECT_EQ(out_.str(), path + ": ok (1 source, " + std::to_string(default_rules()->size()) + " rules, 4 agents)\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CheckConfig, ErrorsArePrefixedWithTheFileAndExitIs2) {
  const std::string path = write("bad.json", R"({"colour": 1, "sources": [{"name": "s", "type": "replay",
      "interval": "fast", "options": {"path": "x.jsonl"}}]})");
  EXPECT_EQ(check(path), 2);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(), path + R"(: top level: unknown key "colour" (known keys: log, state_dir, redis, api, agents, queues, replies, alerts, brand, rules, sources, detectors))" "\n" +
                            path + R"(: sources[0].interval: expected a duration like "30s", got "fast")" "\n");
}

TEST_F(CheckConfig, LoadsTheRulesFileRelativeToTheConfig) {
  write("rules.json", R"({"rules": [{"name": "r", "when": {"keywords": ["refund"]}, "then": {"priority": 1}}]})");
  const std::string good = write("good.json", R"({"rules": "rules.json"})");
  EXPECT_EQ(check(good), 0) << err_.str();
  EXPECT_EQ(out_.str(), good + ": ok (0 sources, 1 rule, 0 agents)\n");

  write("broken.json", R"({"rules": [{"name": "r", "when": {"regex": "("}, "then": {}}]})");
  const std::string bad = write("bad.json", R"({"rules": "broken.json"})");
  EXPECT_EQ(check(bad), 2);
  EXPECT_EQ(err_.str().rfind(bad + ": rules: ", 0), 0u) << err_.str();
  EXPECT_NE(err_.str().find("broken.json"), std::string::npos) << err_.str();
}

TEST_F(CheckConfig, BuildsEverySourceAsRunDoesWithoutTheNetwork) {
  const std::string token = write("token.json", R"({"sources": [{"name": "m", "type": "mastodon",
      "options": {"instance": "https://mastodon.example", "notifications": true}}]})");
  EXPECT_EQ(check(token), 2);
  EXPECT_EQ(err_.str().rfind(token + ": sources[0]: options.notifications: ", 0), 0u) << err_.str();

  const std::string missing = write("missing.json", R"({"sources": [{"name": "r", "type": "replay",
      "options": {"path": "nowhere.jsonl"}}]})");
  EXPECT_EQ(check(missing), 2);
  EXPECT_EQ(err_.str().rfind(missing + ": sources[0]: options.path: cannot open ", 0), 0u) << err_.str();

  const std::string public_tags = write("tags.json", R"({"sources": [{"name": "m", "type": "mastodon",
      "options": {"instance": "https://mastodon.example", "hashtags": ["acme"]}}]})");
  EXPECT_EQ(check(public_tags), 0) << err_.str();
}

TEST_F(CheckConfig, ResolvesTheListenAddress) {
  EXPECT_EQ(check(write("local.json", R"({"api": {"listen": "localhost:8640"}})")), 0) << err_.str();
  const std::string bad = write("bad.json", R"({"api": {"listen": "[fe80::1%nosuchif0]:8640"}})");
  EXPECT_EQ(check(bad), 2);
  EXPECT_EQ(err_.str().rfind(bad + ": api.listen: expected a host name that resolves", 0), 0u) << err_.str();
}

TEST_F(CheckConfig, UnreadableFile) {
  EXPECT_EQ(check(dir_ + "/missing.json"), 2);
  EXPECT_EQ(err_.str(), dir_ + "/missing.json: cannot read " + dir_ + "/missing.json: No such file or directory\n");
}

}  // namespace
}  // namespace carewatch
