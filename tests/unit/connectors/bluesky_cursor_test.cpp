// The Bluesky cursor (connectors/bluesky/cursor.h): per stream the newest sort time seen with the
// uris seen in the 10 minutes below it, and a walk in progress; written and read back, and
// refused with a message naming the field when malformed.
#include <gtest/gtest.h>

#include <string>

#include "connectors/bluesky/cursor.h"
#include "connectors/bluesky/post_mention.h"

namespace carewatch::bluesky {
namespace {

TEST(BlueskyCursor, RoundTripsWithAWalk) {
  Cursor c;
  StreamCursor& n = c["notifications"];
  n.head.note(1'800'000'000'000, "at://did:plc:a/app.bsky.feed.post/3mbqa2r7nvs2c");
  n.head.note(1'800'000'000'000 - 60'000, "at://did:plc:b/app.bsky.feed.post/3mbqa2r7nvs2d");
  n.head.from = 1'800'000'000'000 - 120'000;
  Walk w;
  w.page = "1799999999000::bafyreiabc";
  w.below.note(1'799'999'000'000, "at://did:plc:c/app.bsky.feed.post/3mbqa2r7nvs2e");
  w.until.at = 1'799'000'000'000;
  w.until.seen["at://did:plc:d/app.bsky.feed.post/3mbqa2r7nvs2f"] = 1'799'000'000'000;
  w.until.from = 1'798'999'000'000;
  n.walk = w;
  c["search:acme air"].head.at = 1'790'000'000'000;

  const std::string text = write_cursor(c);
  Cursor back;
  std::string error;
  ASSERT_TRUE(parse_cursor(text, back, error)) << error;
  EXPECT_EQ(write_cursor(back), text);
  ASSERT_EQ(back.size(), 2u);
  const StreamCursor& b = back.at("notifications");
  EXPECT_EQ(b.head.at, 1'800'000'000'000);
  EXPECT_EQ(b.head.seen.size(), 2u);
  EXPECT_EQ(b.head.from, 1'800'000'000'000 - 120'000);
  ASSERT_TRUE(b.walk);
  EXPECT_EQ(b.walk->page, "1799999999000::bafyreiabc");
  EXPECT_EQ(b.walk->below.at, 1'799'999'000'000);
  EXPECT_EQ(b.walk->until.from, 1'798'999'000'000);
  EXPECT_FALSE(back.at("search:acme air").walk);
}

TEST(BlueskyCursor, AMarkCoversItsWindowByUriAndWhatIsBelowIt) {
  Mark m;
  const TimeMs t = 1'800'000'000'000;
  m.note(t, "new");
  m.note(t - 5 * 60'000, "five-minutes");
  m.note(t - 20 * 60'000, "twenty-minutes");  // below the window: not kept
  EXPECT_EQ(m.seen.count("twenty-minutes"), 0u);
  EXPECT_TRUE(m.covers(t - 5 * 60'000, "five-minutes"));
  EXPECT_FALSE(m.covers(t - 5 * 60'000, "late"));  // a post in the window, not seen: new
  EXPECT_TRUE(m.covers(t - 11 * 60'000, "anything"));
  EXPECT_TRUE(m.below_window(t - 11 * 60'000));
  EXPECT_FALSE(m.covers(t + 1, "newer"));
  // Moving on prunes what falls out of the window.
  m.note(t + 30 * 60'000, "later");
  EXPECT_EQ(m.seen.size(), 1u);
}

TEST(BlueskyCursor, MalformedCursorsNameWhatIsWrong) {
  Cursor c;
  std::string error;
  EXPECT_TRUE(parse_cursor("", c, error));
  EXPECT_TRUE(c.empty());
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {"[]", "expected a JSON object"},
           {R"({"notifications": 3})", "\"notifications\": expected an object"},
           {R"({"notifications": {"seen": {}}})", "\"notifications\".at: expected an ISO 8601 time, got nothing"},
           {R"({"notifications": {"at": "yesterday"}})", "\"notifications\".at: expected an ISO 8601 time, got \"yesterday\""},
           {R"({"notifications": {"at": "2026-12-01T00:00:00Z", "seen": {"at://x": "y"}}})", "expected a number"},
           {R"({"notifications": {"at": "2026-12-01T00:00:00Z", "walk": {"below": "2026-12-01T00:00:00Z"}}})",
            "walk.page: expected a page cursor"},
       }) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_cursor(text, c, error));
    EXPECT_EQ(error.rfind("cursor: ", 0), 0u) << error;
    EXPECT_NE(error.find(expected), std::string::npos) << error;
  }
}

TEST(BlueskyUris, AtUrisAndPermalinks) {
  const auto at = parse_at_uri("at://did:plc:abc/app.bsky.feed.post/3mbqa2r7nvs2c");
  ASSERT_TRUE(at);
  EXPECT_EQ(at->repo, "did:plc:abc");
  EXPECT_EQ(at->collection, "app.bsky.feed.post");
  EXPECT_EQ(at->rkey, "3mbqa2r7nvs2c");
  EXPECT_FALSE(parse_at_uri("https://bsky.app/profile/x/post/y"));
  EXPECT_FALSE(parse_at_uri("at://did:plc:abc/app.bsky.feed.post"));
  EXPECT_FALSE(parse_at_uri("at://did:plc:abc/app.bsky.feed.post/"));
  EXPECT_EQ(post_url("at://did:plc:abc/app.bsky.feed.post/3mbq", "kim.bsky.social"),
            "https://bsky.app/profile/kim.bsky.social/post/3mbq");
  EXPECT_EQ(post_url("at://did:plc:abc/app.bsky.feed.post/3mbq", "handle.invalid"),
            "https://bsky.app/profile/did:plc:abc/post/3mbq");
  EXPECT_EQ(post_url("at://did:plc:abc/app.bsky.feed.like/3mbq", "kim.bsky.social"), "");
}

}  // namespace
}  // namespace carewatch::bluesky
