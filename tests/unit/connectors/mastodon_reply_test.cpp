// Replying on Mastodon against the fake instance: the request (form, Idempotency-Key, prefix,
// visibility), the sent outcome, exactly once through the idempotency key, and every error kind.
#include "tests/unit/connectors/mastodon_reply_fixture.h"

#include <chrono>
#include <map>
#include <string>

#include "mention/common/url.h"

namespace carewatch::mastodon_test {
namespace {

using std::chrono::seconds;
using testing::CustomerPost;
using testing::FakeMastodon;
using testing::FakeMastodonRoute;
using Kind = ReplyOutcome::Kind;

const std::string kText = "So sorry about your bag, Dan. We have asked Lisbon to deliver it today.";

std::map<std::string, std::string> parse_form(const std::string& body) {
  std::map<std::string, std::string> form;
  const auto pairs = parse_query(body);
  EXPECT_TRUE(pairs) << body;
  if (pairs)
    for (const auto& [key, value] : *pairs) form[key] = value;
  return form;
}

TEST_F(MastodonReplyTest, ReplyPostsAStatusInReplyToTheMentionWithTheReplyIdAsIdempotencyKey) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  fake_.server().clear_requests();

  const ReplyOutcome o = c->reply(dan, kText, "r0123456789abcdef");
  ASSERT_EQ(o.kind, Kind::sent) << o.error;
  ASSERT_EQ(fake_.post_count(), 1u);
  const testing::FakeStatus posted = fake_.posts()[0];
  EXPECT_EQ(o.post.id, posted.id);
  EXPECT_EQ(o.post.url, fake_.base_url() + "/@acmeair/" + posted.id);
  EXPECT_EQ(o.post.posted_at, posted.created_at_ms);
  EXPECT_GT(o.post.posted_at, 0);
  EXPECT_TRUE(o.error.empty()) << o.error;

  const auto requests = fake_.requests_to("/api/v1/statuses");
  ASSERT_EQ(requests.size(), 1u);
  const auto& req = requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.headers.at("authorization"), "Bearer " + kToken);
  EXPECT_EQ(req.headers.at("idempotency-key"), "r0123456789abcdef");
  EXPECT_NE(req.headers.at("content-type").find("application/x-www-form-urlencoded"), std::string::npos);
  const auto form = parse_form(req.body);
  EXPECT_EQ(form.at("in_reply_to_id"), "113552000000000620");
  // The author is mentioned, so Mastodon notifies them; their handle is qualified with the host.
  EXPECT_EQ(form.at("status"), "@dan@127.0.0.1 " + kText);
  EXPECT_EQ(form.count("visibility"), 0u);  // a public status: the account's default
  EXPECT_EQ(posted.text, "@dan@127.0.0.1 " + kText);
  EXPECT_EQ(posted.in_reply_to_id, "113552000000000620");
}

TEST_F(MastodonReplyTest, TextThatAlreadyMentionsTheAuthorIsPostedAsWritten) {
  const Mention dan = mention_of(customer_post());
  const Mention kim = mention_of(customer_post("113552000000000630", "kim@mas.example"));
  auto c = connector();
  const auto status_of = [&](const Mention& m, const std::string& text, const std::string& id) {
    EXPECT_EQ(c->reply(m, text, id).kind, Kind::sent);
    return parse_form(fake_.requests_to("/api/v1/statuses").back().body).at("status");
  };
  EXPECT_EQ(status_of(dan, "@dan your bag is on its way & arrives at 18:00", "r1"),
            "@dan your bag is on its way & arrives at 18:00");
  EXPECT_EQ(status_of(dan, "Hi @DAN@127.0.0.1, it arrives at 18:00", "r2"), "Hi @DAN@127.0.0.1, it arrives at 18:00");
  // "@daniel" is someone else.
  EXPECT_EQ(status_of(dan, "cc @daniel: please check", "r3"), "@dan@127.0.0.1 cc @daniel: please check");
  // A remote author: "@kim" would name kim of this instance, not kim@mas.example.
  EXPECT_EQ(status_of(kim, "@kim@mas.example refunded", "r4"), "@kim@mas.example refunded");
  EXPECT_EQ(status_of(kim, "@kim refunded", "r5"), "@kim@mas.example @kim refunded");
}

TEST_F(MastodonReplyTest, AReplyIsAsPrivateAsThePostItAnswers) {
  auto c = connector();
  const std::map<std::string, std::string> ids = {
      {"direct", "113552000000000641"}, {"private", "113552000000000642"}, {"unlisted", "113552000000000643"}};
  for (const auto& [visibility, id] : ids) {
    const Mention m = mention_of(customer_post(id, "kim@mas.example", visibility));
    const ReplyOutcome o = c->reply(m, "We have refunded Q7XK2P.", "r-" + visibility);
    ASSERT_EQ(o.kind, Kind::sent) << o.error;
    const auto form = parse_form(fake_.requests_to("/api/v1/statuses").back().body);
    EXPECT_EQ(form.at("visibility"), visibility);
    EXPECT_EQ(form.at("status"), "@kim@mas.example We have refunded Q7XK2P.");
    EXPECT_EQ(form.at("in_reply_to_id"), id);
    EXPECT_EQ(fake_.posts().back().visibility, visibility);
  }
}

TEST_F(MastodonReplyTest, TheSameReplyIdPostsOnce) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  const ReplyOutcome first = c->reply(dan, kText, "r1");
  const ReplyOutcome again = c->reply(dan, kText, "r1");
  ASSERT_EQ(first.kind, Kind::sent) << first.error;
  ASSERT_EQ(again.kind, Kind::sent) << again.error;
  EXPECT_EQ(again.post.id, first.post.id);
  EXPECT_EQ(again.post.url, first.post.url);
  EXPECT_EQ(again.post.posted_at, first.post.posted_at);
  EXPECT_EQ(fake_.post_count(), 1u);
  EXPECT_EQ(fake_.requests_to("/api/v1/statuses").size(), 2u);

  // Another reply is another post.
  EXPECT_EQ(c->reply(dan, kText, "r2").kind, Kind::sent);
  EXPECT_EQ(fake_.post_count(), 2u);
}

TEST_F(MastodonReplyTest, AnAnswerLostAfterThePostIsSettledByTheSameKey) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  // The instance made the post, but a proxy answered 504.
  fake_.fail_next_posts(1, FakeMastodon::error_answer(504, "Gateway Timeout"), true);
  const ReplyOutcome lost = c->reply(dan, kText, "r1");
  EXPECT_EQ(lost.kind, Kind::retry);
  ASSERT_EQ(fake_.post_count(), 1u);

  const ReplyOutcome retried = c->reply(dan, kText, "r1");
  ASSERT_EQ(retried.kind, Kind::sent) << retried.error;
  EXPECT_EQ(retried.post.id, fake_.posts()[0].id);
  EXPECT_EQ(fake_.post_count(), 1u);
}

TEST_F(MastodonReplyTest, A503IsRetriedAfterItsRetryAfter) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  fake_.fail_next_posts(1, FakeMastodon::error_answer(503, "Service Unavailable", {{"Retry-After", "30"}}));
  const ReplyOutcome o = c->reply(dan, kText, "r1");
  EXPECT_EQ(o.kind, Kind::retry);
  ASSERT_TRUE(o.retry_after);
  EXPECT_EQ(*o.retry_after, seconds(30));
  EXPECT_EQ(o.error, "POST " + fake_.base_url() + "/api/v1/statuses: 503 Service Unavailable: Service Unavailable");
  EXPECT_EQ(fake_.post_count(), 0u);
  expect_no_token(o.error);

  EXPECT_EQ(c->reply(dan, kText, "r1").kind, Kind::sent);
  EXPECT_EQ(fake_.post_count(), 1u);
}

TEST_F(MastodonReplyTest, A429IsRetriedWhenTheRateLimitResets) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  const std::string reset = format_iso8601(now_ms() + 120'000);
  fake_.fail_next_posts(1, FakeMastodon::error_answer(429, "Too many requests",
                                                      {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", reset}}));
  const ReplyOutcome o = c->reply(dan, kText, "r1");
  EXPECT_EQ(o.kind, Kind::retry);
  ASSERT_TRUE(o.retry_after);
  EXPECT_GT(*o.retry_after, seconds(100));
  EXPECT_LE(*o.retry_after, seconds(120));
  EXPECT_NE(o.error.find("429 Too Many Requests: Too many requests"), std::string::npos) << o.error;
  EXPECT_EQ(fake_.post_count(), 0u);
}

TEST_F(MastodonReplyTest, A422IsPermanentAndNamesMastodonsError) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  fake_.fail_next_posts(1, FakeMastodon::error_answer(422, "Validation failed: Text character limit of 500 exceeded"));
  const ReplyOutcome o = c->reply(dan, kText, "r1");
  EXPECT_EQ(o.kind, Kind::permanent);
  EXPECT_EQ(o.error, "POST " + fake_.base_url() +
                         "/api/v1/statuses: 422 Unprocessable Content: Validation failed: Text character limit of "
                         "500 exceeded");
  EXPECT_FALSE(o.retry_after);
  EXPECT_EQ(fake_.post_count(), 0u);
}

TEST_F(MastodonReplyTest, ADeletedPostIsPermanent) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  fake_.fail_next_posts(1, FakeMastodon::error_answer(404, "Record not found"));
  const ReplyOutcome o = c->reply(dan, kText, "r1");
  EXPECT_EQ(o.kind, Kind::permanent);
  EXPECT_EQ(o.error, "POST " + fake_.base_url() + "/api/v1/statuses: 404 Not Found: Record not found");
}

TEST_F(MastodonReplyTest, ARevokedTokenIsPermanentAndTheTokenIsNeverShown) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  fake_.set_token("another-token");
  const ReplyOutcome o = c->reply(dan, kText, "r1");
  EXPECT_EQ(o.kind, Kind::permanent);
  EXPECT_EQ(o.error, "POST " + fake_.base_url() +
                         "/api/v1/statuses: 401 Unauthorized (check the access token and its scopes): The access "
                         "token is invalid");
  expect_no_token(o.error);
  EXPECT_EQ(fake_.post_count(), 0u);
}

TEST_F(MastodonReplyTest, AnErrorBodyEchoingTheTokenIsRedacted) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  fake_.fail_next_posts(1, FakeMastodon::error_answer(403, "token " + kToken + " lacks write:statuses"));
  const ReplyOutcome o = c->reply(dan, kText, "r1");
  EXPECT_EQ(o.kind, Kind::permanent);
  expect_no_token(o.error);
  EXPECT_NE(o.error.find("403 Forbidden"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("lacks write:statuses"), std::string::npos) << o.error;
}

TEST_F(MastodonReplyTest, ATransportErrorIsRetried) {
  const Mention dan = mention_of(customer_post());
  std::string dead_instance;
  {
    testing::FakeHttpServer gone;
    dead_instance = gone.base_url();
  }  // nothing listens there any more
  std::string error;
  auto c = build(R"({"instance": ")" + dead_instance + R"(", "access_token": ")" + kToken +
                     R"(", "notifications": true, "timeout": "5s"})",
                 error);
  ASSERT_TRUE(c) << error;
  const ReplyOutcome o = c->reply(dan, kText, "r1");
  EXPECT_EQ(o.kind, Kind::retry);
  EXPECT_NE(o.error.find("POST " + dead_instance + "/api/v1/statuses: "), std::string::npos) << o.error;
  EXPECT_FALSE(o.retry_after);
  expect_no_token(o.error);
}

TEST_F(MastodonReplyTest, AnAnswerThatIsNotAStatusIsRetried) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  fake_.fail_next_posts(1, {200, {{"Content-Type", "text/html"}}, "<html><body>Maintenance</body></html>"});
  fake_.fail_next_posts(1, {200, {}, R"({"error": null})"});
  ReplyOutcome o = c->reply(dan, kText, "r1");
  EXPECT_EQ(o.kind, Kind::retry);
  EXPECT_EQ(o.error, "POST " + fake_.base_url() + "/api/v1/statuses: 200 OK with an HTML page (expected a JSON status with an \"id\")");
  o = c->reply(dan, kText, "r1");
  EXPECT_EQ(o.kind, Kind::retry);
  EXPECT_EQ(o.error, "POST " + fake_.base_url() +
                         "/api/v1/statuses: 200 OK with a body that is not a status (expected a JSON status with an \"id\")");
  EXPECT_EQ(c->reply(dan, kText, "r1").kind, Kind::sent);
  EXPECT_EQ(fake_.post_count(), 1u);
}

TEST_F(MastodonReplyTest, WithoutATokenThereIsNoReply) {
  const Mention dan = mention_of(customer_post());
  auto c = connector_without_token();
  const ReplyRules rules = c->reply_rules();
  EXPECT_FALSE(rules.can_reply);
  EXPECT_FALSE(rules.can_reconcile);
  const ReplyOutcome o = c->reply(dan, kText, "r1");
  EXPECT_EQ(o.kind, Kind::cannot_reply);
  EXPECT_EQ(o.error, "options.access_token: required to reply on Mastodon");
  const ReplySearch s = c->find_reply(dan, kText, "r1");
  EXPECT_EQ(s.kind, ReplySearch::Kind::unknown);
  EXPECT_EQ(s.error, "options.access_token: required to reply on Mastodon");
  EXPECT_TRUE(fake_.requests_to("/api/v1/statuses").empty());
}

TEST_F(MastodonReplyTest, OnlyAMastodonStatusCanBeAnswered) {
  auto c = connector();
  Mention other;
  other.platform = "x";
  other.native_id = "1861000000000000001";
  other.uid = "x:1861000000000000001";
  ReplyOutcome o = c->reply(other, kText, "r1");
  EXPECT_EQ(o.kind, Kind::cannot_reply);
  EXPECT_EQ(o.error, "mastodon: \"x:1861000000000000001\" is not a Mastodon status");
  Mention bad_id = other;
  bad_id.platform = "mastodon";
  bad_id.native_id = "12/../34";
  bad_id.uid = "mastodon:12/../34";
  o = c->reply(bad_id, kText, "r1");
  EXPECT_EQ(o.kind, Kind::cannot_reply);
  EXPECT_EQ(fake_.post_count(), 0u);
}

TEST_F(MastodonReplyTest, AReplyIdThatCannotBeAnIdempotencyKeyIsRefused) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  for (const std::string id : {"", "r 1", "r1\r\nX-Evil: 1"}) {
    const ReplyOutcome o = c->reply(dan, kText, id);
    EXPECT_EQ(o.kind, Kind::permanent) << id;
    EXPECT_NE(o.error.find("Idempotency-Key"), std::string::npos) << o.error;
  }
  EXPECT_EQ(fake_.post_count(), 0u);
}

TEST_F(MastodonReplyTest, TheRulesNameTheLimitTheKeyWindowAndTheReconciliation) {
  ReplyRules rules = connector()->reply_rules();
  EXPECT_TRUE(rules.can_reply);
  EXPECT_EQ(rules.max_length, 500u);
  EXPECT_EQ(rules.length_unit, "characters");
  EXPECT_EQ(rules.idempotency_window, std::chrono::hours(1));
  EXPECT_TRUE(rules.can_reconcile);
  rules = connector(R"(, "max_characters": 5000)")->reply_rules();
  EXPECT_EQ(rules.max_length, 5000u);
}

}  // namespace
}  // namespace carewatch::mastodon_test
