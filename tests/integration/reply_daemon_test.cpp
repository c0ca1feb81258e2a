// Replies end to end: the carewatch binary with a Mastodon source against the fake Mastodon
// instance (tests/support/fake_mastodon.h) and a real redis-server started by the harness. An
// agent claims and replies through the HTTP API; the reply goes out through the connector once,
// and the first response is the time the platform accepted it. Includes the kill -9 between the
// platform's answer and carewatch recording it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <rapidjson/document.h>

#include "connectors/http/http_client.h"
#include "mention/common/time.h"
#include "tests/support/daemon_process.h"
#include "tests/support/fake_mastodon.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::FakeMastodon;
using testing::kSlow;
using testing::TestRedis;

const std::string kBinary = CAREWATCH_BINARY;
const std::string kToken = "fake-mastodon-token";
const std::string kStatus = "113552000000000620";
const std::string kUid = "mastodon:" + kStatus;

class ReplyDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("carewatch-reply-test");
    testing::CustomerPost post;
    post.notification_id = "48213";
    post.status_id = kStatus;
    post.acct = "dan";
    post.text = "@acmeair my bag never arrived after flight AC123, this is awful, I need it today";
    post.created_at = now_ms() - 10 * 60 * 1000;
    fake_.add_mention(post);
  }
  void TearDown() override { testing::remove_tree(dir_); }

  // A Mastodon source on the fake instance (notifications, every second), agent ana.
  std::string config(const std::string& replies = R"({"retry_initial": "1s", "sending_lease": "2s"})") {
    api_port_ = testing::free_port();
    std::ostringstream c;
    c << "{\n  \"log\": {\"level\": \"info\"},\n"
      << "  \"redis\": {\"url\": \"redis://127.0.0.1:" << redis_.server().port() << "/0\"},\n"
      << "  \"api\": {\"listen\": \"127.0.0.1:" << api_port_ << "\"},\n"
      << "  \"agents\": [{\"id\": \"ana\", \"key_sha256\": "
         "\"64ead5f60f903128119308ea277aa21901bfaea9bb7dbc3e3fc7d3167c7e30ae\"}],\n"
      << "  \"brand\": {\"handles\": [\"acmeair\"]},\n"
      << "  \"replies\": " << replies << ",\n"
      << "  \"sources\": [{\"name\": \"masto\", \"type\": \"mastodon\", \"interval\": \"1s\",\n"
      << "    \"options\": {\"instance\": \"" << fake_.base_url() << "\", \"access_token\": \"" << kToken
      << "\", \"notifications\": true}}]\n}\n";
    const std::string path = dir_ + "/carewatch.json";
    std::ofstream(path) << c.str();
    return path;
  }

  HttpResponse call(const std::string& method, const std::string& target, const std::string& body = "") {
    HttpRequest req;
    req.method = method;
    req.url = "http://127.0.0.1:" + std::to_string(api_port_) + target;
    req.headers.emplace_back("Authorization", "Bearer cw_demo_ana_key");
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    req.body = body;
    return http_->send(req);
  }

  static rapidjson::Document json(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str());
    EXPECT_FALSE(d.HasParseError()) << text;
    return d;
  }

  // Waits for the daemon to queue the customer's post, then claims it (whichever queue the rules
  // chose).
  void claim(DaemonProcess& daemon) {
    const auto until = std::chrono::steady_clock::now() + 30s * kSlow;
    while (std::chrono::steady_clock::now() < until && daemon.running()) {
      for (const char* queue : {"urgent", "care", "engagement"}) {
        const HttpResponse r = call("POST", std::string("/v1/queues/") + queue + "/claim");
        if (r.status == 200) {
          ASSERT_EQ(std::string(json(r.body)["uid"].GetString()), kUid) << r.body;
          return;
        }
      }
      std::this_thread::sleep_for(200ms);
    }
    FAIL() << "the customer's post was never queued\n" << daemon.stderr_text();
  }

  // GET /v1/mentions/{uid} until its first reply is in `state`; the last answer.
  rapidjson::Document reply_in_state(const std::string& state, DaemonProcess& daemon) {
    std::string body;
    const auto until = std::chrono::steady_clock::now() + 30s * kSlow;
    while (std::chrono::steady_clock::now() < until && daemon.running()) {
      body = call("GET", "/v1/mentions/" + kUid).body;
      auto d = json(body);
      if (d.IsObject() && d.HasMember("replies") && d["replies"].Size() > 0 &&
          state == d["replies"][0]["state"].GetString())
        return d;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "no reply in state " << state << ": " << body << "\n" << daemon.stderr_text();
    return json(body.empty() ? "{}" : body);
  }

  static TimeMs iso_ms(const rapidjson::Value& v) {
    TimeMs t = 0;
    EXPECT_TRUE(v.IsString() && parse_iso8601(v.GetString(), t));
    return t;
  }

  static const rapidjson::Value* event(const rapidjson::Document& d, const std::string& type) {
    for (const auto& e : d["events"].GetArray())
      if (type == e["type"].GetString()) return &e;
    return nullptr;
  }

  FakeMastodon fake_{kToken};
  TestRedis redis_;
  std::string dir_;
  int api_port_ = 0;
  std::shared_ptr<HttpClient> http_ = make_cpprest_http_client();
};

TEST_F(ReplyDaemonTest, AReplyIsPostedOnceAndTheFirstResponseIsWhenMastodonAcceptedIt) {
  DaemonProcess daemon(kBinary, {"run", "--config", config()}, dir_);
  ASSERT_TRUE(daemon.wait_for_output("listening", 30s * kSlow)) << daemon.stderr_text();
  claim(daemon);

  // The platform's rules are checked before anything is accepted.
  const HttpResponse too_long = call("POST", "/v1/mentions/" + kUid + "/reply", R"({"text": ")" + std::string(600, 'x') + R"("})");
  EXPECT_EQ(too_long.status, 400) << too_long.body;
  EXPECT_STREQ(json(too_long.body)["code"].GetString(), "max_length") << too_long.body;

  const HttpResponse accepted =
      call("POST", "/v1/mentions/" + kUid + "/reply", R"({"text": "So sorry, Dan. Your bag is on the next flight."})");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const auto a = json(accepted.body);
  const std::string reply_id = a["reply_id"].GetString();
  EXPECT_STREQ(a["state"].GetString(), "queued");
  const TimeMs submitted = iso_ms(a["submitted_at"]);

  const auto d = reply_in_state("sent", daemon);
  ASSERT_EQ(fake_.post_count(), 1u);
  const auto post = fake_.posts().at(0);
  EXPECT_EQ(post.idempotency_key, reply_id);
  EXPECT_EQ(post.in_reply_to_id, kStatus);
  // The author's handle as the connector knows it, qualified with the instance's host.
  EXPECT_EQ(post.text, "@dan@127.0.0.1 So sorry, Dan. Your bag is on the next flight.");
  const auto& r = d["replies"][0];
  EXPECT_EQ(std::string(r["reply_id"].GetString()), reply_id);
  EXPECT_EQ(std::string(r["post_id"].GetString()), post.id);
  EXPECT_EQ(std::string(r["post_url"].GetString()), post.url);
  EXPECT_EQ(r["attempts"].GetInt(), 1);
  const TimeMs sent = iso_ms(r["sent_at"]);
  EXPECT_GE(sent, submitted);
  EXPECT_LE(sent, now_ms());
  EXPECT_EQ(sent, std::max(submitted, post.created_at_ms)) << "the platform's time of the post, never before submission";
  // The first response is the time Mastodon accepted the reply, not when the agent pressed send.
  EXPECT_EQ(iso_ms(d["state"]["first_reply_at"]), sent);
  EXPECT_STREQ(d["state"]["state"].GetString(), "replied");
  const auto* sent_event = event(d, "reply_sent");
  ASSERT_TRUE(sent_event) << "no reply_sent event";
  EXPECT_EQ(std::string((*sent_event)["post_id"].GetString()), post.id);
  EXPECT_EQ((*sent_event)["frt_ms"].GetInt64(), sent - iso_ms(d["mention"]["posted_at"]));
  ASSERT_TRUE(event(d, "reply_queued"));
  EXPECT_STREQ(d["sla"]["status"].GetString(), "met");

  // The latency follower reads the events stream about once a second.
  std::string metrics;
  for (auto until = std::chrono::steady_clock::now() + 10s * kSlow; std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(100ms)) {
    metrics = call("GET", "/metrics").body;
    if (metrics.find("carewatch_reply_delivery_seconds_count") != std::string::npos) break;
  }
  EXPECT_NE(metrics.find(R"(carewatch_replies_total{platform="mastodon",outcome="sent"} 1)"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(carewatch_reply_delivery_seconds_count{platform="mastodon"} 1)"), std::string::npos)
      << metrics;

  // Resolve is immediate now that nothing is pending.
  EXPECT_EQ(call("POST", "/v1/mentions/" + kUid + "/resolve").status, 200);
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s * kSlow), 0) << daemon.stderr_text();
}

TEST_F(ReplyDaemonTest, KillNineBetweenMastodonsAnswerAndRecordingItStillPostsOnce) {
  const std::string cfg = config();
  auto first = std::make_unique<DaemonProcess>(kBinary, std::vector<std::string>{"run", "--config", cfg}, dir_);
  ASSERT_TRUE(first->wait_for_output("listening", 30s * kSlow)) << first->stderr_text();
  claim(*first);
  // Mastodon writes the status, then carewatch dies before it reads the answer.
  std::atomic<bool> killed{false};
  const pid_t pid = first->pid();
  fake_.on_post([&](const testing::FakeRequest&, const testing::FakeStatus&) {
    ::kill(pid, SIGKILL);
    killed = true;
  });
  const HttpResponse accepted = call("POST", "/v1/mentions/" + kUid + "/reply", R"({"text": "We found your bag."})");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::string reply_id = json(accepted.body)["reply_id"].GetString();
  EXPECT_EQ(first->wait(30s * kSlow), 128 + SIGKILL);
  ASSERT_TRUE(killed.load());
  fake_.on_post(nullptr);
  EXPECT_EQ(redis_.command("HGET {cw}:r:" + reply_id + " reply_state"), "sending");
  EXPECT_EQ(fake_.post_count(), 1u);

  // The restarted daemon takes the reply over after its sending lease and settles it under the
  // same Idempotency-Key: Mastodon answers with the status it made, and posts nothing new.
  DaemonProcess second(kBinary, {"run", "--config", config()}, dir_);
  ASSERT_TRUE(second.wait_for_output("listening", 30s * kSlow)) << second.stderr_text();
  const auto d = reply_in_state("sent", second);
  EXPECT_EQ(fake_.post_count(), 1u) << "posted twice";
  EXPECT_EQ(fake_.requests_to("/api/v1/statuses").size(), 2u);
  for (const auto& req : fake_.requests_to("/api/v1/statuses")) EXPECT_EQ(req.headers.at("idempotency-key"), reply_id);
  const auto& r = d["replies"][0];
  EXPECT_EQ(std::string(r["post_id"].GetString()), fake_.posts().at(0).id);
  EXPECT_EQ(r["attempts"].GetInt(), 2);
  EXPECT_EQ(iso_ms(d["state"]["first_reply_at"]), iso_ms(r["sent_at"]));
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(30s * kSlow), 0) << second.stderr_text();
}

TEST_F(ReplyDaemonTest, A503IsRetriedAndA422FailsForGoodLeavingTheMentionWithItsAgent) {
  DaemonProcess daemon(kBinary, {"run", "--config", config()}, dir_);
  ASSERT_TRUE(daemon.wait_for_output("listening", 30s * kSlow)) << daemon.stderr_text();
  claim(daemon);
  fake_.fail_next_posts(1, FakeMastodon::error_answer(422, "Validation failed: Text character limit of 500 exceeded"));
  ASSERT_EQ(call("POST", "/v1/mentions/" + kUid + "/reply", R"({"text": "first try"})").status, 202);
  auto d = reply_in_state("failed", daemon);
  const auto& failed = d["replies"][0];
  EXPECT_NE(std::string(failed["error"].GetString()).find("Text character limit of 500 exceeded"), std::string::npos)
      << failed["error"].GetString();
  EXPECT_FALSE(failed["will_retry"].GetBool());
  EXPECT_STREQ(d["state"]["state"].GetString(), "claimed");
  EXPECT_STREQ(d["state"]["owner"].GetString(), "ana");
  EXPECT_FALSE(d["state"].HasMember("first_reply_at")) << "a failed reply is no response";
  EXPECT_EQ(fake_.post_count(), 0u);

  // The agent tries again; Mastodon is briefly down.
  fake_.fail_next_posts(1, FakeMastodon::error_answer(503, "Service Unavailable", {{"Retry-After", "1"}}));
  ASSERT_EQ(call("POST", "/v1/mentions/" + kUid + "/reply", R"({"text": "second try"})").status, 202);
  std::string body;
  const auto until = std::chrono::steady_clock::now() + 30s * kSlow;
  while (std::chrono::steady_clock::now() < until) {
    body = call("GET", "/v1/mentions/" + kUid).body;
    d = json(body);
    if (d["replies"].Size() == 2 && std::string(d["replies"][1]["state"].GetString()) == "sent") break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(d["replies"].Size(), 2u) << body;
  EXPECT_STREQ(d["replies"][1]["state"].GetString(), "sent") << body;
  EXPECT_EQ(d["replies"][1]["attempts"].GetInt(), 2) << body;
  EXPECT_EQ(fake_.post_count(), 1u);
  ASSERT_TRUE(event(d, "reply_failed"));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s * kSlow), 0) << daemon.stderr_text();
}

// Two daemons on one Redis, each with its outbox workers: the reply is posted by one of them, once.
TEST_F(ReplyDaemonTest, TwoDaemonsOnOneRedisPostAReplyOnce) {
  DaemonProcess one(kBinary, {"run", "--config", config()}, dir_);
  ASSERT_TRUE(one.wait_for_output("listening", 30s * kSlow)) << one.stderr_text();
  const int first_port = api_port_;
  const std::string other_dir = dir_ + "/other";
  ASSERT_EQ(::mkdir(other_dir.c_str(), 0700), 0);
  const std::string cfg = config();  // a second API port, the same Redis and source
  DaemonProcess two(kBinary, {"run", "--config", cfg}, other_dir);
  ASSERT_TRUE(two.wait_for_output("listening", 30s * kSlow)) << two.stderr_text();
  claim(one);
  ASSERT_EQ(call("POST", "/v1/mentions/" + kUid + "/reply", R"({"text": "Both of us saw this."})").status, 202);
  reply_in_state("sent", two);
  api_port_ = first_port;
  reply_in_state("sent", one);
  std::this_thread::sleep_for(1s);  // anything late would show now
  EXPECT_EQ(fake_.post_count(), 1u);
  EXPECT_EQ(fake_.requests_to("/api/v1/statuses").size(), 1u);
  for (DaemonProcess* d : {&one, &two}) {
    d->signal(SIGTERM);
    EXPECT_EQ(d->wait(30s * kSlow), 0) << d->stderr_text();
  }
}

}  // namespace
}  // namespace carewatch
