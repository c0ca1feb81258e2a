// How a poll of the fake Algolia HN Search API fails, and how hits map, following search_by_date's
// real shape (tests/fixtures/hackernews/search_by_date_page.json is a page in it, with a comment,
// an Ask HN story, a link story and hits with wrong-typed fields; the recorded page under
// ../shared/fixtures/hackernews/ when present): 429 with Retry-After, 5xx, an HTML page,
// truncated JSON, a body without hits, a 400 (fatal), a term failing while another works, a
// broken cursor, check-config.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include <rapidjson/document.h>

#include "connectors/common/json_text.h"
#include "tests/unit/connectors/hackernews_test_fixture.h"

namespace carewatch::hackernews_test {
namespace {

using std::chrono::milliseconds;
using testing::FakeResponse;

constexpr std::int64_t T = 1796450000;

std::string read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST_F(HackernewsTest, TooManyRequestsIsRetriedAfterWhatAlgoliaSaid) {
  story(1, T);
  hn_.fail_next(1, {429, {{"Retry-After", "60"}}, R"({"message": "Too many requests", "status": 429})"});
  auto c = make("", R"(["acme", "roadrunner"])");
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(*e.retry_after, milliseconds(60000));
  EXPECT_EQ(hn_.requests().size(), 1u);  // the other term is not asked
}

// Algolia's public HN endpoint sends no rate-limit headers today; a proxy in front of it may, and
// then they are read like any platform's.
TEST_F(HackernewsTest, RateLimitHeadersAreReportedAndAUsedUpLimitEndsThePoll) {
  story(0, 1796450000);
  auto c = make(R"(, "hits_per_page": 1)");
  const std::string cursor = ok(*c, "").next_cursor;
  story(1, T + 1);
  story(2, T + 2);
  testing::FakeHnItem newest;
  newest.object_id = id(2);
  newest.created_at_i = T + 2;
  newest.title = "Acme story 2";
  hn_.fail_next(1, {200, {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "40"}},
                    "{\"hits\": [" + testing::FakeHackernews::hit_json(newest) +
                        "], \"nbHits\": 2, \"page\": 0, \"nbPages\": 2, \"hitsPerPage\": 1}"});
  PollResult r = c->poll(cursor);
  ASSERT_TRUE(r.batch) << r.error->message;
  ASSERT_TRUE(r.usage.rate_limit_remaining);
  EXPECT_EQ(*r.usage.rate_limit_remaining, 0.0);
  ASSERT_TRUE(r.batch->retry_after);
  EXPECT_GT(r.batch->retry_after->count(), 30000);
  EXPECT_FALSE(r.batch->more);
  EXPECT_EQ(ids_of(*r.batch), ids({2}));
  EXPECT_EQ(hn_.requests().size(), 2u);  // one on the first poll, one now: no second page asked
  // The next poll goes on with the run: story 1, then nothing twice.
  Batch b = ok(*c, r.batch->next_cursor);
  EXPECT_EQ(ids_of(b), ids({1}));
  EXPECT_TRUE(ok(*c, b.next_cursor).mentions.empty());
}

TEST_F(HackernewsTest, ServerErrorHtmlAndTruncatedJsonAreRetried) {
  story(1, T);
  auto c = make();
  hn_.fail_next(1, {503, {}, R"({"message": "unavailable"})"});
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("503"), std::string::npos) << e.message;

  hn_.fail_next(1, {200, {{"Content-Type", "text/html"}}, "<html><body>502 Bad Gateway</body></html>"});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("HTML"), std::string::npos) << e.message;

  hn_.fail_next(1, {200, {}, R"({"hits": [{"objectID": "1", "created_at_i": 17)"});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("invalid JSON"), std::string::npos) << e.message;

  hn_.fail_next(1, {200, {}, R"({"message": "ok", "hits": {"0": {}}})"});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("hits: expected an array, got an object"), std::string::npos) << e.message;

  EXPECT_EQ(ok(*c, "").mentions.size(), 1u);  // then it works
}

TEST_F(HackernewsTest, ABadRequestIsFatalAndNamesAlgoliasMessage) {
  hn_.fail_next(1, {400, {}, R"({"message": "invalid numericFilters", "status": 400})"});
  auto c = make();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("invalid numericFilters"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("\"acme\""), std::string::npos) << e.message;
}

TEST_F(HackernewsTest, AFailedTermKeepsItsCursorAndTheOthersGoOn) {
  story(1, T);
  auto c = make("", R"(["acme", "story"])");
  const std::string cursor = ok(*c, "").next_cursor;
  story(2, T + 1);
  hn_.fail_next(1, {500, {}, "{}"});
  Batch b = ok(*c, cursor);
  EXPECT_EQ(ids_of(b), ids({2}));  // from "story"
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("\"acme\""), std::string::npos) << b.warnings[0];
  // "acme"'s cursor did not move: it finds story 2 now (the store dedupes the uid "story" took).
  Batch b2 = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b2), ids({2}));
  EXPECT_TRUE(ok(*c, b2.next_cursor).mentions.empty());
}

TEST_F(HackernewsTest, MapsStoriesCommentsAndAskHnAndSkipsWrongTypedHits) {
  hn_.server().on("GET", "/api/v1/search_by_date", [](const testing::FakeRequest&) {
    return FakeResponse{200, {}, read(kFixtures + "search_by_date_page.json")};
  });
  auto c = make(R"(, "hits_per_page": 20)");
  PollResult r = c->poll("");
  ASSERT_TRUE(r.batch) << r.error->message;
  const Batch& b = *r.batch;
  EXPECT_EQ(r.usage.posts_read, 6u);
  ASSERT_EQ(b.mentions.size(), 3u);
  ASSERT_EQ(b.warnings.size(), 3u);
  EXPECT_EQ(b.warnings[0], "\"acme\": hits[3].objectID: expected a string, got a number");
  EXPECT_EQ(b.warnings[1], "\"acme\": hits[4].created_at_i: expected seconds since the epoch, got a string");
  EXPECT_EQ(b.warnings[2], "\"acme\": hits[5].parent_id: expected an integer, got a string");

  const Mention& seatmap = b.mentions[0];  // oldest first
  EXPECT_EQ(seatmap.uid, "hackernews:42300001");
  EXPECT_EQ(seatmap.text, "Acme Air open-sources its seat-map renderer\nhttps://github.example/acmeair/seatmap");
  EXPECT_EQ(seatmap.url, "https://news.ycombinator.com/item?id=42300001");
  EXPECT_EQ(seatmap.author.handle, "dwu");
  EXPECT_EQ(seatmap.posted_at, 1796454000000);
  EXPECT_TRUE(seatmap.parent_id.empty());

  const Mention& ask = b.mentions[1];
  EXPECT_EQ(ask.text,
            "Ask HN: Has anyone gotten a refund from Acme Air?\n\nCancelled in October, still nothing. Their form just loops.");

  const Mention& comment = b.mentions[2];
  EXPECT_EQ(comment.native_id, "42300010");
  EXPECT_EQ(comment.text,
            "Flew Acme Air last week: the app lost my booking & support said \"try again later\".\n\nNot great.");
  EXPECT_EQ(comment.parent_id, "42300005");
  EXPECT_EQ(comment.conversation_id, "42300001");
  EXPECT_EQ(comment.author.handle, "ferrisw");
  EXPECT_EQ(comment.author.display_name, "ferrisw");
  EXPECT_EQ(comment.platform, "hackernews");
  EXPECT_EQ(comment.source, "acme-hn");
  rapidjson::Document raw;
  raw.Parse(comment.raw.c_str());
  ASSERT_TRUE(raw.IsObject());
  EXPECT_FALSE(raw.HasMember("_highlightResult"));
  EXPECT_TRUE(raw.HasMember("story_title"));
}

TEST_F(HackernewsTest, ABrokenCursorIsFatal) {
  auto c = make();
  for (const char* cursor : {"[]", R"({"acme": {"newest": "x"}})", R"({"acme": {"ids": [1]}})",
                             R"({"acme": {"run": {"page": -1}}})"}) {
    const PollError e = failed(*c, cursor);
    EXPECT_EQ(e.kind, PollError::Kind::fatal) << cursor;
    EXPECT_TRUE(e.bad_cursor) << cursor;
  }
  EXPECT_TRUE(hn_.requests().empty());
}

TEST(HackernewsOptions, CheckConfig) {
  struct Case {
    const char* options;
    const char* message;
  } cases[] = {
      {R"({})", "terms"},
      {R"({"terms": []})", "options.terms"},
      {R"({"terms": ["Acme", "acme"]})", "options.terms[1]: \"acme\" is listed twice"},
      {R"({"terms": ["acme"], "base_url": "hn.algolia.com"})", "options.base_url"},
      {R"({"terms": ["acme"], "hits_per_page": "many"})", "options.hits_per_page"},
      {R"({"terms": ["acme"], "backfill": "forever"})", "options.backfill"},
  };
  for (const auto& k : cases) {
    std::string error;
    EXPECT_FALSE(build(k.options, error)) << k.options;
    EXPECT_NE(error.find(k.message), std::string::npos) << k.options << " -> " << error;
  }
  std::string error;
  EXPECT_TRUE(build(R"({"terms": ["acme air"]})", error)) << error;
}

#ifdef CAREWATCH_HAVE_SHARED
// The recorded Algolia page (fraction/node-hacker-news-api's test data), served as it was.
TEST_F(HackernewsTest, ReadsTheRecordedAlgoliaPage) {
  const std::string recorded = read(std::string(CAREWATCH_SHARED_DIR) + "/fixtures/hackernews/algolia_story_search_by_date_apple.json");
  rapidjson::Document d;
  d.Parse(recorded.c_str());
  ASSERT_TRUE(d.IsObject() && d.HasMember("body"));
  const std::string body = text::to_text(d["body"]);
  hn_.server().on("GET", "/api/v1/search_by_date",
                  [body](const testing::FakeRequest&) { return FakeResponse{200, {}, body}; });
  auto c = make(R"(, "hits_per_page": 1)", R"(["apple"])");
  Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_EQ(b.mentions[0].native_id, "7919424");
  EXPECT_EQ(b.mentions[0].author.handle, "bradleyjg");
  EXPECT_EQ(b.mentions[0].posted_at, 1403235346000);
  EXPECT_EQ(b.mentions[0].text.rfind("Judge says concerned about Apple, Google hiring settlement\nhttp", 0), 0u);
  EXPECT_TRUE(b.warnings.empty());
}
#endif

}  // namespace
}  // namespace carewatch::hackernews_test
