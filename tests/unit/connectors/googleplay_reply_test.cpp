// Replies to Google Play reviews through the fake (androidpublisher v3 reviews.reply: POST
// .../reviews/{reviewId}:reply {"replyText"} -> {"result": {"replyText", "lastEdited"}};
// reviews.get for reconciliation, the reply as the review's developerComment): the rules, the
// post, the crash case.
#include "tests/unit/connectors/googleplay_test_fixture.h"

namespace carewatch::googleplay_test {
namespace {

using testing::FakeGooglePlay;
using testing::FakePlayRoute;
using testing::FakeResponse;

class GooglePlayReplyTest : public GooglePlayTest {
 protected:
  Mention review_mention(Connector& c) {
    add_reviews(1, 7000);
    const Batch b = ok(c, "");
    EXPECT_EQ(b.mentions.size(), 1u);
    return b.mentions.empty() ? Mention{} : b.mentions[0];
  }
};

TEST_F(GooglePlayReplyTest, RulesAreCheckedWithoutTheNetwork) {
  auto c = make_play();
  const Mention m = review_mention(*c);
  play_.server().clear_requests();
  const ReplyRules rules = c->reply_rules();
  EXPECT_TRUE(rules.can_reply);
  EXPECT_EQ(rules.max_length, 350u);
  EXPECT_TRUE(rules.can_reconcile);
  EXPECT_EQ(rules.idempotency_window.count(), 0);
  EXPECT_FALSE(c->check_reply(m, "Sorry you were logged out; 4.2.1 fixes it."));
  auto p = c->check_reply(m, "  ");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "empty");
  const std::string at_limit(350, 'a');
  EXPECT_FALSE(c->check_reply(m, at_limit));
  p = c->check_reply(m, at_limit + "\xE2\x9C\x88");  // 351 characters
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "max_length");
  EXPECT_NE(p->message.find("351"), std::string::npos) << p->message;
  Mention other = m;
  other.platform = "appstore";
  EXPECT_EQ(c->check_reply(other, "hi")->rule, "cannot_reply");
  EXPECT_TRUE(play_.server().requests().empty());
}

TEST_F(GooglePlayReplyTest, AReplyIsPosted) {
  auto c = make_play();
  const Mention m = review_mention(*c);
  const ReplyOutcome o = c->reply(m, "Sorry you were logged out; 4.2.1 fixes it.", "r1");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  EXPECT_EQ(play_.reply_of("gp:AOqp7000"), "Sorry you were logged out; 4.2.1 fixes it.");
  EXPECT_EQ(o.post.id, "gp:AOqp7000:reply");
  EXPECT_EQ(o.post.url, m.url);
  EXPECT_GT(o.post.posted_at, 0);
  const auto posts = play_.requests_to(play_.reviews_path() + "/gp%3AAOqp7000:reply");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].body, R"({"replyText":"Sorry you were logged out; 4.2.1 fixes it."})");
  EXPECT_EQ(play_.token_count(), 1u);  // the poll's token serves the reply too
}

TEST_F(GooglePlayReplyTest, TooManyRequestsIsRetriedAndATextGoogleRefusesFailsForGood) {
  auto c = make_play();
  const Mention m = review_mention(*c);
  play_.fail_next(FakePlayRoute::reply, 1,
                  FakeGooglePlay::google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded", {{"Retry-After", "120"}}));
  ReplyOutcome o = c->reply(m, "Sorry.", "r2");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_FALSE(o.may_have_posted);
  ASSERT_TRUE(o.retry_after);
  EXPECT_EQ(o.retry_after->count(), 120000);
  EXPECT_EQ(play_.reply_count(), 0u);

  play_.fail_next(FakePlayRoute::reply, 1,
                  FakeGooglePlay::google_error(400, "INVALID_ARGUMENT", "Reply text is too long (max 350 characters)."));
  o = c->reply(m, "Sorry.", "r2");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("Reply text is too long"), std::string::npos) << o.error;
}

TEST_F(GooglePlayReplyTest, AnExpiredTokenIsRefreshedForAReply) {
  auto c = make_play();
  const Mention m = review_mention(*c);
  play_.expire_tokens();
  EXPECT_EQ(c->reply(m, "Sorry.", "r3").kind, ReplyOutcome::Kind::sent);
  EXPECT_EQ(play_.token_count(), 2u);
}

// The crash case: the reply was made but the answer was lost. Google has no idempotency key;
// find_reply reads the review and finds its developerComment with the same text.
TEST_F(GooglePlayReplyTest, ALostAnswerIsSettledByFindingTheReply) {
  auto c = make_play();
  const Mention m = review_mention(*c);
  const std::string text = "We are sorry about the logout. Version 4.2.1 fixes it.";
  EXPECT_EQ(c->find_reply(m, text, "r4").kind, ReplySearch::Kind::not_found);

  play_.fail_next_replies(1, FakeResponse{504, {}, "Gateway Timeout"}, /*posted=*/true);
  const ReplyOutcome o = c->reply(m, text, "r4");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_TRUE(o.may_have_posted);
  ASSERT_EQ(play_.reply_count(), 1u);

  const ReplySearch s = c->find_reply(m, " We are sorry about the logout.\nVersion 4.2.1 fixes it.", "r4");
  ASSERT_EQ(s.kind, ReplySearch::Kind::found) << s.error;
  EXPECT_EQ(s.post.id, "gp:AOqp7000:reply");
  EXPECT_GT(s.post.posted_at, 0);
  EXPECT_EQ(play_.reply_count(), 1u);

  EXPECT_EQ(c->find_reply(m, "Another text", "r4").kind, ReplySearch::Kind::not_found);
  play_.fail_next(FakePlayRoute::get, 1, FakeGooglePlay::google_error(500, "INTERNAL", "Internal error"));
  EXPECT_EQ(c->find_reply(m, text, "r4").kind, ReplySearch::Kind::unknown);
  Mention gone = m;
  gone.conversation_id = "gp:AOqpGONE";
  EXPECT_EQ(c->find_reply(gone, text, "r4").kind, ReplySearch::Kind::not_found);  // 404: no review, no reply
}

}  // namespace
}  // namespace carewatch::googleplay_test
