// The Reddit connector on real recorded Reddit answers (../shared/fixtures/reddit/, recorded by
// praw-dev/praw's test suite): the inbox Listing of /message/mentions, a /search Listing of posts,
// and the comment tree of /comments/{id}. Built only where ../shared is present.
#ifdef CAREWATCH_HAVE_SHARED

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "connectors/reddit/cursor.h"
#include "connectors/reddit/thing_mention.h"
#include "tests/unit/connectors/reddit_test_fixture.h"

namespace carewatch::reddit_test {
namespace {

using testing::FakeRedditRoute;
using testing::FakeResponse;

std::string shared(const std::string& name) {
  const std::string text = read_file(std::string(CAREWATCH_SHARED_DIR) + "/fixtures/reddit/" + name);
  EXPECT_FALSE(text.empty()) << name;
  return text;
}

TEST_F(RedditTest, RecordedInboxMentionsAreRead) {
  fake_.fail_next(FakeRedditRoute::mentions, 1, FakeResponse{200, {}, shared("TestInbox.test_mentions.1.response.json")});
  auto c = make(R"(, "mentions": true)");
  const Batch b = ok(*c, "");
  EXPECT_TRUE(b.warnings.empty()) << b.warnings[0];
  ASSERT_EQ(b.mentions.size(), 16u);
  const Mention& newest = b.mentions.back();  // oldest first
  EXPECT_EQ(newest.native_id, "t1_ekftbox");
  EXPECT_EQ(newest.author.handle, "2Botter2Loop");
  EXPECT_EQ(newest.parent_id, "t3_bb24k7");
  EXPECT_EQ(newest.conversation_id, "t3_bb24k7");
  EXPECT_EQ(newest.url,
            "https://www.reddit.com/r/RemovedByBotter/comments/bb24k7/just_a_normal_girl_going_for_her_10th_class_exam/ekftbox/");
  EXPECT_EQ(newest.posted_at, 1554774308000);
  // Markdown made readable: the link as "text (url)", the superscript carets gone.
  EXPECT_NE(newest.text.find("Your submission (https://redd.it/bb1sep) was removed"), std::string::npos) << newest.text;
  EXPECT_NE(newest.text.find("If you have any questions"), std::string::npos) << newest.text;
  EXPECT_EQ(newest.text.find("^^"), std::string::npos) << newest.text;
  // The next poll: the same recorded page again is nothing new.
  fake_.fail_next(FakeRedditRoute::mentions, 1, FakeResponse{200, {}, shared("TestInbox.test_mentions.1.response.json")});
  EXPECT_TRUE(ok(*c, b.next_cursor).mentions.empty());
}

TEST_F(RedditTest, RecordedSearchResultsArePosts) {
  fake_.fail_next(FakeRedditRoute::search, 1, FakeResponse{200, {}, shared("TestSubreddit.test_search.1.response.json")});
  auto c = make(R"(, "search": ["praw"])");
  const Batch b = ok(*c, "");
  EXPECT_TRUE(b.warnings.empty());
  ASSERT_EQ(b.mentions.size(), 6u);
  for (const auto& m : b.mentions) {
    EXPECT_EQ(m.native_id.substr(0, 3), "t3_");
    EXPECT_EQ(m.conversation_id, m.native_id);
    EXPECT_TRUE(m.parent_id.empty());
    EXPECT_EQ(m.url.find('?'), std::string::npos) << m.url;  // "?ref=search_posts" dropped
    EXPECT_EQ(m.url.rfind("https://www.reddit.com/r/", 0), 0u) << m.url;
  }
}

TEST(RedditSharedFixtures, RecordedCommentTreeMapsCommentsAndThePost) {
  rapidjson::Document d;
  const std::string text = read_file(std::string(CAREWATCH_SHARED_DIR) +
                                     "/fixtures/reddit/TestSubmission.test_comments.1.response.json");
  d.Parse(text.c_str());
  ASSERT_TRUE(d.IsArray());
  std::vector<std::string> warnings;
  const reddit::Warn warn = [&](std::string w) { warnings.push_back(std::move(w)); };
  const auto post = reddit::read_thing(d[0]["data"]["children"][0], 0, "post", "s", 0, warn);
  ASSERT_TRUE(post.mention);
  EXPECT_EQ(post.mention->native_id, "t3_2gmzqe");
  EXPECT_EQ(post.mention->text.rfind("[PRAW] HTTPS enabled PRAW testing needed\n\nPRAW client developers,", 0), 0u);
  const auto comment = reddit::read_thing(d[1]["data"]["children"][0], 0, "comments", "s", 0, warn);
  ASSERT_TRUE(comment.mention);
  EXPECT_EQ(comment.mention->native_id, "t1_cklfmye");
  EXPECT_EQ(comment.mention->parent_id, "t3_2gmzqe");
  EXPECT_EQ(comment.mention->conversation_id, "t3_2gmzqe");
  // No permalink in this older recording: one is built from the subreddit, post and id.
  EXPECT_EQ(comment.mention->url, "https://www.reddit.com/r/redditdev/comments/2gmzqe/_/cklfmye/");
  EXPECT_TRUE(warnings.empty());
}

}  // namespace
}  // namespace carewatch::reddit_test

#endif  // CAREWATCH_HAVE_SHARED
