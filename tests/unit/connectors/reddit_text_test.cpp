// The Reddit connector's pure parts: markdown as Reddit's "body" / "selftext" holds it (entity-
// escaped, as in the recorded Listings of ../shared/fixtures/reddit/) into readable text, the
// cursor's text form, fullnames, and the reply rules (comment length, RATELIMIT waits, Reddit's
// /api/comment answer, comparing a body read back with the text posted).
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <string>

#include "connectors/reddit/cursor.h"
#include "connectors/reddit/markdown_text.h"
#include "connectors/reddit/reply_text.h"

namespace carewatch::reddit {
namespace {

using std::chrono::milliseconds;

TEST(RedditMarkdown, EntitiesAreDecodedOnce) {
  EXPECT_EQ(markdown_to_text("fish &amp; chips &lt;3 &gt; all"), "fish & chips <3 > all");
  EXPECT_EQ(markdown_to_text("&amp;lt;tag&amp;gt;"), "&lt;tag&gt;");
  EXPECT_EQ(markdown_to_text("a &amp;#x200B; b"), "a  b");
  EXPECT_EQ(markdown_to_text("&amp;#x200B;\n\nreal text"), "real text");
}

TEST(RedditMarkdown, LinksBecomeTextAndUrl) {
  EXPECT_EQ(markdown_to_text("see [the tracker](https://acme.example/bags?id=1) now"),
            "see the tracker (https://acme.example/bags?id=1) now");
  EXPECT_EQ(markdown_to_text("[https://acme.example](https://acme.example)"), "https://acme.example");
  EXPECT_EQ(markdown_to_text("[wiki](https://en.wikipedia.org/wiki/Acme_(company))"),
            "wiki (https://en.wikipedia.org/wiki/Acme_(company))");
  EXPECT_EQ(markdown_to_text("[rules](/r/acmeair/wiki/rules)"), "rules (https://www.reddit.com/r/acmeair/wiki/rules)");
  EXPECT_EQ(markdown_to_text("[a **bold** link](https://x.example \"title\")"), "a bold link (https://x.example)");
  EXPECT_EQ(markdown_to_text("[not a link] (no)"), "[not a link] (no)");
  EXPECT_EQ(markdown_to_text("[unclosed](https://x.example"), "[unclosed](https://x.example");
}

TEST(RedditMarkdown, EmphasisAndMarkupAreDropped) {
  EXPECT_EQ(markdown_to_text("**worst** __airline__ ever"), "worst airline ever");
  EXPECT_EQ(markdown_to_text("*kept* _kept_ 2*3"), "*kept* _kept_ 2*3");
  EXPECT_EQ(markdown_to_text("# Lost bag\n## Day 3"), "Lost bag\nDay 3");
  EXPECT_EQ(markdown_to_text("#acmeair is not a heading"), "#acmeair is not a heading");
  EXPECT_EQ(markdown_to_text("^^If ^^you ^(have questions) x^2"), "If you have questions x^2");
  EXPECT_EQ(markdown_to_text("1\\. not a list \\*really\\*"), "1. not a list *really*");
}

TEST(RedditMarkdown, LineBreaksAreKept) {
  EXPECT_EQ(markdown_to_text("line one  \nline two"), "line one\nline two");
  EXPECT_EQ(markdown_to_text("para one\n\n\n\n\npara two\r\n"), "para one\n\npara two");
  EXPECT_EQ(markdown_to_text("\n\n  lead\n"), "lead");
  EXPECT_EQ(markdown_to_text("&gt; quoted\n\nanswer"), "> quoted\n\nanswer");
  EXPECT_EQ(markdown_to_text("```\n**as is**\n```\nafter"), "**as is**\nafter");
  EXPECT_EQ(markdown_to_text(""), "");
  EXPECT_EQ(markdown_to_text("bad \xFF byte"), "bad \xEF\xBF\xBD byte");
}

TEST(RedditFullname, IsTypeAndBase36) {
  EXPECT_TRUE(valid_fullname("t1_k2x9q"));
  EXPECT_TRUE(valid_fullname("t3_1h2acme"));
  EXPECT_FALSE(valid_fullname("t1_"));
  EXPECT_FALSE(valid_fullname("T1_abc"));
  EXPECT_FALSE(valid_fullname("t1_ab/c"));
  EXPECT_FALSE(valid_fullname("k2x9q"));
  EXPECT_FALSE(valid_fullname("t0_abc"));
}

TEST(RedditCursor, RoundTripsAndTrims) {
  Cursor c;
  c["comments:acmeair"].add("t1_b", 200);
  c["comments:acmeair"].add("t1_a", 100);
  c["comments:acmeair"].gap = Gap{"t1_a", 90, {}};
  c["mentions"].add("t1_z", 300);
  const std::string text = write_cursor(c);
  EXPECT_EQ(text, R"({"comments:acmeair":{"seen":{"t1_a":100,"t1_b":200},"gap":{"after":"t1_a","until":90}},)"
                  R"("mentions":{"seen":{"t1_z":300}}})");
  Cursor back;
  std::string error;
  ASSERT_TRUE(parse_cursor(text, back, error)) << error;
  EXPECT_EQ(write_cursor(back), text);
  EXPECT_EQ(back["comments:acmeair"].floor(), 100);
  EXPECT_EQ(back["comments:acmeair"].newest(), 200);

  StreamState s;
  for (int i = 0; i < 300; ++i) s.add("t1_x" + std::to_string(i), 1000 + i / 2);  // two items a second
  s.trim();
  EXPECT_EQ(s.seen.size(), kSeenKept);  // the cut falls between two seconds
  EXPECT_EQ(s.floor(), 1050);
  s.add("t1_y", 1050);
  s.trim();
  EXPECT_EQ(s.seen.size(), kSeenKept + 1);  // every item of the oldest kept second stays
}

TEST(RedditCursor, MalformedOnesAreNamed) {
  Cursor c;
  std::string error;
  EXPECT_TRUE(parse_cursor("", c, error));
  EXPECT_TRUE(c.empty());
  EXPECT_FALSE(parse_cursor("[]", c, error));
  EXPECT_FALSE(parse_cursor(R"({"mentions": 3})", c, error));
  EXPECT_NE(error.find("\"mentions\""), std::string::npos) << error;
  EXPECT_FALSE(parse_cursor(R"({"mentions": {"seen": {"t1_a": "x"}}})", c, error));
  EXPECT_FALSE(parse_cursor(R"({"mentions": {"gap": {"after": "bad", "until": 1}}})", c, error));
  EXPECT_NE(error.find("gap"), std::string::npos) << error;
  EXPECT_FALSE(parse_cursor(R"({"mentions": {"gap": {"after": "t1_a", "until": 1, "also": ["x"]}}})", c, error));
  EXPECT_NE(error.find("gap.also"), std::string::npos) << error;
  ASSERT_TRUE(parse_cursor(R"({"mentions": {"gap": {"after": "t1_a", "until": 1, "also": ["t1_b", "t1_c"]}}})", c, error))
      << error;
  EXPECT_EQ(c["mentions"].gap->also, (std::vector<std::string>{"t1_b", "t1_c"}));
  EXPECT_EQ(write_cursor(c), R"({"mentions":{"seen":{},"gap":{"after":"t1_a","until":1,"also":["t1_b","t1_c"]}}})");
}

TEST(RedditReplyText, CommentLengthIsCodePoints) {
  EXPECT_EQ(comment_length(""), 0u);
  EXPECT_EQ(comment_length("abc"), 3u);
  EXPECT_EQ(comment_length("caf\xC3\xA9 \xF0\x9F\x9B\xAB"), 6u);  // é, the airplane emoji
  EXPECT_EQ(comment_length("\xFF\xFE"), 2u);
}

TEST(RedditReplyText, RatelimitWaits) {
  EXPECT_EQ(ratelimit_wait("you are doing that too much. try again in 6 minutes."), milliseconds(360000));
  EXPECT_EQ(ratelimit_wait("you are doing that too much. try again in 1 minute."), milliseconds(60000));
  EXPECT_EQ(ratelimit_wait("Try again in 45 seconds."), milliseconds(45000));
  EXPECT_FALSE(ratelimit_wait("you are doing that too much."));
  EXPECT_FALSE(ratelimit_wait("try again in a while"));
}

TEST(RedditReplyText, ReadsTheAnswersOfApiComment) {
  rapidjson::Document d;
  d.Parse(R"({"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": {"id": "m9zz001",
      "name": "t1_m9zz001", "parent_id": "t1_m9q1t7e", "body": "On it", "created_utc": 1764090100.0,
      "permalink": "/r/travel/comments/1h9trv1/which_european_airline/m9zz001/"}}]}}})");
  CommentAnswer a = read_comment_answer(d);
  ASSERT_TRUE(a.post) << a.problem;
  EXPECT_EQ(a.post->id, "t1_m9zz001");
  EXPECT_EQ(a.post->url, "https://www.reddit.com/r/travel/comments/1h9trv1/which_european_airline/m9zz001/");
  EXPECT_EQ(a.post->posted_at, 1764090100000);

  d.Parse(R"({"json": {"errors": [["THREAD_LOCKED", "that comment is locked", "parent"]]}})");
  a = read_comment_answer(d);
  ASSERT_EQ(a.errors.size(), 1u);
  EXPECT_EQ(a.errors[0].code, "THREAD_LOCKED");
  EXPECT_EQ(a.errors[0].field, "parent");
  EXPECT_FALSE(a.post);

  d.Parse(R"({"json": {"ratelimit": 61.5, "errors": [["RATELIMIT", "try again in 1 minute.", "ratelimit"]]}})");
  a = read_comment_answer(d);
  ASSERT_TRUE(a.wait);
  EXPECT_EQ(a.wait->count(), 61500);

  for (const char* bad : {R"({"jquery": []})", R"({"json": {"errors": [], "data": {"things": []}}})",
                          R"({"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": {"name": 5}}]}}})"}) {
    d.Parse(bad);
    a = read_comment_answer(d);
    EXPECT_FALSE(a.post) << bad;
    EXPECT_FALSE(a.problem.empty()) << bad;
  }
}

TEST(RedditReplyText, ABodyReadBackIsTheTextPosted) {
  EXPECT_TRUE(same_comment_text("fish &amp; chips &lt;3", "fish & chips <3"));
  EXPECT_TRUE(same_comment_text("two  \nlines", "two\r\nlines  \n"));
  EXPECT_FALSE(same_comment_text("fish &amp;amp; chips", "fish & chips"));
  EXPECT_FALSE(same_comment_text("On it!", "On it"));
}

}  // namespace
}  // namespace carewatch::reddit
