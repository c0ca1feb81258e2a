// The carewatch binary end to end: a real redis-server started by the harness, the daemon as a
// child process, fake platform servers on loopback.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <rapidjson/document.h>

#include "connectors/http/http_client.h"
#include "connectors/replay/synthetic_mentions.h"
#include "mention/mention_json.h"
#include "rules/default_rules.h"
#include "tests/support/daemon_process.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/redis_probe.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::Probe;
using testing::TestRedis;

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::make_temp_dir("carewatch-daemon-test"); }
  void TearDown() override { testing::remove_tree(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string config(const std::string& sources, const std::string& extra = "") {
    api_port_ = testing::free_port();
    std::ostringstream c;
    c << "{\n  \"log\": {\"level\": \"info\"},\n"
      << "  \"redis\": {\"url\": \"redis://127.0.0.1:" << redis_.server().port() << "/0\"},\n"
      << "  \"api\": {\"listen\": \"127.0.0.1:" << api_port_ << "\"},\n"
      << "  \"agents\": [{\"id\": \"ana\", \"key_sha256\": "
         "\"64ead5f60f903128119308ea277aa21901bfaea9bb7dbc3e3fc7d3167c7e30ae\"}],\n"
      << extra << "  \"sources\": [" << sources << "]\n}\n";
    return write("carewatch.json", c.str());
  }

  std::string synthetic(size_t n) {
    const std::string path = dir_ + "/mentions.jsonl";
    std::ofstream f(path);
    write_synthetic_mentions(f, n, 7);
    return path;
  }

  // How many of the file's mentions the default rules route to a queue.
  static size_t expected_queued(const std::string& path) {
    auto rules = default_rules();
    std::ifstream f(path);
    std::string line, error;
    size_t n = 0;
    while (std::getline(f, line)) {
      Mention m;
      if (!parse_mention(line, m, error)) continue;
      Decision d = rules->decide(m);
      if (!d.queue.empty() && d.category != Category::ignore) ++n;
    }
    return n;
  }

  void expect_each_mention_once(Probe& probe, size_t total, size_t routed) {
    EXPECT_EQ(probe.count_keys("{cw}:m:*"), static_cast<long long>(total));
    EXPECT_EQ(probe.count_events("ingested"), static_cast<long long>(total));
    const auto uids = probe.queued_uids();
    const std::set<std::string> unique(uids.begin(), uids.end());
    EXPECT_EQ(uids.size(), unique.size()) << "a mention was queued twice";
    EXPECT_EQ(uids.size(), routed);
    EXPECT_EQ(probe.count_events("queued"), static_cast<long long>(routed));
  }

  TestRedis redis_;
  std::string dir_;
  int api_port_ = 0;
};

const std::string kBinary = CAREWATCH_BINARY;
using testing::kSlow;

TEST_F(DaemonTest, KillNineMidReplayThenRestartQueuesEveryMentionExactlyOnce) {
  const size_t total = 100000;
  const std::string input = synthetic(total);
  const std::string cfg = config(R"({"name": "bulk", "type": "replay", "interval": "100ms",
      "options": {"path": ")" + input + R"(", "pace": "full", "batch_size": 500}})");
  Probe probe(redis_.endpoint());
  {
    DaemonProcess first(kBinary, {"run", "--config", cfg}, dir_);
    const auto until = std::chrono::steady_clock::now() + 120s * kSlow;
    while (probe.count_keys("{cw}:seen:*") < 20000 && std::chrono::steady_clock::now() < until && first.running())
      std::this_thread::sleep_for(20ms);
    first.signal(SIGKILL);
    EXPECT_EQ(first.wait(10s), 128 + SIGKILL) << first.stderr_text();
  }
  const long long before_restart = probe.count_keys("{cw}:seen:*");
  ASSERT_GE(before_restart, 20000);
  ASSERT_LT(before_restart, static_cast<long long>(total)) << "the daemon finished before it was killed";

  DaemonProcess second(kBinary, {"run", "--config", cfg, "--exit-when-done"}, dir_);
  ASSERT_EQ(second.wait(300s * kSlow), 0) << second.stderr_text();
  expect_each_mention_once(probe, total, expected_queued(input));
}

TEST_F(DaemonTest, RedisRestartMidReplayLosesNothing) {
  const size_t total = 30000;
  const std::string input = synthetic(total);
  const std::string cfg = config(R"({"name": "bulk", "type": "replay", "interval": "100ms",
      "options": {"path": ")" + input + R"(", "pace": "full", "batch_size": 200}})");
  DaemonProcess daemon(kBinary, {"run", "--config", cfg, "--exit-when-done"}, dir_);
  {
    Probe probe(redis_.endpoint());
    const auto until = std::chrono::steady_clock::now() + 120s * kSlow;
    while (probe.count_keys("{cw}:seen:*") < 5000 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(10ms);
  }
  redis_.server().stop();  // graceful: AOF flushed, as a restart by an operator
  std::this_thread::sleep_for(1500ms);
  ASSERT_TRUE(daemon.running()) << "the daemon must survive Redis going away";
  redis_.server().start();
  ASSERT_EQ(daemon.wait(300s * kSlow), 0) << daemon.stderr_text();
  EXPECT_NE(daemon.stderr_text().find("redis unavailable"), std::string::npos);
  Probe probe(redis_.endpoint());
  expect_each_mention_once(probe, total, expected_queued(input));
}

TEST_F(DaemonTest, BrandRepliesInReplayedConversationsGiveExactFirstResponseTimes) {
  const std::string sample = std::string(CAREWATCH_SOURCE_DIR) + "/config/samples/mentions.jsonl";
  const std::string cfg = config(R"({"name": "sample", "type": "replay", "interval": "100ms",
      "options": {"path": ")" + sample + R"(", "pace": "full", "rebase_time": false}})",
                                 "  \"brand\": {\"handles\": [\"acmeair\"]},\n");
  DaemonProcess daemon(kBinary, {"run", "--config", cfg, "--exit-when-done"}, dir_);
  ASSERT_EQ(daemon.wait(120s * kSlow), 0) << daemon.stderr_text();

  std::ifstream f(std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/replay/expected_first_responses.json");
  std::stringstream ss;
  ss << f.rdbuf();
  rapidjson::Document expected;
  expected.Parse(ss.str().c_str());
  ASSERT_TRUE(expected.IsObject());
  ASSERT_GE(expected.MemberCount(), 10u);
  Probe probe(redis_.endpoint());
  for (const auto& e : expected.GetObject()) {
    const std::string uid = e.name.GetString();
    const std::string key = "{cw}:m:" + uid;
    const long long posted = std::atoll(probe.str({"HGET", key, "posted_at"}).c_str());
    const long long first_reply = std::atoll(probe.str({"HGET", key, "first_reply_at"}).c_str());
    ASSERT_GT(posted, 0) << uid;
    EXPECT_EQ(first_reply - posted, static_cast<long long>(e.value.GetDouble() * 1000)) << uid;
  }
  // The same figures through the events stream: one first-response event per answered mention.
  EXPECT_EQ(probe.count_events("replied"), static_cast<long long>(expected.MemberCount()));
}

// The /metrics latency histograms follow the events stream: every first response the replay
// records (the brand's native replies) is observed once, under the replying handle.
TEST_F(DaemonTest, FirstResponseHistogramFollowsTheEventsStream) {
  const std::string sample = std::string(CAREWATCH_SOURCE_DIR) + "/config/samples/mentions.jsonl";
  const std::string cfg = config(R"({"name": "sample", "type": "replay", "interval": "100ms",
      "options": {"path": ")" + sample + R"(", "pace": "full", "rebase_time": false}})",
                                 "  \"brand\": {\"handles\": [\"acmeair\"]},\n");
  DaemonProcess daemon(kBinary, {"run", "--config", cfg}, dir_);
  ASSERT_TRUE(daemon.wait_for_output("listening", 30s * kSlow)) << daemon.stderr_text();
  Probe probe(redis_.endpoint());
  const long long replies = 28;  // tests/fixtures/replay/expected_first_responses.json
  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(api_port_) + "/metrics";
  req.headers.emplace_back("Authorization", "Bearer cw_demo_ana_key");  // api.metrics defaults to "key"
  const std::string series = "carewatch_first_response_seconds_count{";
  long long observed = -1;
  std::string body;
  const auto until = std::chrono::steady_clock::now() + 60s * kSlow;
  while (std::chrono::steady_clock::now() < until && daemon.running()) {
    body = http->send(req).body;
    observed = 0;
    for (size_t at = body.find(series); at != std::string::npos; at = body.find(series, at + 1)) {
      ASSERT_NE(body.find("agent=\"brand:acmeair\"", at), std::string::npos);
      observed += std::atoll(body.c_str() + body.find("} ", at) + 2);
    }
    if (probe.count_events("replied") == replies && observed == replies) break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(probe.count_events("replied"), replies);
  EXPECT_EQ(observed, replies) << body;
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(20s * kSlow), 0);
}

TEST_F(DaemonTest, MastodonErrorsAreReportedBackedOffAndSurvived) {
  testing::FakeHttpServer mastodon;
  std::atomic<int> calls{0};
  mastodon.on("GET", "/api/v1/timelines/tag/acmeair", [&](const testing::FakeRequest&) {
    switch (calls++) {
      case 0: return testing::FakeResponse{429, {{"Retry-After", "1"}}, R"({"error":"Too many requests"})"};
      case 1: return testing::FakeResponse{500, {}, R"({"error":"boom"})"};
      case 2: return testing::FakeResponse{200, {{"Content-Type", "text/html"}}, "<html><body>Bad gateway</body></html>"};
      case 3: return testing::FakeResponse{200, {}, R"([{"id": "1091", "created_at": "2026-11-22T10:00:00.000Z", "content": "<p>tru)"};
      default:
        return testing::FakeResponse{200, {}, R"([{"id": "1092", "created_at": "2026-11-22T10:00:05.000Z",
          "in_reply_to_id": null, "in_reply_to_account_id": null, "sensitive": false, "spoiler_text": "",
          "visibility": "public", "language": "en", "uri": "https://masto.example/users/cleo/statuses/1092",
          "url": "https://masto.example/@cleo/1092", "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
          "content": "<p>My <a href=\"https://masto.example/tags/acmeair\" class=\"mention hashtag\">#<span>acmeair</span></a> flight was cancelled and nobody answers, I want a refund</p>",
          "reblog": null, "account": {"id": "77", "username": "cleo", "acct": "cleo", "display_name": "Cleo",
          "locked": false, "bot": false, "created_at": "2024-01-01T00:00:00.000Z", "note": "", "url": "https://masto.example/@cleo",
          "avatar": "", "header": "", "followers_count": 120, "following_count": 80, "statuses_count": 900},
          "media_attachments": [], "mentions": [], "tags": [{"name": "acmeair", "url": "https://masto.example/tags/acmeair"}], "emojis": []}])"};
    }
  });
  const std::string cfg = config(R"({"name": "masto", "type": "mastodon", "interval": "200ms",
      "options": {"instance": ")" + mastodon.base_url() + R"(", "hashtags": ["acmeair"]}})");
  DaemonProcess daemon(kBinary, {"run", "--config", cfg}, dir_);
  Probe probe(redis_.endpoint());
  const auto until = std::chrono::steady_clock::now() + 90s * kSlow;
  // The first poll takes the newest page only; the fake answers errors first.
  while (probe.count_keys("{cw}:m:mastodon:1092") == 0 && std::chrono::steady_clock::now() < until && daemon.running())
    std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(daemon.running()) << daemon.stderr_text();
  EXPECT_EQ(probe.count_keys("{cw}:m:mastodon:1092"), 1);
  EXPECT_GE(calls.load(), 5);

  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(api_port_) + "/metrics";
  req.headers.emplace_back("Authorization", "Bearer cw_demo_ana_key");  // api.metrics defaults to "key"
  const auto metrics = http->send(req);
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("carewatch_poll_errors_total{source=\"masto\",kind=\"retry\"} 4"), std::string::npos)
      << metrics.body;
  const std::string log = daemon.stderr_text();
  EXPECT_NE(log.find("429"), std::string::npos) << log;
  EXPECT_NE(log.find("500"), std::string::npos) << log;
  EXPECT_NE(log.find("HTML"), std::string::npos) << log;
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(20s * kSlow), 0);
}

TEST_F(DaemonTest, CheckConfigNamesTheBadFieldAndExitsTwo) {
  const std::string cfg = write("bad.json", R"({
    // a comment is fine
    "api": {"listen": "127.0.0.1:8640"},
    "sources": [{"name": "s", "type": "replay", "interval": "fast", "options": {"path": "x.jsonl"}}]
  })");
  DaemonProcess check(kBinary, {"check-config", cfg}, dir_);
  EXPECT_EQ(check.wait(30s * kSlow), 2);
  EXPECT_NE(check.stderr_text().find("sources[0].interval"), std::string::npos) << check.stderr_text();
  DaemonProcess run(kBinary, {"run", "--config", cfg}, dir_);
  EXPECT_EQ(run.wait(30s * kSlow), 2);
  EXPECT_NE(run.stderr_text().find("sources[0].interval"), std::string::npos) << run.stderr_text();
}

TEST_F(DaemonTest, SighupReloadsRulesAndKeepsTheOldOnesWhenTheNewFileIsBroken) {
  const std::string rules = write("rules.json", R"({"rules": [
    {"name": "all-to-care", "when": {"regex": "."}, "then": {"category": "complaint", "queue": "care"}}]})");
  const std::string cfg = config("", "  \"rules\": \"" + rules + "\",\n");
  DaemonProcess daemon(kBinary, {"run", "--config", cfg}, dir_);
  ASSERT_TRUE(daemon.wait_for_output("listening", 30s * kSlow)) << daemon.stderr_text();
  write("rules.json", R"({"rules": [{"name": "broken", "when": {"regex": "("}, "then": {"queue": "x"}}]})");
  daemon.signal(SIGHUP);
  std::this_thread::sleep_for(1500ms);
  ASSERT_TRUE(daemon.running());
  EXPECT_NE(daemon.stderr_text().find("rules reload rejected"), std::string::npos) << daemon.stderr_text();
  write("rules.json", R"({"rules": [{"name": "a", "when": {"keywords": ["x"]}, "then": {"queue": "x"}},
                                    {"name": "b", "when": {"keywords": ["y"]}, "then": {"queue": "y"}}]})");
  daemon.signal(SIGHUP);
  std::this_thread::sleep_for(1500ms);
  const std::string log = daemon.stderr_text();
  const auto reloaded = log.find("\"rules reloaded\"");
  ASSERT_NE(reloaded, std::string::npos) << log;
  EXPECT_NE(log.find("\"rules\":\"2\"", reloaded), std::string::npos) << log;
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(20s * kSlow), 0);
}

}  // namespace
}  // namespace carewatch
