// The daemon's alerts end to end: the carewatch binary with two Mastodon sources on fakes, one
// Redis and a fake Slack (an incoming webhook "care" and the bot form on channel C0OPS). Every
// alert kind is driven through the daemon and asserted on the messages Slack received: how many,
// what they say, the escaping of the mention's text and the links.
//
//   urgent, sla_warning, sla_breach   a p0 mention (a rule) nobody answers; p0's target is 8 s
//   recurring_issue                   three complaints from three people about the same thing
//   digest                            alerts.digest at 00:00 UTC: due at once
//   spike, spike_over                 a spike half an hour ago, in the counts the daemon keeps
//                                     (seeded: a 5-minute bucket closes too slowly for a test; the
//                                     counting itself is SpikeWatchTest's)
//   source_down, source_recovered     a source whose instance answers 503 three times
//   source_silent, source_recovered   a source quiet for longer than its silent_after, then not
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "daemon/alerts/spike_detector.h"
#include "tests/support/daemon_process.h"
#include "tests/support/fake_mastodon.h"
#include "tests/support/fake_slack.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::FakeMastodon;
using testing::FakeSlack;
using testing::FakeSlackMessage;
using testing::kSlow;
using testing::TestRedis;

const std::string kBinary = CAREWATCH_BINARY;
const std::string kConsole = "https://care.example.com/console/#/m/";

class AlertsDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::make_temp_dir("carewatch-alerts-test"); }
  void TearDown() override { testing::remove_tree(dir_); }

  // `alerts_extra`: more keys of the alerts section (a leading comma each).
  std::string config(const std::string& alerts_extra = "") {
    std::ofstream(dir_ + "/rules.json") << R"({
      "default": {"category": "auto", "priority": 2, "queue": "care"},
      "rules": [
        {"name": "outage", "when": {"keywords": ["outage"]},
         "then": {"category": "complaint", "priority": 0, "tags": ["outage"]}},
        {"name": "lost-bag", "when": {"keywords": ["suitcase"]}, "then": {"category": "complaint", "priority": 2}}
      ]})";
    std::ostringstream c;
    c << R"({
      "log": {"level": "info"},
      "redis": {"url": "redis://127.0.0.1:)" << redis_.server().port() << R"(/0"},
      "api": {"listen": "127.0.0.1:0"},
      "rules": "rules.json",
      "queues": {"sla": {"p0": "8s", "p1": "1h", "p2": "4h", "p3": "1d"}, "sla_warnings": [0.5]},
      "alerts": {
        "console_url": ")" << kConsole << R"(",
        "channels": [
          {"name": "care", "type": "slack_webhook", "url": ")" << slack_.webhook_url("care") << R"(", "fold_after": 20},
          {"name": "ops", "type": "slack_bot", "token": ")" << slack_.bot_token() << R"(", "channel": "C0OPS",
           "api_url": ")" << slack_.api_url() << R"(", "fold_after": 20}
        ],
        "routes": [
          {"channel": "care", "kinds": ["urgent", "sla_warning", "sla_breach", "recurring_issue", "digest"],
           "urgent_tags": ["outage"]},
          {"channel": "ops", "kinds": ["spike", "spike_over", "source_down", "source_silent", "source_recovered"]}
        ],
        "digest": {"at": "00:00"})" << alerts_extra << R"(
      },
      "detectors": {
        "sources": {"down_after": "2s", "overrides": {"masto": {"silent_after": "6s"}}},
        "recurring": {"window": "1h", "min_mentions": 3, "min_authors": 3}
      },
      "sources": [
        {"name": "masto", "type": "mastodon", "interval": "1s",
         "options": {"instance": ")" << masto_.base_url() << R"(", "access_token": "t", "notifications": true}},
        {"name": "broken", "type": "mastodon", "interval": "1s",
         "options": {"instance": ")" << broken_.base_url() << R"(", "access_token": "t", "notifications": true}}
      ]})";
    const std::string path = dir_ + "/carewatch.json";
    std::ofstream(path) << c.str();
    return path;
  }

  void post(FakeMastodon& m, const std::string& id, const std::string& acct, const std::string& text) {
    testing::CustomerPost p;
    p.notification_id = id;
    p.status_id = "1135520000000" + id;
    p.acct = acct;
    p.text = text;
    p.created_at = now_ms();
    m.add_mention(p);
  }

  // The messages of `channel` whose whole text has `needle`, waiting up to `timeout` for one.
  std::vector<FakeSlackMessage> wait_for(const std::string& channel, const std::string& needle,
                                         std::chrono::milliseconds timeout, DaemonProcess& daemon) {
    const auto until = std::chrono::steady_clock::now() + timeout * kSlow;
    std::vector<FakeSlackMessage> found;
    do {
      found.clear();
      for (const auto& m : slack_.messages_to(channel))
        if ((m.text + "\n" + m.header + "\n" + m.block_text).find(needle) != std::string::npos) found.push_back(m);
      if (!found.empty()) return found;
      std::this_thread::sleep_for(100ms);
    } while (std::chrono::steady_clock::now() < until && daemon.running());
    ADD_FAILURE() << "no message to " << channel << " with \"" << needle << "\"; received:\n"
                  << received() << "\n" << daemon.stderr_text();
    return found;
  }

  std::string received() {
    std::string s;
    for (const auto& m : slack_.messages()) s += "[" + m.channel + "] " + m.header + " | " + m.text + "\n";
    return s;
  }

  size_t count(const std::string& channel, const std::string& needle) {
    size_t n = 0;
    for (const auto& m : slack_.messages_to(channel))
      if ((m.text + "\n" + m.header + "\n" + m.block_text).find(needle) != std::string::npos) ++n;
    return n;
  }

  TestRedis redis_;
  FakeSlack slack_;
  FakeMastodon masto_, broken_;
  std::string dir_;
};

TEST_F(AlertsDaemonTest, EveryKindReachesSlackOnceEscapedAndLinked) {
  // A spike of complaints on Mastodon half an hour ago, after hours of quiet, in the counts the
  // daemon keeps in Redis.
  const TimeMs now = now_ms();
  const std::int64_t bucket = now - now % kSpikeBucketMs - 6 * kSpikeBucketMs;
  redis_.command("SET {cw}:spk:since " + std::to_string(bucket - 36 * kSpikeBucketMs));
  redis_.command("HSET {cw}:spk:" + std::to_string(bucket) + " mastodon|complaint 25");
  // Evaluated up to the bucket before it (a daemon that ran then): the next tick goes on from there.
  redis_.command("HSET {cw}:spk:state ~last " + std::to_string(bucket - kSpikeBucketMs));

  // The broken instance answers 503 to its first three polls.
  broken_.fail_next(testing::FakeMastodonRoute::notifications, 3,
                    FakeMastodon::error_answer(503, "Service Unavailable"));
  post(masto_, "1", "dan", "@acmeair total outage again, the app shows <script>alert(1)</script> & <!channel> nothing works");
  post(masto_, "2", "kim", "@acmeair my suitcase was lost at heathrow terminal five and nobody answers");
  post(masto_, "3", "lea", "@acmeair my suitcase was lost at heathrow terminal five, nobody answers me");
  post(masto_, "4", "max", "@acmeair my suitcase got lost at heathrow terminal five and nobody answers");

  DaemonProcess daemon(kBinary, {"run", "--config", config()}, dir_);

  // urgent: the p0 mention, its text escaped for Slack, its links.
  const auto urgent = wait_for("care", "Urgent complaint on mastodon from @dan", 30s, daemon);
  ASSERT_EQ(urgent.size(), 1u) << received();
  const FakeSlackMessage& u = urgent[0];
  EXPECT_NE(u.body.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt;"), std::string::npos) << u.body;
  EXPECT_EQ(u.body.find("<script>"), std::string::npos) << u.body;
  EXPECT_EQ(u.body.find("<!channel>"), std::string::npos) << u.body;
  EXPECT_NE(u.body.find(kConsole + "mastodon%3A11355200000001"), std::string::npos) << u.body;  // the console
  EXPECT_NE(u.body.find(masto_.base_url()), std::string::npos) << u.body;                         // the platform
  EXPECT_NE(u.body.find("outage"), std::string::npos) << u.body;                                  // why: the rule

  // sla_warning at half of 8 s, then sla_breach, on the same mention.
  const auto warning = wait_for("care", "SLA warning: 50% of the first response target", 30s, daemon);
  const auto breach = wait_for("care", "SLA breached: first response target", 30s, daemon);
  ASSERT_EQ(warning.size(), 1u);
  ASSERT_EQ(breach.size(), 1u);
  EXPECT_NE(breach[0].body.find(kConsole + "mastodon%3A11355200000001"), std::string::npos) << breach[0].body;

  // recurring_issue: one alert for the three suitcase complaints, with samples.
  const auto recurring = wait_for("care", "Recurring issue", 30s, daemon);
  ASSERT_EQ(recurring.size(), 1u);
  EXPECT_NE(recurring[0].body.find("suitcase"), std::string::npos) << recurring[0].body;
  EXPECT_NE(recurring[0].body.find(kConsole + "mastodon%3A11355200000002"), std::string::npos) << recurring[0].body;

  // digest: today's, per queue.
  const auto digest = wait_for("care", "Daily digest for", 30s, daemon);
  ASSERT_EQ(digest.size(), 1u);
  EXPECT_NE(digest[0].body.find("care"), std::string::npos) << digest[0].body;

  // spike and spike_over, by the bot, on ops.
  const auto spike = wait_for("C0OPS", "Spike: ", 30s, daemon);
  ASSERT_EQ(spike.size(), 1u) << received();
  EXPECT_TRUE(spike[0].via_bot);
  EXPECT_NE(spike[0].body.find("25"), std::string::npos) << spike[0].body;
  EXPECT_NE(spike[0].body.find("complaint"), std::string::npos) << spike[0].body;
  wait_for("C0OPS", "Spike over", 30s, daemon);

  // source_down and source_recovered for the broken instance.
  wait_for("C0OPS", "Source \"broken\" (mastodon) is down", 30s, daemon);
  wait_for("C0OPS", "Source \"broken\" (mastodon) recovered", 30s, daemon);

  // source_silent for masto (nothing new for 6 s), then recovered by a new mention.
  wait_for("C0OPS", "Source \"masto\" (mastodon) is silent", 30s, daemon);
  post(masto_, "5", "ola", "@acmeair thanks, the app works again");
  wait_for("C0OPS", "Source \"masto\" (mastodon) recovered", 30s, daemon);

  // Once each: give the daemon a moment to send anything twice, then count.
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(count("care", "Urgent complaint on mastodon from @dan"), 1u) << received();
  EXPECT_EQ(count("care", "SLA warning: 50%"), 1u) << received();
  EXPECT_EQ(count("care", "SLA breached: "), 1u) << received();
  EXPECT_EQ(count("care", "Recurring issue"), 1u) << received();
  EXPECT_EQ(count("care", "Daily digest for"), 1u) << received();
  EXPECT_EQ(slack_.messages_to("care").size(), 5u) << received();
  for (const char* once : {"is down", "\"broken\" (mastodon) recovered", "is silent", "\"masto\" (mastodon) recovered"})
    EXPECT_EQ(count("C0OPS", once), 1u) << once << "\n" << received();
  EXPECT_EQ(slack_.messages_to("C0OPS").size(), 6u) << received();
  std::cerr << "messages received:\n" << received();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s * kSlow), 0) << daemon.stderr_text();
}

// The outbox loses nothing across a kill -9: alerts raised while Slack answers 500 wait in Redis;
// the daemon is killed mid-retries; a new one sends each once Slack is back.
TEST_F(AlertsDaemonTest, AKilledDaemonsAlertsAreSentOnceByTheNext) {
  slack_.fail_always("care", testing::FakeSlackFailure::server_error);
  for (const char* id : {"11", "12", "13"})
    post(masto_, id, std::string("u") + id, std::string("@acmeair outage number ") + id + ", the app is down for me");
  const std::string path = config(R"(, "sending_lease": "5s", "retry_initial": "300ms", "retry_max": "1s")");
  {
    DaemonProcess first(kBinary, {"run", "--config", path}, dir_);
    // The three urgent alerts wait for "care" (digests too: the route takes them).
    const auto until = std::chrono::steady_clock::now() + 30s * kSlow;
    while (std::chrono::steady_clock::now() < until &&
           slack_.requests() < 6)  // retried at least once each, on average
      std::this_thread::sleep_for(100ms);
    ASSERT_GE(slack_.requests(), 6u) << first.stderr_text();
    ASSERT_TRUE(slack_.messages_to("care").empty());
    first.signal(SIGKILL);
    first.wait(10s);
  }
  slack_.fail_always("care", testing::FakeSlackFailure::server_error, false);
  DaemonProcess second(kBinary, {"run", "--config", path}, dir_);
  const std::string urgent = "Urgent complaint on mastodon from @u";
  for (const char* id : {"11", "12", "13"}) wait_for("care", urgent + id, 30s, second);
  std::this_thread::sleep_for(2s);
  for (const char* id : {"11", "12", "13"}) EXPECT_EQ(count("care", urgent + id), 1u) << id << "\n" << received();
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(30s * kSlow), 0) << second.stderr_text();
}

}  // namespace
}  // namespace carewatch
