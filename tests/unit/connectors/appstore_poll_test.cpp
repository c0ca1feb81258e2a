// Polling a fake App Store's customer-reviews feed (the JSON form of the RSS feed,
// /{country}/rss/customerreviews/page={N}/id={app}/sortby=mostrecent/json: {"feed": {"entry":
// [...]}} with every value as {"label": ...}, the app-metadata entry first on page 1, 50 reviews a
// page, most recent first; the shape of ../shared/fixtures/appstore/appvox_itunes_rss_reviews.json):
// the first poll, the mapping, pages, a restart in the middle of pages, edits, countries.
#include "tests/unit/connectors/appstore_test_fixture.h"

#include <set>

#include "mention/common/time.h"

namespace carewatch::appstore_test {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;

const std::string kPage1 = "/us/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json";

TEST_F(AppStoreTest, FirstPollMapsTheNewestPageOfARecordedShape) {
  FakeHttpServer server;
  const std::string page = read_file(kFixtures + "customerreviews_us_page1.json");
  ASSERT_FALSE(page.empty());
  server.on("GET", kPage1, [&](const FakeRequest&) { return FakeResponse{200, {}, page}; });
  auto c = make(R"({"base_url": ")" + server.base_url() + R"(", "app_id": "1234567890"})");
  const Batch b = ok(*c, "");
  EXPECT_TRUE(b.warnings.empty()) << b.warnings.front();
  ASSERT_EQ(b.mentions.size(), 3u);  // the app-metadata entry is not a review
  EXPECT_EQ(server.requests().size(), 1u);  // the newest page only: no backfill
  // Oldest first.
  EXPECT_EQ(review_ids(b), (std::vector<std::string>{"9100000101", "9100000102", "9100000103"}));
  const Mention& m = b.mentions[2];
  TimeMs updated = 0;
  ASSERT_TRUE(parse_iso8601("2026-11-20T17:25:34Z", updated));
  EXPECT_EQ(m.platform, "appstore");
  EXPECT_EQ(m.source, "acme-appstore");
  EXPECT_EQ(m.native_id, "9100000103@" + std::to_string(updated / 1000));
  EXPECT_EQ(m.uid, "appstore:" + m.native_id);
  EXPECT_EQ(m.conversation_id, "9100000103");
  EXPECT_EQ(m.text, "Boarding pass vanished\nMy boarding pass disappeared from the app at the gate & nobody could help.");
  EXPECT_EQ(m.author.handle, "gatehopper");
  EXPECT_EQ(m.author.display_name, "gatehopper");
  EXPECT_EQ(m.author.id, "700000101");
  EXPECT_EQ(m.rating, 1);
  EXPECT_EQ(m.app_version, "4.2.0");
  EXPECT_EQ(m.posted_at, updated);
  EXPECT_EQ(m.url, "https://apps.apple.com/us/app/id1234567890?see-all=reviews");
  EXPECT_EQ(m.language, "");  // a storefront is not a language
  EXPECT_TRUE(m.parent_id.empty());
  EXPECT_NE(m.raw.find("\"im:rating\""), std::string::npos);
  EXPECT_EQ(b.mentions[1].rating, 5);
  EXPECT_EQ(b.mentions[0].app_version, "4.1.3");
  EXPECT_FALSE(b.more);
  EXPECT_NE(b.next_cursor.find("\"us\""), std::string::npos) << b.next_cursor;
}

TEST_F(AppStoreTest, FirstPollTakesPageOneOnlyAndLaterPollsOnlyWhatIsNew) {
  add_reviews(70, 9200000001);
  auto c = make_feed();
  Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 50u);  // page 1 of 2; page 2 (the older 20) is not read
  EXPECT_EQ(store_.requests_to_feed("us").size(), 1u);
  EXPECT_EQ(b.mentions.front().conversation_id, "9200000021");
  EXPECT_EQ(b.mentions.back().conversation_id, "9200000070");

  store_.server().clear_requests();
  const Batch again = ok(*c, b.next_cursor);
  EXPECT_TRUE(again.mentions.empty());
  EXPECT_EQ(store_.requests_to_feed("us").size(), 1u);  // page 1 reaches what was seen: done
  EXPECT_EQ(again.next_cursor, b.next_cursor);
}

TEST_F(AppStoreTest, NewReviewsOverSeveralPagesAreReadUntilTheSeenOnes) {
  add_reviews(30, 9300000001, "us", 10000);
  auto c = make_feed();
  const Batch first = ok(*c, "");
  ASSERT_EQ(first.mentions.size(), 30u);
  add_reviews(70, 9300000101);  // newer than all 30
  store_.server().clear_requests();
  const Batch b = ok(*c, first.next_cursor);
  ASSERT_EQ(b.mentions.size(), 70u);
  EXPECT_EQ(store_.requests_to_feed("us").size(), 2u);
  std::set<std::string> ids;
  for (const auto& m : b.mentions) ids.insert(m.conversation_id);
  EXPECT_EQ(ids.size(), 70u);
  EXPECT_EQ(*ids.begin(), "9300000101");
  EXPECT_FALSE(b.more);
  // In posting order.
  for (size_t i = 1; i < b.mentions.size(); ++i) EXPECT_LE(b.mentions[i - 1].posted_at, b.mentions[i].posted_at);
}

TEST_F(AppStoreTest, ARestartInTheMiddleOfPagesLosesNothingAndRepeatsNothing) {
  add_reviews(10, 9400000001, "us", 100000);
  auto c = make_feed(R"(, "max_pages": 1)");
  const Batch first = ok(*c, "");
  ASSERT_EQ(first.mentions.size(), 10u);
  add_reviews(120, 9400000101, "us", 1000);  // 3 pages of new reviews
  std::multiset<std::string> got;
  Batch b = ok(*c, first.next_cursor);
  EXPECT_TRUE(b.more);  // max_pages reached with more new reviews below
  EXPECT_EQ(b.mentions.size(), 50u);
  for (const auto& m : b.mentions) got.insert(m.conversation_id);
  EXPECT_NE(b.next_cursor.find("\"walk\""), std::string::npos) << b.next_cursor;

  // The daemon restarts: a new connector gets the stored cursor. Meanwhile 5 more reviews come in
  // on top, pushing everything down the pages.
  add_reviews(5, 9400000901, "us", 10);
  auto fresh = make_feed(R"(, "max_pages": 1)");
  std::string cursor = b.next_cursor;
  for (int poll = 0; poll < 10; ++poll) {
    b = ok(*fresh, cursor);
    for (const auto& m : b.mentions) got.insert(m.conversation_id);
    cursor = b.next_cursor;
    if (!b.more && b.mentions.empty()) break;
  }
  std::set<std::string> unique(got.begin(), got.end());
  EXPECT_EQ(unique.size(), got.size()) << "a review was returned twice";
  EXPECT_EQ(got.size(), 125u);
  for (long long id = 9400000101; id < 9400000101 + 120; ++id) EXPECT_EQ(got.count(std::to_string(id)), 1u) << id;
  for (long long id = 9400000901; id < 9400000906; ++id) EXPECT_EQ(got.count(std::to_string(id)), 1u) << id;
  EXPECT_EQ(got.count("9400000001"), 0u);  // seen on the first poll
}

TEST_F(AppStoreTest, AnEditedReviewComesAgainAsAnUpdate) {
  add_reviews(3, 9500000001);
  auto c = make_feed();
  const Batch first = ok(*c, "");
  ASSERT_EQ(first.mentions.size(), 3u);
  testing::FakeAppReview edited;
  edited.id = "9500000001";
  edited.rating = 1;
  edited.title = "Worse after the update";
  edited.content = "Still no refund for the cancelled flight.";
  edited.updated = now_ms() / 1000 * 1000;
  store_.add_review(edited);
  const Batch b = ok(*c, first.next_cursor);
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_EQ(b.mentions[0].conversation_id, "9500000001");
  EXPECT_NE(b.mentions[0].native_id, first.mentions[0].native_id);
  EXPECT_EQ(b.mentions[0].text, "Worse after the update\nStill no refund for the cancelled flight.");
}

TEST_F(AppStoreTest, EachCountryIsAStreamOfItsOwn) {
  add_reviews(2, 9600000001, "us");
  add_reviews(3, 9600000101, "gb");
  auto c = make_feed(R"(, "countries": ["us", "GB"])");
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 5u);
  size_t gb = 0;
  for (const auto& m : b.mentions)
    if (m.url == "https://apps.apple.com/gb/app/id1234567890?see-all=reviews") ++gb;
  EXPECT_EQ(gb, 3u);
  EXPECT_NE(b.next_cursor.find("\"gb\""), std::string::npos);
  EXPECT_NE(b.next_cursor.find("\"us\""), std::string::npos);
  add_reviews(1, 9600000201, "gb", 1);
  const Batch again = ok(*c, b.next_cursor);
  EXPECT_EQ(review_ids(again), (std::vector<std::string>{"9600000201"}));
}

TEST_F(AppStoreTest, AOneEntryFeedAndAnEmptyFeedAreRead) {
  auto c = make_feed();
  store_.set_metadata_entry(false);
  Batch b = ok(*c, "");  // no "entry" at all
  EXPECT_TRUE(b.mentions.empty());
  EXPECT_TRUE(b.warnings.empty());
  add_reviews(1, 9700000001);
  ASSERT_NE(store_.feed_page("us", 1).find("\"entry\":{"), std::string::npos);  // an object, not an array
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(review_ids(b), (std::vector<std::string>{"9700000001"}));
}

#ifdef CAREWATCH_HAVE_SHARED
// The recorded feed of another app (50 reviews, no metadata entry): every review maps.
TEST_F(AppStoreTest, TheRecordedFeedMapsEveryReview) {
  const std::string page =
      read_file(std::string(CAREWATCH_SHARED_DIR) + "/fixtures/appstore/appvox_itunes_rss_reviews.json");
  ASSERT_FALSE(page.empty());
  FakeHttpServer server;
  server.on("GET", "/us/rss/customerreviews/page=1/id=284815942/sortby=mostrecent/json",
            [&](const FakeRequest&) { return FakeResponse{200, {}, page}; });
  auto c = make(R"({"base_url": ")" + server.base_url() + R"(", "app_id": "284815942"})");
  const Batch b = ok(*c, "");
  EXPECT_TRUE(b.warnings.empty()) << b.warnings.front();
  ASSERT_EQ(b.mentions.size(), 50u);
  for (const auto& m : b.mentions) {
    EXPECT_GE(m.rating, 1);
    EXPECT_LE(m.rating, 5);
    EXPECT_FALSE(m.app_version.empty());
    EXPECT_FALSE(m.text.empty());
    EXPECT_GT(m.posted_at, 0);
  }
}
#endif

}  // namespace
}  // namespace carewatch::appstore_test
