// A page of X API v2 posts -> Mentions (connectors/x/tweet_mention.h), on pages in the shape of
// GET /2/users/:id/mentions and GET /2/tweets/search/recent with expansions=author_id and
// user.fields (tests/fixtures/x/, written in the shape of X's documented and recorded answers),
// and, where ../shared is present, on X's recorded recent-search answers
// (../shared/fixtures/twitter/postman_Recent_search_*.json).
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "connectors/common/json_text.h"
#include "connectors/x/cursor.h"
#include "connectors/x/tweet_mention.h"
#include "tests/unit/connectors/x_test_fixture.h"

namespace carewatch::x_test {
namespace {

struct Read {
  x::Page page;
  std::vector<std::string> warnings;
  std::optional<std::string> error;
};

Read read(const std::string& json, const std::string& label = "mentions") {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  EXPECT_FALSE(doc.HasParseError());
  Read r;
  r.error = x::read_page(doc, label, "acme-x", 1000, [&](std::string w) { r.warnings.push_back(std::move(w)); },
                         r.page);
  return r;
}

TEST(XTweetMention, APageOfMentions) {
  const Read r = read(fixture("mentions_page.json"));
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.page.read, 4u);
  EXPECT_EQ(r.page.next_token, "7140dibdnow9c7btw4b0ek8zbj5x3yt4ynytmszy2d7sy");
  EXPECT_EQ(r.page.newest_id, "1864712290000000001");
  ASSERT_EQ(r.page.posts.size(), 4u);

  // A reply, with X's entities decoded and its author from includes.users.
  ASSERT_TRUE(r.page.posts[0].mention);
  const Mention& m = *r.page.posts[0].mention;
  EXPECT_EQ(m.uid, "x:1864712290000000001");
  EXPECT_EQ(m.platform, "x");
  EXPECT_EQ(m.source, "acme-x");
  EXPECT_EQ(m.text, "@AcmeAir still no bag after 3 days & nobody answers the phone. Flight AC 212 <LHR>");
  EXPECT_EQ(m.author.id, "1600000000000000101");
  EXPECT_EQ(m.author.handle, "dana_flies");
  EXPECT_EQ(m.author.display_name, "Dana Flies");
  EXPECT_EQ(m.author.followers, 1520);
  EXPECT_FALSE(m.author.verified);
  EXPECT_EQ(m.url, "https://x.com/dana_flies/status/1864712290000000001");
  EXPECT_EQ(m.parent_id, "1864712288112390144");
  EXPECT_EQ(m.conversation_id, "1864712288112390144");
  EXPECT_EQ(m.language, "en");
  TimeMs t = 0;
  ASSERT_TRUE(parse_iso8601("2026-12-04T09:41:12.000Z", t));
  EXPECT_EQ(m.posted_at, t);
  EXPECT_EQ(m.seen_at, 1000);
  EXPECT_NE(m.raw.find("\"public_metrics\""), std::string::npos);

  // "und" is no language; a verified author.
  ASSERT_TRUE(r.page.posts[1].mention);
  EXPECT_EQ(r.page.posts[1].mention->language, "");
  EXPECT_TRUE(r.page.posts[1].mention->author.verified);
  EXPECT_EQ(r.page.posts[1].mention->author.followers, 88000);
  EXPECT_EQ(r.page.posts[1].mention->parent_id, "");

  // A repost is skipped (but was read).
  EXPECT_TRUE(r.page.posts[2].repost);
  EXPECT_FALSE(r.page.posts[2].mention);

  // A long post: note_tweet's full text; an author X could not include (a partial error).
  ASSERT_TRUE(r.page.posts[3].mention);
  const Mention& long_post = *r.page.posts[3].mention;
  EXPECT_NE(long_post.text.find("Schlichtungsstelle wende. Danke."), std::string::npos) << long_post.text;
  EXPECT_EQ(long_post.author.id, "1600000000000000104");
  EXPECT_EQ(long_post.author.handle, "");
  EXPECT_EQ(long_post.url, "https://x.com/i/web/status/1864712260000000004");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "mentions: X reported: Not Found Error: Could not find user with author_id: [1600000000000000104].");
}

TEST(XTweetMention, WrongTypedFieldsSkipThePostWithAWarningNamingTheField) {
  const Read r = read(fixture("mentions_malformed.json"), "search \"acme\"");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.page.read, 6u);
  std::vector<std::string> kept;
  for (const auto& p : r.page.posts)
    if (p.mention) kept.push_back(p.id);
  EXPECT_EQ(kept, (std::vector<std::string>{"1864713970000000004", "1864713960000000005"}));
  const std::vector<std::string> expected = {
      "search \"acme\": includes.users[0].public_metrics.followers_count: expected a number, got a string",
      "search \"acme\": data[0].id: expected a string, got a number",
      "search \"acme\": data[1].text: expected a string, got an array",
      "search \"acme\": data[2].author_id: expected a string, got a number",
      "search \"acme\": data[3].created_at: expected an ISO 8601 time, got \"yesterday\" (kept, with the time its id "
      "gives)",
      "search \"acme\": data[4]: expected an object, got a string"};
  EXPECT_EQ(r.warnings, expected);
  // The post with a bad time keeps the time of its id.
  for (const auto& p : r.page.posts) {
    if (p.id == "1864713970000000004") {
      EXPECT_EQ(p.mention->posted_at, x::snowflake_time(p.id));
    }
  }
}

TEST(XTweetMention, PagesThatCannotBeRead) {
  EXPECT_TRUE(read("[]").error);
  EXPECT_EQ(*read(R"({"data": {}})").error, "data: expected an array, got an object");
  EXPECT_EQ(*read(R"({"data": [], "meta": {"next_token": 5}})").error,
            "meta.next_token: expected a string, got a number");
  // Nothing found: no "data" at all.
  const Read empty = read(R"({"meta": {"result_count": 0}})");
  EXPECT_FALSE(empty.error);
  EXPECT_EQ(empty.page.read, 0u);
}

TEST(XTweetMention, LanguagesAndText) {
  EXPECT_EQ(x::language_of("und"), "");
  EXPECT_EQ(x::language_of("zxx"), "");
  EXPECT_EQ(x::language_of("qme"), "");
  EXPECT_EQ(x::language_of("pt"), "pt");
  EXPECT_EQ(x::language_of("zh-TW"), "zh-TW");
  EXPECT_EQ(x::decode_post_text("a &amp;amp; b &lt;3 &unknown;"), "a &amp; b <3 &unknown;");
}

#ifdef CAREWATCH_HAVE_SHARED
std::string shared_body(const std::string& name) {
  const std::string text = read_file(std::string(CAREWATCH_SHARED_DIR) + "/fixtures/twitter/" + name);
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_TRUE(d.IsObject() && d.HasMember("body")) << name;
  return text::to_text(d["body"]);
}

TEST(XTweetMention, XsRecordedSearchWithExpandedUsers) {
  const Read r = read(shared_body("postman_Recent_search_200_Success_Request_Tweet_Fields_with_Expanded_User_Fields.json"),
                      "search \"conversation\"");
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.page.posts.size(), r.page.read);
  ASSERT_FALSE(r.page.posts.empty());
  for (const auto& p : r.page.posts) {
    ASSERT_TRUE(p.mention) << p.id;
    EXPECT_FALSE(p.mention->author.handle.empty()) << p.id;  // every author is in includes.users
    EXPECT_EQ(p.mention->url, "https://x.com/" + p.mention->author.handle + "/status/" + p.id);
    EXPECT_FALSE(p.mention->parent_id.empty()) << p.id;       // all are replies
    EXPECT_EQ(p.mention->posted_at / 1000, x::snowflake_time(p.id) / 1000) << p.id;
  }
  EXPECT_EQ(r.page.posts[0].mention->author.handle, "happycamper");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(XTweetMention, XsRecordedSearchWithTweetFields) {
  const Read r = read(shared_body("postman_Recent_search_200_Success_Request_Tweet_Fields.json"), "search \"nyc\"");
  ASSERT_FALSE(r.error) << *r.error;
  size_t reposts = 0, mentions = 0;
  for (const auto& p : r.page.posts) {
    if (p.repost) ++reposts;
    if (p.mention) {
      ++mentions;
      EXPECT_EQ(p.mention->text.find("&amp;"), std::string::npos) << p.mention->text;
      EXPECT_EQ(p.mention->url, "https://x.com/i/web/status/" + p.id);  // no expansions: no handles
    }
  }
  EXPECT_GT(reposts, 0u);
  EXPECT_GT(mentions, 0u);
  EXPECT_EQ(reposts + mentions, r.page.read);
}

TEST(XTweetMention, XsRecordedDefaultSearchPage) {
  const Read r = read(shared_body("postman_Recent_search_200_Success_Recent_Search_Default_Payload.json"), "search");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.page.read, 10u);
  EXPECT_EQ(r.page.next_token, "b26v89c19zqg8o3fo7gesq314yb2ynhwgmfg7az3v76v1");
  // Only id and text: kept, with the time of the id and a warning each.
  size_t kept = 0;
  for (const auto& p : r.page.posts) kept += p.mention ? 1 : 0;
  EXPECT_EQ(kept, 10u);
}
#endif

}  // namespace
}  // namespace carewatch::x_test
