// The fake Mastodon instance (tests/support/fake_mastodon.h) that the reply tests and the daemon
// tests use: its notifications page as Mastodon pages them, its post hook runs between recording a
// post and answering, its token and context shapes are Mastodon's.
#include "tests/unit/connectors/mastodon_reply_fixture.h"

#include <rapidjson/document.h>

#include <atomic>
#include <string>
#include <vector>

#include "connectors/http/http_client.h"

namespace carewatch::mastodon_test {
namespace {

using testing::FakeMastodon;
using testing::FakeMastodonRoute;

HttpResponse get(const std::string& url, const std::string& token = kToken) {
  HttpRequest req;
  req.url = url;
  req.headers.emplace_back("Authorization", "Bearer " + token);
  return make_cpprest_http_client()->send(req);
}

std::vector<std::string> ids_of(const Batch& b) {
  std::vector<std::string> ids;
  for (const auto& m : b.mentions) ids.push_back(m.native_id);
  return ids;
}

TEST_F(MastodonReplyTest, FakeServesMentionsNewerThanTheCursorOnly) {
  fake_.add_mention(customer_post("113552000000000610", "kim@mas.example", "direct"));
  fake_.add_mention(customer_post("113552000000000620"));
  auto c = connector();
  PollResult r = c->poll("");
  ASSERT_TRUE(r.batch) << r.error->message;
  EXPECT_EQ(ids_of(*r.batch), (std::vector<std::string>{"113552000000000610", "113552000000000620"}));
  EXPECT_EQ(r.batch->mentions[0].author.handle, "kim@mas.example");
  EXPECT_EQ(r.batch->mentions[0].text, "@acmeair my bag did not arrive in Lisbon");
  EXPECT_EQ(r.batch->mentions[1].author.handle, "dan@127.0.0.1");
  EXPECT_TRUE(r.batch->warnings.empty());
  const std::string cursor = r.batch->next_cursor;

  r = c->poll(cursor);
  ASSERT_TRUE(r.batch);
  EXPECT_TRUE(r.batch->mentions.empty());
  EXPECT_EQ(fake_.requests_to("/api/v1/notifications").back().query.at("min_id"), "48620");

  fake_.add_mention(customer_post("113552000000000630", "eve"));
  r = c->poll(cursor);
  ASSERT_TRUE(r.batch);
  EXPECT_EQ(ids_of(*r.batch), std::vector<std::string>{"113552000000000630"});
}

TEST_F(MastodonReplyTest, FakeCallsThePostHookAfterRecordingAndBeforeAnswering) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  std::atomic<bool> answered{false};
  std::atomic<int> calls{0};
  std::atomic<size_t> posts_seen{0};
  std::string key_seen;
  fake_.on_post([&](const testing::FakeRequest& req, const testing::FakeStatus& status) {
    ++calls;
    posts_seen = fake_.post_count();
    key_seen = req.headers.at("idempotency-key") + "=" + status.idempotency_key;
    EXPECT_FALSE(answered.load());
  });
  EXPECT_EQ(c->reply(dan, "hello", "r1").kind, ReplyOutcome::Kind::sent);
  answered = true;
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(posts_seen.load(), 1u);
  EXPECT_EQ(key_seen, "r1=r1");
  // A repeated key posts nothing: no hook.
  EXPECT_EQ(c->reply(dan, "hello", "r1").kind, ReplyOutcome::Kind::sent);
  EXPECT_EQ(calls.load(), 1);
  // A forgotten key posts again.
  fake_.forget_idempotency_keys();
  answered = false;
  EXPECT_EQ(c->reply(dan, "hello", "r1").kind, ReplyOutcome::Kind::sent);
  answered = true;
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(fake_.post_count(), 2u);
}

TEST_F(MastodonReplyTest, FakeNeedsTheTokenAndScriptsFailuresInOrder) {
  EXPECT_EQ(get(fake_.base_url() + "/api/v1/accounts/verify_credentials", "wrong").status, 401);
  fake_.fail_next(FakeMastodonRoute::verify_credentials, 2, FakeMastodon::error_answer(502, "Bad Gateway"));
  EXPECT_EQ(get(fake_.base_url() + "/api/v1/accounts/verify_credentials").status, 502);
  EXPECT_EQ(get(fake_.base_url() + "/api/v1/accounts/verify_credentials").status, 502);
  const HttpResponse ok = get(fake_.base_url() + "/api/v1/accounts/verify_credentials");
  ASSERT_EQ(ok.status, 200);
  rapidjson::Document d;
  d.Parse(ok.body.c_str());
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["id"].GetString(), testing::kFakeBrandAccountId);
  EXPECT_STREQ(d["acct"].GetString(), "acmeair");
  EXPECT_TRUE(d["source"].IsObject());
}

TEST_F(MastodonReplyTest, FakeContextHasAncestorsAndNestedDescendants) {
  fake_.add_mention(customer_post("113552000000000620"));
  const testing::FakeStatus first = fake_.add_reply("113552000000000620", "@dan one");
  const testing::FakeStatus nested = fake_.add_reply(first.id, "@dan two", false);
  const testing::FakeStatus second = fake_.add_reply("113552000000000620", "@dan three");

  HttpResponse r = get(fake_.base_url() + "/api/v1/statuses/113552000000000620/context");
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_TRUE(d.IsObject()) << r.body;
  EXPECT_EQ(d["ancestors"].Size(), 0u);
  ASSERT_EQ(d["descendants"].Size(), 3u);
  EXPECT_EQ(std::string(d["descendants"][0]["id"].GetString()), first.id);
  EXPECT_EQ(std::string(d["descendants"][1]["id"].GetString()), nested.id);
  EXPECT_EQ(std::string(d["descendants"][2]["id"].GetString()), second.id);
  // The reply to the brand's reply names the brand's account as the one it answers.
  EXPECT_STREQ(d["descendants"][1]["in_reply_to_account_id"].GetString(), testing::kFakeBrandAccountId);
  EXPECT_STREQ(d["descendants"][1]["account"]["acct"].GetString(), "carol");

  r = get(fake_.base_url() + "/api/v1/statuses/" + nested.id + "/context");
  d.Parse(r.body.c_str());
  ASSERT_TRUE(d.IsObject()) << r.body;
  ASSERT_EQ(d["ancestors"].Size(), 2u);
  EXPECT_STREQ(d["ancestors"][0]["id"].GetString(), "113552000000000620");
  EXPECT_EQ(std::string(d["ancestors"][1]["id"].GetString()), first.id);

  r = get(fake_.base_url() + "/api/v1/statuses/" + second.id);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(get(fake_.base_url() + "/api/v1/statuses/1/context").status, 404);
}

}  // namespace
}  // namespace carewatch::mastodon_test
