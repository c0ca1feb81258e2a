// Polling a fake Bluesky PDS (tests/support/fake_bluesky.h): listNotifications and searchPosts
// paging backwards in time with `cursor` (the App View's shapes: {"notifications": [...],
// "cursor"} and {"posts": [postView...], "cursor", "hitsTotal"}, as in
// ../shared/fixtures/bluesky/bskyr_f_search.0.response.json and its lexicon), the first poll, walks
// longer than max_pages kept in the cursor across a restart, late-indexed posts, RateLimit-*
// headers, and posts mapped to mentions (tests/fixtures/bluesky/).
#include "tests/unit/connectors/bluesky_test_fixture.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "mention/common/time.h"

namespace carewatch::bluesky_test {
namespace {

using testing::BlueskyPost;
using testing::FakeRequest;
using testing::FakeResponse;

std::vector<std::string> query_values(const FakeRequest& r, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.query_list)
    if (k == key) out.push_back(v);
  return out;
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return d;
}

// ---- paging ----------------------------------------------------------------------------------

TEST_F(BlueskyTest, FirstPollTakesTheNewestPageOnly) {
  const auto uris = mentions(8);
  auto c = make(R"(, "page_size": 3)");
  const Batch b = ok(*c, "");
  // The 3 newest, oldest first; nothing older is backfilled.
  EXPECT_EQ(ids_of(b), std::vector<std::string>(uris.begin() + 5, uris.end()));
  EXPECT_FALSE(b.more);
  const auto pages = fake_.requests_to("app.bsky.notification.listNotifications");
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].query.at("limit"), "3");
  EXPECT_EQ(pages[0].query.count("cursor"), 0u);
  EXPECT_EQ(query_values(pages[0], "reasons"), (std::vector<std::string>{"mention", "reply", "quote"}));
  EXPECT_EQ(fake_.logins(), 1u);
  const auto cursor = parse(b.next_cursor);
  ASSERT_TRUE(cursor.IsObject()) << b.next_cursor;
  ASSERT_TRUE(cursor.HasMember("notifications")) << b.next_cursor;
  EXPECT_FALSE(cursor["notifications"].HasMember("walk")) << b.next_cursor;
}

TEST_F(BlueskyTest, LaterPollsWalkBackToTheNewestSeenAndStop) {
  mentions(4, 60);  // an hour ago: below the overlap window of what comes next
  auto c = make(R"(, "page_size": 3)");
  Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 3u);
  const auto fresh = mentions(7);
  fake_.server().clear_requests();
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b), fresh);
  EXPECT_FALSE(b.more);
  // 7 new in pages of 3; the third page reaches the ones seen, and the walk goes on through the
  // window kept by uri (10 minutes below the newest seen, here down to the oldest of the first
  // page) to the fourth page, whose last post is older: there it stops.
  const auto pages = fake_.requests_to("app.bsky.notification.listNotifications");
  ASSERT_EQ(pages.size(), 4u);
  EXPECT_EQ(pages[0].query.count("cursor"), 0u);
  EXPECT_EQ(pages[1].query.count("cursor"), 1u);
  // Nothing new: the walk reads down through the window again (the 7 new ones are within 10
  // minutes of the newest) and returns nothing; and one login for all of it.
  fake_.server().clear_requests();
  b = ok(*c, b.next_cursor);
  EXPECT_TRUE(b.mentions.empty());
  EXPECT_EQ(fake_.requests_to("app.bsky.notification.listNotifications").size(), 3u);
  EXPECT_EQ(fake_.logins(), 1u);
}

TEST_F(BlueskyTest, ARestartInTheMiddleOfAWalkLosesNothingAndRepeatsNothing) {
  mentions(2, 120);
  std::string cursor;
  {
    auto c = make(R"(, "page_size": 3, "max_pages": 2)");
    cursor = ok(*c, "").next_cursor;
  }
  const auto fresh = mentions(20, 30);
  std::vector<std::string> got;
  bool more = true;
  int polls = 0;
  std::vector<std::string> newer;
  while (more && polls < 20) {
    // Every poll by a new connector (a restart), with the cursor the last one returned.
    auto c = make(R"(, "page_size": 3, "max_pages": 2)");
    const Batch b = ok(*c, cursor);
    for (const auto& id : ids_of(b)) got.push_back(id);
    more = b.more;
    cursor = b.next_cursor;
    if (polls == 0) {
      EXPECT_TRUE(b.more);
      EXPECT_EQ(b.mentions.size(), 6u);
      EXPECT_TRUE(parse(cursor)["notifications"].HasMember("walk")) << cursor;
      newer = mentions(2);  // arrive at the top while the walk goes on
    }
    ++polls;
  }
  EXPECT_FALSE(more);
  // Once the walk is done, the next poll takes what arrived on top meanwhile.
  auto c = make(R"(, "page_size": 3, "max_pages": 2)");
  Batch b = ok(*c, cursor);
  for (const auto& id : ids_of(b)) got.push_back(id);
  b = ok(*c, b.next_cursor);
  EXPECT_TRUE(b.mentions.empty());

  std::vector<std::string> expected = fresh;
  expected.insert(expected.end(), newer.begin(), newer.end());
  std::vector<std::string> sorted_got = got, sorted_expected = expected;
  std::sort(sorted_got.begin(), sorted_got.end());
  std::sort(sorted_expected.begin(), sorted_expected.end());
  EXPECT_EQ(sorted_got, sorted_expected);  // each exactly once
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
}

TEST_F(BlueskyTest, APostThatReachesTheAppViewLateIsStillFound) {
  mentions(3, 60);
  auto c = make();
  Batch b = ok(*c, "");
  mentions(2);  // new on top
  b = ok(*c, b.next_cursor);
  ASSERT_EQ(b.mentions.size(), 2u);
  // Written five minutes ago, indexed only now: it sorts below the newest already seen.
  BlueskyPost late;
  late.text = "@acmeair.bsky.social posted from a plane with bad wifi";
  late.created_at = now_ms() - 5 * 60'000;
  late.indexed_at = now_ms();
  const std::string uri = fake_.add_mention(late);
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b), std::vector<std::string>{uri});
  b = ok(*c, b.next_cursor);
  EXPECT_TRUE(b.mentions.empty());
}

TEST_F(BlueskyTest, SearchPagesBackThroughShiftingOffsetsWithoutRepeats) {
  auto search = [&](int n, int minutes_ago) {
    std::vector<std::string> uris;
    for (int i = 0; i < n; ++i) {
      BlueskyPost p;
      p.text = "Acme Air lost my bag, day " + std::to_string(i);
      p.created_at = now_ms() - minutes_ago * 60'000LL - (n - i) * 1000;
      uris.push_back(fake_.add_post(p));
    }
    return uris;
  };
  search(3, 90);
  BlueskyPost other;
  other.text = "nothing to see here";
  fake_.add_post(other);
  const std::string extra = R"(, "notifications": false, "search_terms": ["acme air"], "page_size": 2, "max_pages": 1)";
  auto c = make(extra);
  Batch b = ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 2u);
  const auto q = fake_.requests_to("app.bsky.feed.searchPosts");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].query.at("q"), "acme air");
  EXPECT_EQ(q[0].query.at("sort"), "latest");
  EXPECT_TRUE(fake_.requests_to("app.bsky.notification.listNotifications").empty());

  const auto fresh = search(5, 20);
  std::vector<std::string> got;
  std::string cursor = b.next_cursor;
  bool shifted = false;
  for (int polls = 0; polls < 20; ++polls) {
    b = ok(*c, cursor);
    for (const auto& id : ids_of(b)) got.push_back(id);
    cursor = b.next_cursor;
    if (!shifted) {  // two more on top: the offset cursor of the walk now points 2 posts higher
      search(2, 0);
      shifted = true;
    }
    if (!b.more) break;
  }
  // The walk is done; the next walk takes the two that arrived on top (one page a poll here).
  for (int polls = 0; polls < 10; ++polls) {
    b = ok(*c, cursor);
    for (const auto& id : ids_of(b)) got.push_back(id);
    cursor = b.next_cursor;
    if (!b.more) break;
  }
  // Nothing new: a walk through the window (a page a poll) that finds nothing.
  for (int polls = 0; polls < 10; ++polls) {
    b = ok(*c, cursor);
    EXPECT_TRUE(b.mentions.empty());
    cursor = b.next_cursor;
    if (!b.more) break;
  }
  EXPECT_FALSE(b.more);
  EXPECT_EQ(got.size(), 7u);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
  for (const auto& u : fresh) EXPECT_NE(std::find(got.begin(), got.end(), u), got.end()) << u;
  const auto state = parse(cursor);
  EXPECT_TRUE(state.HasMember("search:acme air")) << cursor;
}

TEST_F(BlueskyTest, APostSeenByTwoStreamsComesOnce) {
  BlueskyPost p;
  p.text = "@acmeair.bsky.social Acme Air cancelled again";
  const std::string uri = fake_.add_mention(p);
  auto c = make(R"(, "search_terms": ["acme air"])");
  const Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), std::vector<std::string>{uri});
  const auto cursor = parse(b.next_cursor);
  EXPECT_TRUE(cursor.HasMember("notifications"));
  EXPECT_TRUE(cursor.HasMember("search:acme air"));
}

TEST_F(BlueskyTest, AFirstPollOfAnEmptyListDoesNotWalkThroughHistoryLater) {
  auto c = make(R"(, "page_size": 2)");
  Batch b = ok(*c, "");
  EXPECT_TRUE(b.mentions.empty());
  const auto uris = mentions(3);
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b), uris);
}

// ---- rate limits -----------------------------------------------------------------------------

TEST_F(BlueskyTest, RateLimitHeadersAreReportedAndAnEmptyAllowanceWaits) {
  mentions(2);
  auto c = make();
  PollResult r = c->poll("");
  ASSERT_TRUE(r.batch);
  ASSERT_TRUE(r.usage.rate_limit_remaining);
  EXPECT_GT(*r.usage.rate_limit_remaining, 2000);
  EXPECT_EQ(r.usage.posts_read, 2u);
  EXPECT_FALSE(r.batch->retry_after);

  mentions(1);
  fake_.set_rate_limit_remaining(0);
  r = c->poll(r.batch->next_cursor);
  ASSERT_TRUE(r.batch);
  EXPECT_EQ(r.batch->mentions.size(), 1u);  // the page is good
  ASSERT_TRUE(r.batch->retry_after);
  EXPECT_GT(r.batch->retry_after->count(), 200'000);  // RateLimit-Reset: 300 s ahead
  EXPECT_FALSE(r.batch->more);
  ASSERT_TRUE(r.usage.rate_limit_remaining);
  EXPECT_EQ(*r.usage.rate_limit_remaining, 0);
}

// ---- mapping ---------------------------------------------------------------------------------

TEST_F(BlueskyTest, NotificationsMapToMentionsAndOtherReasonsAreSkipped) {
  const std::string page = fixture("notifications_brand.json");
  fake_.server().on("GET", "/xrpc/app.bsky.notification.listNotifications",
                    [page](const FakeRequest&) { return FakeResponse{200, {}, page}; });
  auto c = make();
  const Batch b = ok(*c, "");
  EXPECT_TRUE(b.warnings.empty()) << b.warnings[0];
  ASSERT_EQ(b.mentions.size(), 3u);  // the like is not a mention
  const Mention& quote = b.mentions[0];
  const Mention& reply = b.mentions[1];
  const Mention& mention = b.mentions[2];
  EXPECT_EQ(mention.platform, "bluesky");
  EXPECT_EQ(mention.source, "acme-bluesky");
  EXPECT_EQ(mention.native_id, "at://did:plc:k1mcust0m3rw2x4z6b8d0f2h/app.bsky.feed.post/3mbqa2r7nvs2c");
  EXPECT_EQ(mention.uid, "bluesky:" + mention.native_id);
  EXPECT_EQ(mention.url, "https://bsky.app/profile/kim.bsky.social/post/3mbqa2r7nvs2c");
  EXPECT_EQ(mention.text, "@acmeair.bsky.social my refund for booking QX7P2L was promised 6 weeks ago. Still nothing.");
  EXPECT_EQ(mention.author.id, "did:plc:k1mcust0m3rw2x4z6b8d0f2h");
  EXPECT_EQ(mention.author.handle, "kim.bsky.social");
  EXPECT_EQ(mention.author.display_name, "Kim");
  EXPECT_EQ(mention.author.followers, 0);
  EXPECT_EQ(mention.language, "en");
  EXPECT_TRUE(mention.parent_id.empty());
  EXPECT_EQ(mention.conversation_id, mention.native_id);
  TimeMs t = 0;
  ASSERT_TRUE(parse_iso8601("2026-12-01T09:30:12.118Z", t));
  EXPECT_EQ(mention.posted_at, t);
  EXPECT_GT(mention.seen_at, 0);
  EXPECT_NE(mention.raw.find("\"cid\":\"bafyreia1mention"), std::string::npos) << mention.raw;

  EXPECT_EQ(reply.parent_id, "at://did:plc:acmeair4brand7x2kq3nvw5ty/app.bsky.feed.post/3mbq4abcdwk2a");
  EXPECT_EQ(reply.conversation_id, reply.parent_id);
  EXPECT_EQ(reply.author.display_name, "");
  EXPECT_EQ(reply.url, "https://bsky.app/profile/lee.example.com/post/3mbq9wz4gtk2f");
  EXPECT_EQ(quote.text, "Acme Air says delays are rare. Ha.");
}

TEST_F(BlueskyTest, SearchPostsMapWithFullLinksAndTheirLanguage) {
  const std::string page = fixture("search_acme_air.json");
  fake_.server().on("GET", "/xrpc/app.bsky.feed.searchPosts",
                    [page](const FakeRequest&) { return FakeResponse{200, {}, page}; });
  auto c = make(R"(, "notifications": false, "search_terms": ["acme air"])");
  const Batch b = ok(*c, "");
  EXPECT_TRUE(b.warnings.empty()) << b.warnings[0];
  ASSERT_EQ(b.mentions.size(), 3u);
  const Mention& praise = b.mentions[0];
  const Mention& german = b.mentions[1];
  const Mention& delay = b.mentions[2];
  // The client shortened the link in the text; the facet has it whole.
  EXPECT_EQ(delay.text,
            "Third hour on the tarmac with Acme Air and no update from the crew. Their own page says so: "
            "https://status.acme-air.example/flights/AA1234?date=2026-11-30");
  EXPECT_EQ(delay.author.display_name, "Priya N.");
  EXPECT_EQ(german.language, "de");
  EXPECT_EQ(german.parent_id, "at://did:plc:r4nd0mcust0mer1xq2wz7kvp/app.bsky.feed.post/3mbq5vxa2lc2d");
  EXPECT_EQ(german.conversation_id, "at://did:plc:acmeair4brand7x2kq3nvw5ty/app.bsky.feed.post/3mbq4abcdwk2a");
  TimeMs t = 0;
  ASSERT_TRUE(parse_iso8601("2026-11-30T13:41:05.020Z", t));
  EXPECT_EQ(german.posted_at, t);  // microseconds read
  // An unresolvable handle: the permalink uses the DID.
  EXPECT_EQ(praise.author.handle, "handle.invalid");
  EXPECT_EQ(praise.url, "https://bsky.app/profile/did:plc:fr3qu3ntfly3rz2k4m6q8s0u/post/3mbq2m7ff3c2x");
  EXPECT_EQ(praise.language, "");
}

#ifdef CAREWATCH_HAVE_SHARED
// The recorded searchPosts answer of the real App View (christopherkenny/bskyr): every post maps,
// without a warning, with the fields the lexicon's postView gives.
TEST_F(BlueskyTest, TheRecordedSearchAnswerMaps) {
  namespace fs = std::filesystem;
  const fs::path file = fs::path(CAREWATCH_SHARED_DIR) / "fixtures" / "bluesky" / "bskyr_f_search.0.response.json";
  const std::string page = read_file(file.string());
  ASSERT_FALSE(page.empty());
  fake_.server().on("GET", "/xrpc/app.bsky.feed.searchPosts",
                    [page](const FakeRequest&) { return FakeResponse{200, {}, page}; });
  auto c = make(R"(, "notifications": false, "search_terms": ["redistricting"])");
  const Batch b = ok(*c, "");
  EXPECT_TRUE(b.warnings.empty()) << b.warnings[0];
  ASSERT_EQ(b.mentions.size(), 25u);
  size_t replies = 0, with_language = 0;
  for (const auto& m : b.mentions) {
    EXPECT_EQ(m.native_id.rfind("at://did:plc:", 0), 0u) << m.native_id;
    EXPECT_EQ(m.url.rfind("https://bsky.app/profile/", 0), 0u) << m.url;
    EXPECT_FALSE(m.text.empty());
    EXPECT_FALSE(m.author.handle.empty());
    EXPECT_GT(m.posted_at, 0);
    replies += m.parent_id.empty() ? 0 : 1;
    with_language += m.language.empty() ? 0 : 1;
  }
  EXPECT_EQ(replies, 12u);
  EXPECT_EQ(with_language, 21u);
  // The first post's shortened link is whole again.
  EXPECT_NE(b.mentions.back().text.find("https://osf.io/v87fn"), std::string::npos) << b.mentions.back().text;
}
#endif  // CAREWATCH_HAVE_SHARED

}  // namespace
}  // namespace carewatch::bluesky_test
