// Replying on YouTube: comments.insert (POST comments?part=snippet, {"snippet": {"parentId",
// "textOriginal"}}, answered with a youtube#comment as in tests/fixtures/youtube/comment_insert.json,
// the shape of ../shared/fixtures/youtube/pyyoutube_comments_by_parent_paged_1.json's items) with
// an OAuth access token from Google's token endpoint (refresh_token grant: {"access_token",
// "expires_in", "token_type"}), 50 quota units counted; the rules, token expiry and refresh,
// Google's errors, and reconciliation after a crash through comments.list?parentId=.
#include "tests/unit/connectors/youtube_test_fixture.h"

#include <chrono>
#include <string>

#include "mention/common/time.h"

namespace carewatch::youtube_test {
namespace {

using testing::FakeResponse;
using testing::FakeYoutube;
using testing::FakeYoutubeRoute;
using testing::YoutubeComment;

class YoutubeReplyTest : public YoutubeTest {
 protected:
  void SetUp() override {
    thread_ = fake_.add_thread("vidAcme0001", {"", "@dan", "", "my bag is lost", now_ms() - 60'000});
    reply_ = fake_.add_reply(thread_, {"", "@kim", "", "mine too", now_ms() - 30'000});
    auto c = make("", true);
    const PollResult r = c->poll("");
    EXPECT_TRUE(r.batch);
    cursor_ = r.batch ? r.batch->next_cursor : "";
    if (r.batch)
      for (const auto& m : r.batch->mentions) (m.native_id == thread_ ? top_ : child_) = m;
    fake_.server().clear_requests();
  }

  std::string thread_, reply_, cursor_;
  Mention top_, child_;
};

TEST_F(YoutubeReplyTest, TheRulesAndTheChecks) {
  auto c = make("", true);
  const ReplyRules rules = c->reply_rules();
  EXPECT_TRUE(rules.can_reply);
  EXPECT_EQ(rules.max_length, 10000u);
  EXPECT_EQ(rules.idempotency_window.count(), 0);
  EXPECT_TRUE(rules.can_reconcile);
  EXPECT_FALSE(c->check_reply(top_, "Sorry Dan, we are looking into it."));
  EXPECT_EQ(c->check_reply(top_, " \n ")->rule, "empty");
  EXPECT_FALSE(c->check_reply(top_, std::string(10000, 'a')));
  const auto long_one = c->check_reply(top_, std::string(9999, 'a') + "\xC3\xA9\xC3\xA9");
  ASSERT_TRUE(long_one);
  EXPECT_EQ(long_one->rule, "max_length");
  EXPECT_NE(long_one->message.find("10001 characters"), std::string::npos) << long_one->message;
  Mention other = top_;
  other.platform = "mastodon";
  EXPECT_EQ(c->check_reply(other, "hi")->rule, "cannot_reply");

  // Without the OAuth options the source cannot reply, and says which options it needs.
  auto read_only = make();
  EXPECT_FALSE(read_only->reply_rules().can_reply);
  const auto no = read_only->check_reply(top_, "hi");
  ASSERT_TRUE(no);
  EXPECT_EQ(no->rule, "cannot_reply");
  EXPECT_NE(no->message.find("options.oauth_refresh_token"), std::string::npos) << no->message;
  EXPECT_EQ(read_only->reply(top_, "hi", "r1").kind, ReplyOutcome::Kind::cannot_reply);
  EXPECT_TRUE(fake_.server().requests().empty());
}

TEST_F(YoutubeReplyTest, AReplyIsPostedToTheThreadWithAnAccessToken) {
  auto c = make("", true);
  const ReplyOutcome o = c->reply(top_, "Sorry Dan, DM us your booking reference.", "r1");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  ASSERT_EQ(fake_.posts().size(), 1u);
  EXPECT_EQ(fake_.posts()[0].parent_id, thread_);
  EXPECT_EQ(fake_.posts()[0].text, "Sorry Dan, DM us your booking reference.");
  EXPECT_EQ(o.post.id, fake_.posts()[0].id);
  EXPECT_EQ(o.post.url, "https://www.youtube.com/watch?v=vidAcme0001&lc=" + o.post.id);
  EXPECT_GT(o.post.posted_at, 0);
  const auto inserts = fake_.requests_to(FakeYoutubeRoute::insert);
  ASSERT_EQ(inserts.size(), 1u);
  EXPECT_EQ(inserts[0].query.at("part"), "snippet");
  EXPECT_EQ(inserts[0].query.count("key"), 0u);
  EXPECT_EQ(inserts[0].headers.at("content-type").rfind("application/json", 0), 0u);
  const auto token = fake_.requests_to(FakeYoutubeRoute::token);
  ASSERT_EQ(token.size(), 1u);
  EXPECT_NE(token[0].body.find("grant_type=refresh_token"), std::string::npos);

  // A reply to a reply goes to its thread; the token is reused while it lives.
  const ReplyOutcome o2 = c->reply(child_, "Kim, same for you: DM us.", "r2");
  ASSERT_EQ(o2.kind, ReplyOutcome::Kind::sent) << o2.error;
  EXPECT_EQ(fake_.posts()[1].parent_id, thread_);
  EXPECT_EQ(fake_.tokens_issued(), 1);
  EXPECT_EQ(fake_.units_spent(), 1 + 50 + 50);  // SetUp's poll, two inserts
}

TEST_F(YoutubeReplyTest, TheRecordedShapeOfAnInsertedCommentIsRead) {
  fake_.fail_next_posts(1, {200, {}, fixture("comment_insert.json")}, false);
  auto c = make("", true);
  const ReplyOutcome o = c->reply(top_, "Hi Kim, we have escalated your refund.", "r1");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  EXPECT_EQ(o.post.id, "UgxAcme0002refund-slow-p4AaABAg.AcmeR9zZ01");
  EXPECT_EQ(o.post.url, "https://www.youtube.com/watch?v=vidAcme0001&lc=UgxAcme0002refund-slow-p4AaABAg.AcmeR9zZ01");
  TimeMs t = 0;
  ASSERT_TRUE(parse_iso8601("2026-12-04T10:02:00Z", t));
  EXPECT_EQ(o.post.posted_at, t);

  // A 200 without a comment (a proxy's page): retried, and it may have been posted.
  fake_.fail_next_posts(1, {200, {{"Content-Type", "text/html"}}, "<html>ok</html>"}, false);
  const ReplyOutcome html = c->reply(top_, "hi", "r2");
  EXPECT_EQ(html.kind, ReplyOutcome::Kind::retry);
  EXPECT_TRUE(html.may_have_posted);
}

TEST_F(YoutubeReplyTest, ATokenAboutToExpireIsRefreshedFirst) {
  fake_.set_token_lifetime(30);  // less than the minute of margin: never reused
  auto c = make("", true);
  ASSERT_EQ(c->reply(top_, "one", "r1").kind, ReplyOutcome::Kind::sent);
  ASSERT_EQ(c->reply(top_, "two", "r2").kind, ReplyOutcome::Kind::sent);
  EXPECT_EQ(fake_.tokens_issued(), 2);
  EXPECT_NE(fake_.posts()[0].access_token, fake_.posts()[1].access_token);
}

TEST_F(YoutubeReplyTest, ARefusedTokenIsRefreshedOnceThenPermanent) {
  auto c = make("", true);
  ASSERT_EQ(c->reply(top_, "one", "r1").kind, ReplyOutcome::Kind::sent);
  fake_.expire_tokens();  // expired early, or revoked: 401
  const ReplyOutcome o = c->reply(top_, "two", "r2");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  EXPECT_EQ(fake_.tokens_issued(), 2);

  // A 401 even with a new token: permanent, naming the refresh token.
  fake_.fail_next(FakeYoutubeRoute::insert, 2,
                  FakeYoutube::google_error(401, "authError", "Request had invalid authentication credentials."));
  const ReplyOutcome bad = c->reply(top_, "three", "r3");
  EXPECT_EQ(bad.kind, ReplyOutcome::Kind::permanent);
  EXPECT_FALSE(bad.may_have_posted);
  EXPECT_NE(bad.error.find("options.oauth_refresh_token"), std::string::npos) << bad.error;
  expect_no_secret(bad.error);
  EXPECT_EQ(fake_.posts().size(), 2u);
}

TEST_F(YoutubeReplyTest, ARevokedRefreshTokenOrAWrongClientIsPermanent) {
  fake_.revoke_refresh_token();
  auto c = make("", true);
  const ReplyOutcome o = c->reply(top_, "hi", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("invalid_grant"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("options.oauth_refresh_token"), std::string::npos) << o.error;
  expect_no_secret(o.error);
  EXPECT_TRUE(fake_.posts().empty());

  fake_.fail_next(FakeYoutubeRoute::token, 1,
                  {401, {}, R"({"error": "invalid_client", "error_description": "The OAuth client was not found."})"});
  const ReplyOutcome client = c->reply(top_, "hi", "r1");
  EXPECT_EQ(client.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(client.error.find("options.oauth_client_id"), std::string::npos) << client.error;

  // The token endpoint down: retried, nothing posted.
  fake_.fail_next(FakeYoutubeRoute::token, 1, {503, {}, ""});
  const ReplyOutcome down = c->reply(top_, "hi", "r1");
  EXPECT_EQ(down.kind, ReplyOutcome::Kind::retry);
  EXPECT_FALSE(down.may_have_posted);
}

TEST_F(YoutubeReplyTest, AReplyTheBudgetCannotCoverIsNotSent) {
  // The poll spent 1 unit of 50: a reply (50) does not fit today.
  auto c = make(R"(, "quota_per_day": 50)", true);
  ASSERT_TRUE(c->poll(cursor_).batch);
  const ReplyOutcome o = c->reply(top_, "hi", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_FALSE(o.may_have_posted);
  ASSERT_TRUE(o.retry_after);
  EXPECT_LE(*o.retry_after, std::chrono::hours(24));
  EXPECT_NE(o.error.find("50 quota units"), std::string::npos) << o.error;
  EXPECT_TRUE(fake_.requests_to(FakeYoutubeRoute::insert).empty());

  // A reply's units count in the next poll's budget.
  auto d = make(R"(, "quota_per_day": 200)", true);
  const PollResult before = d->poll(cursor_);  // SetUp's poll (in the cursor) and this one: 2
  ASSERT_TRUE(before.batch);
  ASSERT_EQ(d->reply(top_, "hi", "r1").kind, ReplyOutcome::Kind::sent);
  const PollResult after = d->poll(before.batch->next_cursor);
  ASSERT_TRUE(after.usage.budget_remaining);
  EXPECT_EQ(*after.usage.budget_remaining, 200 - 2 - 50 - 1);
}

TEST_F(YoutubeReplyTest, GooglesErrorsAreSortedIntoRetryAndPermanent) {
  fake_.fail_next(FakeYoutubeRoute::insert, 1,
                  FakeYoutube::google_error(403, "quotaExceeded", "You have exceeded your quota."));
  auto c = make("", true);
  ReplyOutcome o = c->reply(top_, "hi", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_FALSE(o.may_have_posted);
  ASSERT_TRUE(o.retry_after);
  // The day's units are marked spent: the next reply waits without asking.
  fake_.server().clear_requests();
  EXPECT_EQ(c->reply(top_, "hi", "r1").kind, ReplyOutcome::Kind::retry);
  EXPECT_TRUE(fake_.requests_to(FakeYoutubeRoute::insert).empty());

  fake_.fail_next(FakeYoutubeRoute::insert, 1, FakeYoutube::google_error(500, "backendError", "Backend Error"));
  o = make("", true)->reply(top_, "hi", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_TRUE(o.may_have_posted);

  fake_.fail_next(FakeYoutubeRoute::insert, 1, {429, {{"Retry-After", "5"}}, ""});
  o = make("", true)->reply(top_, "hi", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_FALSE(o.may_have_posted);

  fake_.fail_next(FakeYoutubeRoute::insert, 1,
                  FakeYoutube::google_error(403, "commentsDisabled", "Comments are disabled for this video."));
  o = make("", true)->reply(top_, "hi", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("commentsDisabled"), std::string::npos) << o.error;
  expect_no_secret(o.error);

  Mention gone = top_;
  gone.native_id = "UgzNoSuchThread00000000AaABAg";
  o = make("", true)->reply(gone, "hi", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_TRUE(fake_.posts().empty());
}

TEST_F(YoutubeReplyTest, AReplyWhoseAnswerWasLostIsFoundNotPostedTwice) {
  auto c = make("", true);
  // The reply is made, but the answer is a proxy's 504 (or carewatch died before recording it).
  fake_.fail_next_posts(1, {504, {}, "<html>Gateway Timeout</html>"}, true);
  const std::string text = "Sorry Dan,  we found your bag.";
  const ReplyOutcome o = c->reply(top_, text, "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_TRUE(o.may_have_posted);
  ASSERT_EQ(fake_.posts().size(), 1u);

  // A restarted daemon settles it before posting again.
  auto restarted = make("", true);
  const ReplySearch s = restarted->find_reply(top_, "Sorry Dan, we found your bag.", "r1");
  ASSERT_EQ(s.kind, ReplySearch::Kind::found) << s.error;
  EXPECT_EQ(s.post.id, fake_.posts()[0].id);
  EXPECT_EQ(s.post.url, "https://www.youtube.com/watch?v=vidAcme0001&lc=" + s.post.id);
  const auto listed = fake_.requests_to(FakeYoutubeRoute::comments);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].query.at("parentId"), thread_);
  EXPECT_EQ(listed[0].headers.count("authorization"), 1u);  // textOriginal is shown to its author
  EXPECT_EQ(fake_.posts().size(), 1u);
}

TEST_F(YoutubeReplyTest, FindReplyTakesOnlyTheBrandsReplyWithTheSameText) {
  auto c = make("", true);
  // The same text by a customer is not the brand's reply.
  fake_.add_reply(thread_, {"", "@kim", "", "We are on it.", now_ms()});
  ReplySearch s = c->find_reply(top_, "We are on it.", "r1");
  EXPECT_EQ(s.kind, ReplySearch::Kind::not_found) << s.error;
  fake_.add_reply(thread_, {"", "@acmeair", testing::kFakeYoutubeChannel, "We are on it!", now_ms()});
  s = c->find_reply(top_, "We are on it.", "r1");
  EXPECT_EQ(s.kind, ReplySearch::Kind::not_found) << s.error;
  const std::string made =
      fake_.add_reply(thread_, {"", "@acmeair", testing::kFakeYoutubeChannel, "We are on it.", now_ms()});
  s = c->find_reply(child_, "We are on it.", "r1");  // a reply's thread is searched
  ASSERT_EQ(s.kind, ReplySearch::Kind::found) << s.error;
  EXPECT_EQ(s.post.id, made);

  // A thread that is gone has no reply; a failure is unknown.
  Mention gone = top_;
  gone.native_id = "UgzNoSuchThread00000000AaABAg";
  EXPECT_EQ(c->find_reply(gone, "x", "r1").kind, ReplySearch::Kind::not_found);
  fake_.fail_next(FakeYoutubeRoute::comments, 1, {503, {}, ""});
  s = c->find_reply(top_, "We are on it.", "r1");
  EXPECT_EQ(s.kind, ReplySearch::Kind::unknown);
  expect_no_secret(s.error);
}

}  // namespace
}  // namespace carewatch::youtube_test
