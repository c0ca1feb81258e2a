// How a poll of a fake Reddit fails or slows down, in the shapes of Reddit's real answers: the
// X-Ratelimit-Used / -Remaining / -Reset headers (seconds to the reset) on every API answer, 429,
// 5xx, an HTML page, truncated JSON, a page that is not a Listing, children with wrong-typed
// fields (tests/fixtures/reddit/comments_acmeair.json, in the shape of a real /r/{sub}/comments
// Listing), a stream failing while another works, a broken cursor.
#include "tests/unit/connectors/reddit_test_fixture.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace carewatch::reddit_test {
namespace {

using std::chrono::milliseconds;
using testing::FakeRedditRoute;
using testing::FakeResponse;

const std::string kSub = R"(, "subreddits": ["acmeair"])";

TEST_F(RedditTest, TheRateLimitHeadersAreTheUsage) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  auto c = make(kSub);
  const PollResult r = c->poll("");
  ASSERT_TRUE(r.batch);
  ASSERT_TRUE(r.usage.rate_limit_remaining);
  EXPECT_EQ(*r.usage.rate_limit_remaining, 98);  // 100 a minute, two streams read
  EXPECT_EQ(r.usage.posts_read, 1u);
  EXPECT_FALSE(r.batch->retry_after);
}

TEST_F(RedditTest, APageThatUsesTheLimitUpEndsThePollUntilTheReset) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.set_rate_limit(1, 60);
  auto c = make(R"(, "subreddits": ["acmeair"], "search": ["bag"])");
  const PollResult r = c->poll("");
  ASSERT_TRUE(r.batch) << r.error->message;
  // comments: the one request the window allows (remaining 0): the other streams wait.
  EXPECT_EQ(api_requests().size(), 1u);
  ASSERT_TRUE(r.batch->retry_after);
  EXPECT_GT(r.batch->retry_after->count(), 50000);
  EXPECT_LE(r.batch->retry_after->count(), 60000);
  EXPECT_FALSE(r.batch->more);
  EXPECT_EQ(*r.usage.rate_limit_remaining, 0);

  // Polled again before the reset: no request at all, the same wait, the cursor unchanged.
  fake_.server().clear_requests();
  const PollResult again = c->poll(r.batch->next_cursor);
  ASSERT_TRUE(again.batch);
  EXPECT_TRUE(api_requests().empty());
  ASSERT_TRUE(again.batch->retry_after);
  EXPECT_GT(again.batch->retry_after->count(), 50000);
  EXPECT_EQ(again.batch->next_cursor, r.batch->next_cursor);
}

TEST_F(RedditTest, TooManyRequestsIsRetriedAfterTheReset) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.fail_next(FakeRedditRoute::comments, 1,
                  FakeResponse{429, {{"X-Ratelimit-Remaining", "0"}, {"X-Ratelimit-Used", "100"}, {"X-Ratelimit-Reset", "42"}},
                               R"({"message": "Too Many Requests", "error": 429})"});
  auto c = make(kSub);
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_GE(e.retry_after->count(), 42000);
  EXPECT_NE(e.message.find("429"), std::string::npos) << e.message;
  EXPECT_EQ(fake_.requests_to("/r/acmeair/new").size(), 0u);  // a 429 stops the poll
}

TEST_F(RedditTest, ServerErrorIsRetriedAndNamesTheStream) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.fail_next(FakeRedditRoute::comments, 1, FakeResponse{503, {}, R"({"message": "Service Unavailable", "error": 503})"});
  fake_.fail_next(FakeRedditRoute::posts, 1, FakeResponse{500, {}, "{}"});
  auto c = make(kSub);
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("r/acmeair comments"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("503"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("/r/acmeair/comments"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("1 more error"), std::string::npos) << e.message;
}

TEST_F(RedditTest, HtmlAndTruncatedJsonAreRetried) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.fail_next(FakeRedditRoute::comments, 1,
                  FakeResponse{200, {{"Content-Type", "text/html; charset=UTF-8"}},
                               "<!doctype html><html><body>reddit is down for maintenance</body></html>"});
  auto c = make(kSub);
  PollResult r = c->poll("");
  ASSERT_TRUE(r.batch);  // the posts stream worked
  ASSERT_EQ(r.batch->warnings.size(), 1u);
  EXPECT_NE(r.batch->warnings[0].find("HTML"), std::string::npos) << r.batch->warnings[0];
  rapidjson::Document cursor;
  cursor.Parse(r.batch->next_cursor.c_str());
  EXPECT_FALSE(cursor.HasMember("comments:acmeair"));

  const std::string page = fixture("comments_acmeair.json");
  fake_.fail_next(FakeRedditRoute::comments, 1, FakeResponse{200, {}, page.substr(0, page.size() / 2)});
  fake_.fail_next(FakeRedditRoute::posts, 1, FakeResponse{200, {}, page.substr(0, 40)});
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("invalid JSON"), std::string::npos) << e.message;
}

TEST_F(RedditTest, APageThatIsNotAListingIsRetried) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.fail_next(FakeRedditRoute::comments, 1, FakeResponse{200, {}, R"({"kind": "Listing", "data": {"children": {}}})"});
  fake_.fail_next(FakeRedditRoute::posts, 1, FakeResponse{200, {}, R"([])"});
  auto c = make(kSub);
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("data.children: expected an array, got an object"), std::string::npos) << e.message;
}

TEST_F(RedditTest, ChildrenWithWrongTypedFieldsAreSkippedWithAWarning) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.fail_next(FakeRedditRoute::comments, 1, FakeResponse{200, {}, fixture("comments_acmeair.json")});
  auto c = make(kSub);
  const Batch b = ok(*c, "");
  // The fixture: a good comment, one with created_utc as a string, a deleted one, a good one.
  std::vector<std::string> ids = ids_of(b);
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "t1_m8c4x1z"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "t1_m8c3kq2"), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "t1_m8c3zzz"), ids.end());  // deleted: nothing to answer
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_EQ(b.warnings[0], "r/acmeair comments: children[1].data.created_utc: expected a number, got a string");
  for (const auto& m : b.mentions)
    if (m.native_id == "t1_m8c4x1z") {
      EXPECT_EQ(m.text,
                "Same here & nobody answers the baggage desk phone.\n\n"
                "Their tracker (https://acmeair.example/bags) says <unknown> since Monday.");
      EXPECT_EQ(m.author.handle, "rosa_flies");
      EXPECT_EQ(m.author.id, "t2_9rosa11");
      EXPECT_EQ(m.parent_id, "t3_1h2acme");
      EXPECT_EQ(m.conversation_id, "t3_1h2acme");
      EXPECT_EQ(m.posted_at, 1764003600000);
      EXPECT_EQ(m.url, "https://www.reddit.com/r/acmeair/comments/1h2acme/acme_air_lost_my_bag_on_aa_212_to_lisbon/m8c4x1z/");
    }
  // The deleted one still moves the stream on; the unreadable one cannot.
  rapidjson::Document cursor;
  cursor.Parse(b.next_cursor.c_str());
  EXPECT_TRUE(cursor["comments:acmeair"]["seen"].HasMember("t1_m8c3zzz"));
  EXPECT_FALSE(cursor["comments:acmeair"]["seen"].HasMember("t1_m8c4abc"));
}

TEST_F(RedditTest, WrongTypedFieldsOfEveryKindAreNamed) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.fail_next(FakeRedditRoute::comments, 1, FakeResponse{200, {}, R"({"kind": "Listing", "data": {"children": [
      7,
      {"kind": "t1"},
      {"kind": "t1", "data": {"name": 12, "created_utc": 1764000000}},
      {"kind": "t1", "data": {"name": "t1_abc", "created_utc": 1764000000, "author": "x", "body": ["no"]}},
      {"kind": "t1", "data": {"name": "t1_abd", "created_utc": 1764000000, "author": 5, "body": "x"}},
      {"kind": "t1", "data": {"name": "T1_ABE", "created_utc": 1764000000, "author": "x", "body": "x"}},
      {"kind": "t1", "data": {"name": "t1_abf", "created_utc": 1764000000, "author": "x", "body": "fine",
                              "parent_id": "t3_abc"}}
  ]}})"});
  auto c = make(kSub);
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 2u);  // the post and the fine comment
  const std::vector<std::string> want = {
      "r/acmeair comments: children[0]: expected an object, got a number",
      "r/acmeair comments: children[1].data: expected an object, got nothing",
      "r/acmeair comments: children[2].data.name: expected a string, got a number",
      "r/acmeair comments: children[3].data.body: expected a string, got an array",
      "r/acmeair comments: children[4].data.author: expected a string, got a number",
      "r/acmeair comments: children[5].data.name: expected a fullname like \"t1_k2x9q\", got \"T1_ABE\""};
  EXPECT_EQ(b.warnings, want);
}

TEST_F(RedditTest, OneFailingStreamDoesNotHoldBackTheOthers) {
  const std::string post = fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.fail_next(FakeRedditRoute::comments, 1, FakeResponse{502, {}, "<html>Bad Gateway</html>"});
  auto c = make(kSub);
  const Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), std::vector<std::string>{post});
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("502"), std::string::npos) << b.warnings[0];
}

TEST_F(RedditTest, AnUnknownSubredditIsFatal) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  auto c = make(R"(, "subreddits": ["nosuchsub"])");  // the fake answers 404 without a handler
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("404"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("r/nosuchsub comments"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("subreddit's name"), std::string::npos) << e.message;
}

TEST_F(RedditTest, APrivateSubredditIsFatalAndNamed) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.fail_next(FakeRedditRoute::comments, 1, FakeResponse{403, {}, R"({"reason": "private", "message": "Forbidden", "error": 403})"});
  auto c = make(kSub);
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("403"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("private or banned subreddit"), std::string::npos) << e.message;
}

TEST_F(RedditTest, UnreachableRedditIsRetried) {
  std::string base;
  {
    testing::FakeHttpServer gone;
    base = gone.base_url();
  }
  std::string options = fake_.options(R"(, "subreddits": ["acmeair"], "timeout": "3s")");
  for (size_t at = options.find(fake_.base_url()); at != std::string::npos; at = options.find(fake_.base_url()))
    options.replace(at, fake_.base_url().size(), base);
  std::string error;
  auto c = build(options, error);
  ASSERT_TRUE(c) << error;
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
}

TEST_F(RedditTest, ABrokenCursorIsFatal) {
  auto c = make(kSub);
  for (const std::string cursor : {"not json", R"({"comments:acmeair": {"seen": {"nope": 1}}})",
                                   R"({"comments:acmeair": {"gap": {"after": "t1_abc"}}})"}) {
    const PollError e = failed(*c, cursor);
    EXPECT_EQ(e.kind, PollError::Kind::fatal);
    EXPECT_TRUE(e.bad_cursor);
    EXPECT_NE(e.message.find("cursor"), std::string::npos) << e.message;
  }
  EXPECT_TRUE(fake_.requests().empty());
}

}  // namespace
}  // namespace carewatch::reddit_test
