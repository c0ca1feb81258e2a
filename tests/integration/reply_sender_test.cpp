// The reply outbox's worker (daemon/pipeline/reply_sender.h) on a real redis-server, posting
// through the Mastodon connector to the fake instance: each outcome, and how a second attempt is
// settled before anything is posted again (the idempotency key within its window, find_reply
// after it, a refusal where neither exists).
#include "daemon/pipeline/reply_sender.h"

#include <gtest/gtest.h>

#include <thread>

#include "connectors/http/http_client.h"
#include "connectors/registry.h"
#include "mention/mention_json.h"
#include "tests/support/fake_mastodon.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::FakeMastodon;
using testing::TestRedis;

const std::string kToken = "sender-test-token";
const std::string kStatus = "113552000000000700";
const std::string kUid = "mastodon:" + kStatus;

// A source that posts whatever it is given and can neither dedupe by key nor look for a post.
class CountingConnector final : public Connector {
 public:
  PollResult poll(const std::string&) override { return PollResult::ok({}); }
  ReplyRules reply_rules() const override {
    ReplyRules r;
    r.can_reply = true;
    r.max_length = 1000;
    r.length_unit = "characters";
    return r;
  }
  std::optional<ReplyProblem> check_reply(const Mention&, const std::string&) const override { return std::nullopt; }
  ReplyOutcome reply(const Mention&, const std::string&, const std::string&) override {
    ++posts;
    ReplyOutcome o;
    o.kind = next;
    o.post.id = "c" + std::to_string(posts);
    o.error = next == ReplyOutcome::Kind::sent ? "" : "status 429";
    o.may_have_posted = false;  // a 429: surely nothing posted
    return o;
  }
  int posts = 0;
  ReplyOutcome::Kind next = ReplyOutcome::Kind::sent;
};

class ReplySenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    QueueStoreOptions o;
    o.prefix = "t";
    o.connect_timeout = 500ms;
    o.command_timeout = 5000ms;
    store_ = std::make_unique<QueueStore>(redis_.endpoint(), o);
    testing::CustomerPost post;
    post.notification_id = "7";
    post.status_id = kStatus;
    post.acct = "dan";
    post.text = "@acmeair where is my refund";
    fake_.add_mention(post);
    std::string error;
    mastodon_ = find_connector_type("mastodon")->create(
        {"masto", "mastodon",
         R"({"instance": ")" + fake_.base_url() + R"(", "access_token": ")" + kToken + R"(", "notifications": true})",
         ""},
        make_cpprest_http_client(), error);
    ASSERT_TRUE(mastodon_) << error;
    // The mention as the connector delivers it, queued and claimed by alice.
    PollResult polled = mastodon_->poll("");
    ASSERT_TRUE(polled.batch) << (polled.error ? polled.error->message : "");
    ASSERT_EQ(polled.batch->mentions.size(), 1u);
    mention_ = polled.batch->mentions[0];
    mention_.decision.category = Category::complaint;
    mention_.decision.queue = "care";
    mention_.decision.priority = 1;
  }

  // Enqueues the mention under `source`, claims it and submits a reply; the reply's id.
  std::string submit(const std::string& source = "masto", const std::string& text = "Refunded today.") {
    Mention m = mention_;
    m.source = source;
    EXPECT_EQ(store_->enqueue({m}), std::vector{EnqueueOutcome::queued});
    EXPECT_TRUE(store_->claim("care", "alice"));
    const std::string id = QueueStore::new_reply_id();
    EXPECT_EQ(store_->submit_reply(m.uid, "alice", text, id, false).status, OpStatus::ok);
    return id;
  }

  ReplySender sender(ReplySenderOptions o = {}) {
    o.instance_id = "test-daemon";
    o.retry_initial = 1s;
    return ReplySender(*store_, metrics_, [this](const std::string& s) -> std::shared_ptr<Connector> {
      if (s == "masto") return mastodon_;
      if (s == "counting") return counting_;
      return nullptr;
    }, o);
  }

  // An earlier worker took the reply and died; its first attempt was `ago` before now.
  void earlier_attempt_died(const std::string& id, std::chrono::milliseconds ago) {
    ASSERT_TRUE(store_->take_reply("dead-daemon", 1ms));
    redis_.command("HSET {t}:r:" + id + " first_attempt_at " + std::to_string(now_ms() - ago.count()));
    std::this_thread::sleep_for(20ms);  // its sending lease is over
  }

  ReplyRecord reply_record() { return store_->get(kUid)->replies.at(0); }

  TestRedis redis_;
  FakeMastodon fake_{kToken};
  std::unique_ptr<QueueStore> store_;
  Metrics metrics_;
  std::shared_ptr<Connector> mastodon_;
  std::shared_ptr<CountingConnector> counting_ = std::make_shared<CountingConnector>();
  Mention mention_;
};

TEST(ReplyRetryDelay, DoublesFromTheInitialWaitUpToTheMaximumAndHonoursRetryAfter) {
  EXPECT_EQ(reply_retry_delay(1, std::nullopt, 5s, 10min), 5s);
  EXPECT_EQ(reply_retry_delay(2, std::nullopt, 5s, 10min), 10s);
  EXPECT_EQ(reply_retry_delay(4, std::nullopt, 5s, 10min), 40s);
  EXPECT_EQ(reply_retry_delay(60, std::nullopt, 5s, 10min), 10min);
  EXPECT_EQ(reply_retry_delay(1, 30s, 5s, 10min), 30s);
  EXPECT_EQ(reply_retry_delay(3, 1s, 5s, 10min), 20s);
}

TEST_F(ReplySenderTest, PostsADueReplyAndRecordsIt) {
  const std::string id = submit();
  auto s = sender();
  EXPECT_TRUE(s.send_once());
  EXPECT_FALSE(s.send_once()) << "nothing else is due";
  ASSERT_EQ(fake_.post_count(), 1u);
  const ReplyRecord r = reply_record();
  EXPECT_EQ(r.state, "sent");
  EXPECT_EQ(r.post_id, fake_.posts()[0].id);
  EXPECT_EQ(fake_.posts()[0].idempotency_key, id);
  EXPECT_NE(metrics_.render().find(R"(carewatch_replies_total{platform="mastodon",outcome="sent"} 1)"), std::string::npos);
}

TEST_F(ReplySenderTest, WithinTheIdempotencyWindowASecondAttemptPostsAgainUnderTheSameKey) {
  const std::string id = submit();
  // The dead worker's request reached Mastodon; its answer was lost.
  const auto posted = mastodon_->reply(mention_, "Refunded today.", id);
  ASSERT_EQ(posted.kind, ReplyOutcome::Kind::sent);
  earlier_attempt_died(id, 10min);
  auto s = sender();
  EXPECT_TRUE(s.send_once());
  EXPECT_EQ(fake_.post_count(), 1u);
  EXPECT_EQ(reply_record().post_id, posted.post.id);
  EXPECT_EQ(reply_record().attempts, 2);
  EXPECT_TRUE(fake_.requests_to("/api/v1/statuses/" + kStatus + "/context").empty()) << "no need to look";
}

TEST_F(ReplySenderTest, AfterTheWindowTheReplyIsLookedForAndFoundInsteadOfPostedAgain) {
  const std::string id = submit();
  const auto posted = mastodon_->reply(mention_, "Refunded today.", id);
  ASSERT_EQ(posted.kind, ReplyOutcome::Kind::sent);
  fake_.forget_idempotency_keys();  // as Mastodon does after an hour
  earlier_attempt_died(id, 2h);
  auto s = sender();
  EXPECT_TRUE(s.send_once());
  EXPECT_EQ(fake_.post_count(), 1u) << "posted twice";
  const ReplyRecord r = reply_record();
  EXPECT_EQ(r.state, "sent");
  EXPECT_EQ(r.post_id, posted.post.id);
  EXPECT_FALSE(fake_.requests_to("/api/v1/statuses/" + kStatus + "/context").empty());
  EXPECT_NE(metrics_.render().find(R"(carewatch_replies_total{platform="mastodon",outcome="reconciled"} 1)"),
            std::string::npos);
}

TEST_F(ReplySenderTest, AfterTheWindowAReplyNotFoundIsPostedOnce) {
  const std::string id = submit();
  fake_.forget_idempotency_keys();
  earlier_attempt_died(id, 2h);  // died before its request reached Mastodon
  auto s = sender();
  EXPECT_TRUE(s.send_once());
  EXPECT_EQ(fake_.post_count(), 1u);
  EXPECT_EQ(reply_record().state, "sent");
}

TEST_F(ReplySenderTest, WhenItCannotLookItRetriesLaterAndPostsNothing) {
  const std::string id = submit();
  earlier_attempt_died(id, 2h);
  fake_.fail_next(testing::FakeMastodonRoute::context, 1, FakeMastodon::error_answer(500, "oops"));
  auto s = sender();
  EXPECT_TRUE(s.send_once());
  EXPECT_EQ(fake_.post_count(), 0u);
  const ReplyRecord r = reply_record();
  EXPECT_EQ(r.state, "queued");
  EXPECT_TRUE(r.will_retry);
  EXPECT_EQ(r.error.rfind("could not check whether an earlier attempt was posted: ", 0), 0u) << r.error;
}

TEST_F(ReplySenderTest, WithoutIdempotencyOrReconciliationAnUnclearAttemptIsNeverRepeated) {
  const std::string id = submit("counting");
  earlier_attempt_died(id, 1min);
  auto s = sender();
  EXPECT_TRUE(s.send_once());
  EXPECT_EQ(counting_->posts, 0);
  const ReplyRecord r = reply_record();
  EXPECT_EQ(r.state, "failed");
  EXPECT_NE(r.error.find("may or may not have been posted"), std::string::npos) << r.error;
  EXPECT_EQ(store_->get(kUid)->state.at("owner"), "alice");
}

TEST_F(ReplySenderTest, RetriesUntilGiveUpAfterThenFailsForGood) {
  const std::string id = submit("counting");
  counting_->next = ReplyOutcome::Kind::retry;
  auto s = sender();
  EXPECT_TRUE(s.send_once());
  EXPECT_EQ(reply_record().state, "queued");
  EXPECT_EQ(reply_record().error, "status 429");
  // a day later it is still not accepted
  redis_.command("HSET {t}:r:" + id + " submitted_at " + std::to_string(now_ms() - 25LL * 3600 * 1000));
  redis_.command("ZADD {t}:outbox 0 " + id);
  EXPECT_TRUE(s.send_once());
  const ReplyRecord r = reply_record();
  EXPECT_EQ(r.state, "failed");
  EXPECT_EQ(r.error.rfind("gave up after 2 attempts over ", 0), 0u) << r.error;
}

TEST_F(ReplySenderTest, AReplyWhoseSourceIsNotConfiguredFailsNamingIt) {
  submit("gone");
  auto s = sender();
  EXPECT_TRUE(s.send_once());
  const ReplyRecord r = reply_record();
  EXPECT_EQ(r.state, "failed");
  EXPECT_NE(r.error.find("source \"gone\" is not configured"), std::string::npos) << r.error;
}

TEST_F(ReplySenderTest, WorkersStartWakeAndStop) {
  submit();
  auto s = sender();
  s.start();
  s.wake();
  for (int i = 0; i < 200 && fake_.post_count() == 0; ++i) std::this_thread::sleep_for(20ms);
  s.stop();
  EXPECT_EQ(fake_.post_count(), 1u);
  EXPECT_EQ(reply_record().state, "sent");
}

}  // namespace
}  // namespace carewatch
