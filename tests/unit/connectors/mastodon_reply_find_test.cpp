// find_reply on Mastodon: reconciling a reply whose Idempotency-Key has expired, by the brand's
// status in reply to the mention with the same text, against the fake instance.
#include "tests/unit/connectors/mastodon_reply_fixture.h"

#include <string>

namespace carewatch::mastodon_test {
namespace {

using testing::FakeMastodon;
using testing::FakeMastodonRoute;
using Kind = ReplySearch::Kind;

const std::string kText = "So sorry about your bag, Dan. We have asked Lisbon to deliver it today.";

TEST_F(MastodonReplyTest, FindReplyFindsTheReplyPostedAfterTheKeyExpired) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  const ReplyOutcome sent = c->reply(dan, kText, "r1");
  ASSERT_EQ(sent.kind, ReplyOutcome::Kind::sent) << sent.error;
  fake_.forget_idempotency_keys();  // an hour later

  const ReplySearch s = c->find_reply(dan, kText, "r1");
  ASSERT_EQ(s.kind, Kind::found) << s.error;
  EXPECT_EQ(s.post.id, sent.post.id);
  EXPECT_EQ(s.post.url, sent.post.url);
  EXPECT_EQ(s.post.posted_at, sent.post.posted_at);
  EXPECT_TRUE(s.error.empty());
  const auto context = fake_.requests_to("/api/v1/statuses/113552000000000620/context");
  ASSERT_EQ(context.size(), 1u);
  EXPECT_EQ(context[0].headers.at("authorization"), "Bearer " + kToken);

  // The brand account is asked for once.
  EXPECT_EQ(c->find_reply(dan, kText, "r1").kind, Kind::found);
  EXPECT_EQ(fake_.requests_to("/api/v1/accounts/verify_credentials").size(), 1u);
  EXPECT_EQ(fake_.post_count(), 1u);
}

TEST_F(MastodonReplyTest, FindReplyComparesTheTextMastodonShows) {
  // A remote author (the posted "@kim@mas.example" shows as "@kim"), a link Mastodon shortens on
  // display, a line break, a blank line and characters HTML escapes.
  const Mention kim = mention_of(customer_post("113552000000000630", "kim@mas.example", "direct"));
  const std::string text =
      "Thanks for waiting!\nSee https://status.acmeair.example/incidents/2026-11-22/lisbon-baggage\n\nRefund & "
      "voucher <sent>, \"today\".";
  auto c = connector();
  const ReplyOutcome sent = c->reply(kim, text, "r1");
  ASSERT_EQ(sent.kind, ReplyOutcome::Kind::sent) << sent.error;
  const std::string content = fake_.posts()[0].json;
  ASSERT_NE(content.find("class=\\\"ellipsis\\\""), std::string::npos) << content;  // the real shape
  const ReplySearch s = c->find_reply(kim, text, "r1");
  ASSERT_EQ(s.kind, Kind::found) << s.error;
  EXPECT_EQ(s.post.id, sent.post.id);
}

TEST_F(MastodonReplyTest, FindReplyTakesAReplyTheBrandMadeOnThePlatform) {
  const Mention dan = mention_of(customer_post());
  const testing::FakeStatus native = fake_.add_reply("113552000000000620", "@dan " + kText);
  const ReplySearch s = connector()->find_reply(dan, "@dan   " + kText, "r1");
  ASSERT_EQ(s.kind, Kind::found) << s.error;
  EXPECT_EQ(s.post.id, native.id);
  EXPECT_EQ(s.post.url, native.url);
}

TEST_F(MastodonReplyTest, FindReplyTakesTheFirstOfTwoEqualReplies) {
  const Mention dan = mention_of(customer_post());
  const testing::FakeStatus first = fake_.add_reply("113552000000000620", "@dan " + kText);
  fake_.add_reply("113552000000000620", "@dan " + kText);
  const ReplySearch s = connector()->find_reply(dan, kText, "r1");
  ASSERT_EQ(s.kind, Kind::found) << s.error;
  EXPECT_EQ(s.post.id, first.id);
}

TEST_F(MastodonReplyTest, FindReplyIgnoresOtherAccountsOtherTextsAndOtherPosts) {
  const Mention dan = mention_of(customer_post());
  const Mention other = mention_of(customer_post("113552000000000650", "eve"));
  auto c = connector();
  EXPECT_EQ(c->find_reply(dan, kText, "r1").kind, Kind::not_found);  // no replies at all

  fake_.add_reply("113552000000000620", "@dan " + kText, false);         // someone else's
  fake_.add_reply("113552000000000620", "@dan " + kText + " Sorry!");    // another text
  fake_.add_reply("113552000000000620", "@dan So sorry about your bag");  // a part of it
  fake_.add_reply("113552000000000650", "@dan " + kText);                // to another post
  EXPECT_EQ(c->reply(other, kText, "r-other").kind, ReplyOutcome::Kind::sent);
  // A reply to the brand's reply is a descendant too, but not in reply to the mention.
  const testing::FakeStatus own = fake_.add_reply("113552000000000620", "@dan We are on it");
  fake_.add_reply(own.id, "@dan " + kText);

  const ReplySearch s = c->find_reply(dan, kText, "r1");
  EXPECT_EQ(s.kind, Kind::not_found) << s.error;
  EXPECT_TRUE(s.error.empty());
}

TEST_F(MastodonReplyTest, FindReplyIsUnknownWhenItCannotLook) {
  const Mention dan = mention_of(customer_post());
  auto c = connector();
  const std::string base = fake_.base_url();

  fake_.fail_next(FakeMastodonRoute::verify_credentials, 1, FakeMastodon::error_answer(401, "The access token is invalid"));
  ReplySearch s = c->find_reply(dan, kText, "r1");
  EXPECT_EQ(s.kind, Kind::unknown);
  EXPECT_EQ(s.error, "GET " + base +
                         "/api/v1/accounts/verify_credentials: 401 Unauthorized (check the access token and its "
                         "scopes): The access token is invalid");

  fake_.fail_next(FakeMastodonRoute::verify_credentials, 1, {200, {}, R"({"id": 1})"});
  // The account id is cached from the first good answer; none came yet.
  s = c->find_reply(dan, kText, "r1");
  EXPECT_EQ(s.kind, Kind::unknown);
  EXPECT_EQ(s.error, "GET " + base + "/api/v1/accounts/verify_credentials: id: expected an account id, got a number");

  fake_.fail_next(FakeMastodonRoute::context, 1,
                  FakeMastodon::error_answer(503, "Service Unavailable", {{"Retry-After", "10"}}));
  s = c->find_reply(dan, kText, "r1");
  EXPECT_EQ(s.kind, Kind::unknown);
  EXPECT_EQ(s.error,
            "GET " + base + "/api/v1/statuses/113552000000000620/context: 503 Service Unavailable: Service Unavailable");

  fake_.fail_next(FakeMastodonRoute::context, 1, {200, {}, R"({"ancestors": [], "descendants": [)"});
  s = c->find_reply(dan, kText, "r1");
  EXPECT_EQ(s.kind, Kind::unknown);
  EXPECT_NE(s.error.find("/context: 200 OK: invalid JSON at offset"), std::string::npos) << s.error;

  fake_.fail_next(FakeMastodonRoute::context, 1, {200, {}, R"({"ancestors": []})"});
  s = c->find_reply(dan, kText, "r1");
  EXPECT_EQ(s.kind, Kind::unknown);
  EXPECT_EQ(s.error, "GET " + base + "/api/v1/statuses/113552000000000620/context: descendants: expected an array, got nothing");

  // A deleted post: its context is gone, so no reply to it exists (posting one fails with the
  // same 404: nothing can be posted twice).
  Mention gone = dan;
  gone.native_id = "113552000000000999";
  gone.uid = "mastodon:113552000000000999";
  s = c->find_reply(gone, kText, "r1");
  EXPECT_EQ(s.kind, Kind::not_found);
  EXPECT_NE(s.error.find("/api/v1/statuses/113552000000000999/context: 404 Not Found"), std::string::npos) << s.error;
  expect_no_token(s.error);

  EXPECT_EQ(c->find_reply(dan, kText, "r1").kind, Kind::not_found);
}

}  // namespace
}  // namespace carewatch::mastodon_test
