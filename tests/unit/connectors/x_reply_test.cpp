// Replies on a fake X (tests/support/fake_x.h): POST /2/tweets {"text", "reply":
// {"in_reply_to_tweet_id"}} signed with OAuth 1.0a (the fake checks the signature with its four
// credentials) answering 201 {"data": {"id", "text", "edit_history_tweet_ids"}}, X's 403
// "duplicate content" and 429/5xx; reconciliation through GET /2/users/:id/tweets (the brand's
// posts, a reply's text with the customer's @handle in front, as X shows it).
#include <chrono>
#include <string>

#include "connectors/x/cursor.h"
#include "tests/unit/connectors/x_test_fixture.h"

namespace carewatch::x_test {
namespace {

using std::chrono::milliseconds;
using testing::FakeX;
using testing::FakeXRoute;
using testing::kFakeXBrandId;

class XReplyTest : public XTest {
 protected:
  std::string reply_options(const std::string& consumer_secret = testing::kFakeXConsumerSecret) const {
    return R"("user_id": ")" + std::string(kFakeXBrandId) + R"(", "max_posts_per_day": 1000, "consumer_key": ")" +
           testing::kFakeXConsumerKey + R"(", "consumer_secret": ")" + consumer_secret +
           R"(", "access_token": ")" + testing::kFakeXAccessToken + R"(", "access_token_secret": ")" +
           testing::kFakeXAccessTokenSecret + R"(")";
  }

  // A customer's mention, fetched through a poll as the daemon would.
  Mention mention(Connector& c, const std::string& text = "@AcmeAir my bag is lost") {
    testing::XPost p;
    p.author_id = kCustomerId;
    p.text = text;
    const std::string id = x_.add_post(p);
    const Batch b = ok(c, cursor_);
    cursor_ = b.next_cursor;
    for (const auto& m : b.mentions)
      if (m.native_id == id) return m;
    ADD_FAILURE() << "the mention was not polled";
    return Mention{};
  }

  std::string cursor_;
};

const std::string kText = "Sorry, Dana: please DM us your booking reference and we will trace the bag.";

TEST_F(XReplyTest, TheRules) {
  auto c = make(reply_options());
  const ReplyRules r = c->reply_rules();
  EXPECT_TRUE(r.can_reply);
  EXPECT_EQ(r.max_length, 280u);
  EXPECT_EQ(r.length_unit, "weighted characters");
  EXPECT_EQ(r.idempotency_window, milliseconds(0));
  EXPECT_TRUE(r.can_reconcile);
  auto reader = make_mentions();
  EXPECT_FALSE(reader->reply_rules().can_reply);
}

TEST_F(XReplyTest, CheckReplyCountsTheWayXDoes) {
  auto c = make(reply_options());
  const Mention m = mention(*c);
  EXPECT_FALSE(c->check_reply(m, kText));
  EXPECT_EQ(c->check_reply(m, " \n\t")->rule, "empty");
  EXPECT_FALSE(c->check_reply(m, std::string(280, 'a')));
  const auto too_long = c->check_reply(m, std::string(281, 'a'));
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->rule, "max_length");
  EXPECT_NE(too_long->message.find("281 weighted characters"), std::string::npos) << too_long->message;
  std::string cjk;
  for (int i = 0; i < 141; ++i) cjk += "\xE4\xBD\xA0";
  EXPECT_EQ(c->check_reply(m, cjk)->rule, "max_length");  // 141 characters, 282 weighted
  // A long link counts 23.
  EXPECT_FALSE(c->check_reply(m, std::string(250, 'a') + " https://acme.example/" + std::string(300, 'p')));

  Mention other = m;
  other.platform = "mastodon";
  other.uid = "mastodon:1";
  EXPECT_EQ(c->check_reply(other, kText)->rule, "cannot_reply");
  auto reader = make_mentions();
  const auto no = reader->check_reply(m, kText);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->rule, "cannot_reply");
  EXPECT_NE(no->message.find("options.consumer_key"), std::string::npos) << no->message;
}

TEST_F(XReplyTest, AReplyIsPostedSignedWithOAuth1) {
  auto c = make(reply_options());
  const Mention m = mention(*c);
  x_.clear_requests();
  const ReplyOutcome o = c->reply(m, kText, "r0123");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  const auto made = x_.posts_made();
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].text, kText);
  EXPECT_EQ(made[0].in_reply_to, m.native_id);
  EXPECT_EQ(o.post.id, made[0].id);
  EXPECT_EQ(o.post.url, "https://x.com/i/web/status/" + made[0].id);
  EXPECT_NEAR(static_cast<double>(o.post.posted_at), static_cast<double>(now_ms()), 5000.0);
  const auto requests = x_.requests_to("/2/tweets");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.at("authorization").rfind("OAuth oauth_consumer_key=\"acme-consumer-key\"", 0), 0u);
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(requests[0].body, R"({"text":")" + kText + R"(","reply":{"in_reply_to_tweet_id":")" + m.native_id + "\"}}");
}

TEST_F(XReplyTest, AWrongSecretIsPermanentAndNamesTheOptionsNeverTheSecret) {
  auto c = make(reply_options("Wrong-Consumer-Secret"));
  const Mention m = mention(*c);
  const ReplyOutcome o = c->reply(m, kText, "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("401"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("options.consumer_key"), std::string::npos) << o.error;
  EXPECT_EQ(o.error.find("Wrong-Consumer-Secret"), std::string::npos) << o.error;
  EXPECT_TRUE(x_.posts_made().empty());
}

TEST_F(XReplyTest, TooManyRequestsAndServerErrors) {
  auto c = make(reply_options());
  const Mention m = mention(*c);
  x_.fail_next(FakeXRoute::post, 1,
               FakeX::problem(429, "Too Many Requests", "Too Many Requests",
                              {{"x-rate-limit-remaining", "0"},
                               {"x-rate-limit-reset", std::to_string(now_ms() / 1000 + 60)}}));
  ReplyOutcome o = c->reply(m, kText, "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_FALSE(o.may_have_posted);
  ASSERT_TRUE(o.retry_after);
  EXPECT_GT(*o.retry_after, milliseconds(50'000));

  // The account's daily cap of posts is spent: wait for its reset, hours away.
  x_.fail_next(FakeXRoute::post, 1,
               FakeX::problem(429, "Too Many Requests", "Too Many Requests",
                              {{"x-rate-limit-remaining", "99"},
                               {"x-rate-limit-reset", std::to_string(now_ms() / 1000 + 900)},
                               {"x-user-limit-24hour-limit", "100"},
                               {"x-user-limit-24hour-remaining", "0"},
                               {"x-user-limit-24hour-reset", std::to_string(now_ms() / 1000 + 5 * 3600)}}));
  o = c->reply(m, kText, "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_FALSE(o.may_have_posted);
  ASSERT_TRUE(o.retry_after);
  EXPECT_GT(*o.retry_after, std::chrono::hours(4));
  EXPECT_NE(o.error.find("daily cap of posts for the account"), std::string::npos) << o.error;

  x_.fail_next(FakeXRoute::post, 1, FakeX::problem(503, "Service Unavailable", "Service Unavailable"));
  o = c->reply(m, kText, "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_TRUE(o.may_have_posted);
  EXPECT_TRUE(x_.posts_made().empty());
}

TEST_F(XReplyTest, ARepliedToPostThatIsGoneIsPermanent) {
  auto c = make(reply_options());
  Mention m = mention(*c);
  m.native_id = "1864700000000000001";  // not on the fake: deleted
  const ReplyOutcome o = c->reply(m, kText, "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("deleted or not visible"), std::string::npos) << o.error;
}

// The crash case: X made the post but its answer was lost (a 504 from a proxy, or carewatch died
// before recording it). X has no idempotency key: find_reply finds the post, and posting again is
// settled by X's "duplicate content" without a second post.
TEST_F(XReplyTest, APostWhoseAnswerWasLostIsFoundNotPostedTwice) {
  auto c = make(reply_options());
  const Mention m = mention(*c);
  x_.fail_next(FakeXRoute::post, 1, FakeX::problem(504, "Gateway Timeout", "upstream timed out"), true);
  const ReplyOutcome lost = c->reply(m, kText, "r1");
  EXPECT_EQ(lost.kind, ReplyOutcome::Kind::retry);
  EXPECT_TRUE(lost.may_have_posted);
  ASSERT_EQ(x_.posts_made().size(), 1u);
  const std::string made = x_.posts_made()[0].id;

  // The worker settles it with find_reply: X shows the text with "@dana_flies " in front.
  x_.clear_requests();
  const ReplySearch found = c->find_reply(m, kText, "r1");
  ASSERT_EQ(found.kind, ReplySearch::Kind::found) << found.error;
  EXPECT_EQ(found.post.id, made);
  EXPECT_EQ(found.post.url, "https://x.com/i/web/status/" + made);
  const auto reads = x_.requests_to(std::string("/2/users/") + kFakeXBrandId + "/tweets");
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].query.at("since_id"), m.native_id);
  EXPECT_EQ(reads[0].headers.at("authorization"), std::string("Bearer ") + testing::kFakeXBearer);

  // A worker that posts again anyway: X refuses the duplicate, and the reply is settled as sent.
  const ReplyOutcome again = c->reply(m, kText, "r1");
  ASSERT_EQ(again.kind, ReplyOutcome::Kind::sent) << again.error;
  EXPECT_EQ(again.post.id, made);
  EXPECT_EQ(x_.posts_made().size(), 1u);

  // What find_reply read is counted in the next poll's usage (X bills it).
  SourceUsage usage;
  ok(*c, cursor_, &usage);
  EXPECT_GE(usage.posts_read, 2u);
}

TEST_F(XReplyTest, FindReplyTakesOnlyTheBrandsReplyToThisPostWithThisText) {
  auto c = make(reply_options());
  const Mention m = mention(*c);
  const Mention other = mention(*c, "@AcmeAir another question");
  x_.add_brand_post("@dana_flies Something else entirely.", m.native_id);
  x_.add_brand_post("@dana_flies " + kText + " ", other.native_id);  // the same text, to another post
  ReplySearch s = c->find_reply(m, kText, "r1");
  EXPECT_EQ(s.kind, ReplySearch::Kind::not_found) << s.error;

  // Links come back shortened to t.co: still the same reply.
  const std::string with_link = "Sorry! Our refund form: https://acme.example/help/refunds/form?lang=en";
  const std::string id = x_.add_brand_post("@dana_flies Sorry! Our refund form: https://t.co/r3fUnD9x", m.native_id);
  s = c->find_reply(m, with_link, "r1");
  ASSERT_EQ(s.kind, ReplySearch::Kind::found) << s.error;
  EXPECT_EQ(s.post.id, id);

  // X cannot be asked: unknown.
  x_.fail_next(FakeXRoute::user_tweets, 1, FakeX::problem(503, "Service Unavailable", "Service Unavailable"));
  s = c->find_reply(m, kText, "r1");
  EXPECT_EQ(s.kind, ReplySearch::Kind::unknown);
  EXPECT_NE(s.error.find("503"), std::string::npos) << s.error;
}

TEST_F(XReplyTest, FindReplyKeepsToTheBudget) {
  const std::string options = reply_options();
  auto c = make(options.substr(0, options.find("\"max_posts_per_day\"")) + R"("max_posts_per_day": 12, )" +
                options.substr(options.find("\"consumer_key\"")));
  const Mention m = mention(*c);  // 1 post read: 11 left
  x_.clear_requests();
  EXPECT_EQ(c->find_reply(m, kText, "r1").kind, ReplySearch::Kind::not_found);
  const auto reads = x_.requests_to(std::string("/2/users/") + kFakeXBrandId + "/tweets");
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].query.at("max_results"), "11");
}

TEST_F(XReplyTest, ADuplicateOfAnotherPostIsPermanent) {
  auto c = make(reply_options());
  const Mention m = mention(*c);
  const Mention other = mention(*c, "@AcmeAir me too");
  ASSERT_EQ(c->reply(other, kText, "r1").kind, ReplyOutcome::Kind::sent);
  const ReplyOutcome o = c->reply(m, kText, "r2");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("duplicate content"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("vary the text"), std::string::npos) << o.error;
  EXPECT_EQ(x_.posts_made().size(), 1u);
}

// X's own answer shapes (tests/fixtures/x/): 201 {"data": {"id", "text", "edit_history_tweet_ids"}}
// and the 403 {"detail": "You are not allowed to create a Tweet with duplicate content.", ...}.
TEST_F(XReplyTest, XsAnswerShapes) {
  auto c = make(reply_options());
  const Mention m = mention(*c);
  x_.fail_next(FakeXRoute::post, 1, {201, {}, fixture("post_201.json")});
  ReplyOutcome o = c->reply(m, kText, "r1");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  EXPECT_EQ(o.post.id, "1864720000000000077");
  EXPECT_EQ(o.post.posted_at, x::snowflake_time("1864720000000000077"));

  // A duplicate with no such reply in the brand's timeline: not this reply, fails for good.
  x_.fail_next(FakeXRoute::post, 1, {403, {}, fixture("forbidden_duplicate.json")});
  o = c->reply(m, kText, "r2");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("duplicate content"), std::string::npos) << o.error;

  // A 2xx that is not a post may hide one: retried (and settled by find_reply).
  x_.fail_next(FakeXRoute::post, 1, {200, {}, "{}"});
  o = c->reply(m, kText, "r3");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_TRUE(o.may_have_posted);
}

}  // namespace
}  // namespace carewatch::x_test
