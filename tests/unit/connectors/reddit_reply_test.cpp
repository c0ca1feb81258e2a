// Replies through a fake Reddit's POST /api/comment (form api_type=json, thing_id, text), in the
// shape of Reddit's real answer ({"json": {"errors": [], "data": {"things": [{"kind": "t1",
// "data": {...}}]}}}, errors as [code, message, field], RATELIMIT with "ratelimit" seconds), and
// the reconciliation through GET /user/{username}/comments (a Listing of the account's comments).
// Reddit has no idempotency key: a reply whose answer was lost is found there, never posted twice.
#include "tests/unit/connectors/reddit_test_fixture.h"

#include <ctime>
#include <string>

#include "mention/common/url.h"

namespace carewatch::reddit_test {
namespace {

using std::chrono::milliseconds;
using testing::FakeRedditRoute;
using testing::FakeResponse;

class RedditReplyTest : public RedditTest {
 protected:
  // A customer's post and comment in r/acmeair, read by a poll (so the mentions are as carewatch has them).
  void SetUp() override {
    post_ = fake_.add_post("acmeair", "rosa_flies", "Lost bag on AA 212", "Landed 3 hours ago, no bag.");
    comment_ = fake_.add_comment("acmeair", "jun_k", post_, "Same here u/acmecare, two days now");
    c_ = make(R"(, "subreddits": ["acmeair"], "mentions": true)");
    const Batch b = ok(*c_, "");
    for (const auto& m : b.mentions) {
      if (m.native_id == post_) post_mention_ = m;
      if (m.native_id == comment_ && m.url.find("?") == std::string::npos) comment_mention_ = m;
    }
    ASSERT_EQ(post_mention_.native_id, post_);
    ASSERT_EQ(comment_mention_.native_id, comment_);
    fake_.server().clear_requests();
  }

  std::string post_, comment_;
  Mention post_mention_, comment_mention_;
  std::unique_ptr<Connector> c_;
};

TEST_F(RedditReplyTest, TheRules) {
  const ReplyRules r = c_->reply_rules();
  EXPECT_TRUE(r.can_reply);
  EXPECT_EQ(r.max_length, 10000u);
  EXPECT_EQ(r.length_unit, "characters");
  EXPECT_EQ(r.idempotency_window.count(), 0);
  EXPECT_TRUE(r.can_reconcile);
}

TEST_F(RedditReplyTest, CheckReplyCountsCharactersAndNeedsText) {
  EXPECT_FALSE(c_->check_reply(post_mention_, "Sorry about your bag! DM us your file reference."));
  auto p = c_->check_reply(post_mention_, " \n\t ");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "empty");
  // 10,000 characters of two bytes each fit; 10,001 do not.
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "\xC3\xA9";
  EXPECT_FALSE(c_->check_reply(post_mention_, text));
  p = c_->check_reply(post_mention_, text + "!");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "max_length");
  EXPECT_NE(p->message.find("10001 characters"), std::string::npos) << p->message;
  EXPECT_NE(p->message.find("10000"), std::string::npos) << p->message;
  Mention other = post_mention_;
  other.platform = "mastodon";
  other.uid = "mastodon:123";
  p = c_->check_reply(other, "hi");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "cannot_reply");
  EXPECT_TRUE(fake_.requests().empty());
}

TEST_F(RedditReplyTest, AReplyIsACommentOnTheThing) {
  const std::string text = "Sorry about this, u/jun_k & rosa_flies. **DM us** your file <reference>.";
  const ReplyOutcome o = c_->reply(comment_mention_, text, "r0123456789abcdef0123456789abcdef");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  const auto posted = fake_.posted_comments();
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(o.post.id, posted[0]);
  EXPECT_EQ(o.post.url, "https://www.reddit.com/r/acmeair/comments/" + post_.substr(3) + "/acme_thread/" +
                            posted[0].substr(3) + "/");
  EXPECT_GT(o.post.posted_at, 0);
  EXPECT_EQ(fake_.body_of(posted[0]), text);
  EXPECT_EQ(fake_.parent_of(posted[0]), comment_);
  const auto requests = fake_.requests_to("/api/comment");
  ASSERT_EQ(requests.size(), 1u);
  const auto form = parse_query(requests[0].body);
  ASSERT_TRUE(form);
  EXPECT_EQ(*form, (QueryPairs{{"api_type", "json"}, {"thing_id", comment_}, {"text", text}}));
  EXPECT_EQ(requests[0].headers.at("authorization"), "bearer " + fake_.last_token());
  EXPECT_EQ(requests[0].headers.at("user-agent"), "linux:acme-care:1.0 (by /u/acmecare)");

  // A post is answered the same way.
  const ReplyOutcome top = c_->reply(post_mention_, "We are on it.", "r2");
  ASSERT_EQ(top.kind, ReplyOutcome::Kind::sent) << top.error;
  EXPECT_EQ(fake_.parent_of(top.post.id), post_);
}

TEST_F(RedditReplyTest, RatelimitIsRetriedAfterTheWaitRedditGives) {
  fake_.fail_next(FakeRedditRoute::post_comment, 1,
                  testing::FakeReddit::comment_error("RATELIMIT", "you are doing that too much. try again in 6 minutes.",
                                                     "ratelimit", 359.2));
  ReplyOutcome o = c_->reply(comment_mention_, "On it", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  ASSERT_TRUE(o.retry_after);
  EXPECT_EQ(o.retry_after->count(), 359200);
  EXPECT_FALSE(o.may_have_posted);
  EXPECT_NE(o.error.find("RATELIMIT"), std::string::npos) << o.error;
  // Without "ratelimit": the message's wait.
  fake_.fail_next(FakeRedditRoute::post_comment, 1,
                  testing::FakeReddit::comment_error("RATELIMIT", "Looks like you've been doing that a lot. Take a break for 2 minutes before trying again. try again in 2 minutes.", "ratelimit"));
  o = c_->reply(comment_mention_, "On it", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  ASSERT_TRUE(o.retry_after);
  EXPECT_EQ(o.retry_after->count(), 120000);
  EXPECT_TRUE(fake_.posted_comments().empty());
}

TEST_F(RedditReplyTest, ALockedOrDeletedThingFailsForGood) {
  fake_.lock(comment_);
  ReplyOutcome o = c_->reply(comment_mention_, "On it", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("THREAD_LOCKED"), std::string::npos) << o.error;
  EXPECT_FALSE(o.may_have_posted);
  fake_.remove(post_);
  o = c_->reply(post_mention_, "On it", "r2");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("DELETED_COMMENT"), std::string::npos) << o.error;
  EXPECT_TRUE(fake_.posted_comments().empty());
}

TEST_F(RedditReplyTest, TooManyRequestsPostedNothing) {
  fake_.fail_next(FakeRedditRoute::post_comment, 1,
                  FakeResponse{429, {{"X-Ratelimit-Remaining", "0"}, {"X-Ratelimit-Reset", "30"}}, "{}"});
  const ReplyOutcome o = c_->reply(comment_mention_, "On it", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_FALSE(o.may_have_posted);
  ASSERT_TRUE(o.retry_after);
  EXPECT_EQ(o.retry_after->count(), 30000);
}

TEST_F(RedditReplyTest, ALostAnswerIsFoundByFindReplyAndNotPostedTwice) {
  // Reddit made the comment, the proxy lost the answer (or carewatch died before recording it).
  const std::string text = "Sorry & thanks for waiting,\nwe found your bag <3  ";
  fake_.fail_next(FakeRedditRoute::post_comment, 1, FakeResponse{502, {}, "<html>Bad Gateway</html>"}, true);
  const ReplyOutcome o = c_->reply(comment_mention_, text, "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_TRUE(o.may_have_posted);
  ASSERT_EQ(fake_.posted_comments().size(), 1u);

  const ReplySearch s = c_->find_reply(comment_mention_, text, "r1");
  ASSERT_EQ(s.kind, ReplySearch::Kind::found) << s.error;
  EXPECT_EQ(s.post.id, fake_.posted_comments()[0]);
  EXPECT_FALSE(s.post.url.empty());
  const auto search = fake_.requests_to(std::string("/user/") + testing::kFakeRedditUsername + "/comments");
  ASSERT_EQ(search.size(), 1u);
  EXPECT_EQ(search[0].query.at("limit"), "100");
  EXPECT_EQ(search[0].query.at("sort"), "new");

  // Another text, or the same text to another thing: not found.
  EXPECT_EQ(c_->find_reply(comment_mention_, "Another text", "r2").kind, ReplySearch::Kind::not_found);
  EXPECT_EQ(c_->find_reply(post_mention_, text, "r3").kind, ReplySearch::Kind::not_found);
}

TEST_F(RedditReplyTest, FindReplyPagesDownToTheMentionsTime) {
  const std::string text = "We found it";
  ASSERT_EQ(c_->reply(comment_mention_, text, "r1").kind, ReplyOutcome::Kind::sent);
  // 150 more comments by the account since: the reply is on the second page.
  for (int i = 0; i < 150; ++i)
    fake_.add_comment("acmeair", testing::kFakeRedditUsername, post_, "note " + std::to_string(i),
                      static_cast<std::int64_t>(std::time(nullptr)) + 100 + i);
  const ReplySearch s = c_->find_reply(comment_mention_, text, "r1");
  ASSERT_EQ(s.kind, ReplySearch::Kind::found) << s.error;
  EXPECT_EQ(s.post.id, fake_.posted_comments()[0]);
  EXPECT_EQ(fake_.requests_to(std::string("/user/") + testing::kFakeRedditUsername + "/comments").size(), 2u);
}

TEST_F(RedditReplyTest, FindReplyThatCannotLookIsUnknown) {
  fake_.fail_next(FakeRedditRoute::user_comments, 1, FakeResponse{503, {}, "{}"});
  const ReplySearch s = c_->find_reply(comment_mention_, "x", "r1");
  EXPECT_EQ(s.kind, ReplySearch::Kind::unknown);
  EXPECT_NE(s.error.find("503"), std::string::npos) << s.error;
}

TEST_F(RedditReplyTest, AnExpiredTokenIsFetchedAnewAndTheReplyPostedOnce) {
  fake_.expire_tokens();
  const ReplyOutcome o = c_->reply(comment_mention_, "On it", "r1");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  EXPECT_EQ(fake_.posted_comments().size(), 1u);
  EXPECT_EQ(fake_.token_requests(), 2u);
  EXPECT_EQ(fake_.requests_to("/api/comment").size(), 2u);  // a 401, then the post
}

TEST_F(RedditReplyTest, A401ToAFreshTokenIsPermanent) {
  fake_.expire_tokens();
  fake_.fail_next(FakeRedditRoute::post_comment, 2, FakeResponse{401, {}, R"({"message": "Unauthorized", "error": 401})"});
  const ReplyOutcome o = c_->reply(comment_mention_, "On it", "r1");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("options.client_id"), std::string::npos) << o.error;
  EXPECT_FALSE(o.may_have_posted);
  expect_no_secret(o.error);
}

TEST_F(RedditReplyTest, AnInboxMentionIsAnsweredByItsFullname) {
  // The inbox item's fullname is the comment's: replying needs nothing else.
  auto inbox_only = make(R"(, "mentions": true)");
  const Batch b = ok(*inbox_only, "");
  ASSERT_EQ(b.mentions.size(), 1u);
  const ReplyOutcome o = inbox_only->reply(b.mentions[0], "We are looking into it", "r1");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  EXPECT_EQ(fake_.parent_of(o.post.id), comment_);
}

}  // namespace
}  // namespace carewatch::reddit_test
