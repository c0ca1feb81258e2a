// Polling fake feed sites that serve the real shapes (RSS 2.0 of a review site, Atom of a news
// search; tests/support/fake_rss.h): the first poll takes nothing (or everything with backfill),
// later polls take new guids only, conditional GET and 304, feeds that reorder and drop items,
// a restart (the cursor given to a fresh connector), mapping, ratings, several feeds.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "connectors/rss/feed_cursor.h"
#include "tests/unit/connectors/rss_test_fixture.h"

namespace carewatch::rss_test {
namespace {

using testing::FakeFeedItem;
using testing::FakeFeeds;

FakeFeedItem review(const std::string& n, const std::string& date = "Fri, 04 Dec 2026 09:00:00 GMT") {
  return {"rev-" + n, "Review " + n, "https://reviews.example/r/" + n, "<p>Text of review " + n + "</p>", "Sam", date, ""};
}

TEST_F(RssTest, FirstPollTakesNothingAndLaterPollsTakeNewItems) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("2"), review("1")}));
  auto c = make_feed();
  Batch b = ok(*c, "");
  EXPECT_TRUE(b.mentions.empty());
  ASSERT_FALSE(b.next_cursor.empty());
  rss::Cursor cur;
  std::string error;
  ASSERT_TRUE(rss::parse_cursor(b.next_cursor, cur, error)) << error;
  ASSERT_EQ(cur.size(), 1u);
  EXPECT_EQ(cur.begin()->second.seen, (std::vector<std::string>{"rev-2", "rev-1"}));

  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("4", "Fri, 04 Dec 2026 11:00:00 GMT"),
                                                               review("3", "Fri, 04 Dec 2026 10:00:00 GMT"),
                                                               review("2"), review("1")}));
  Batch b2 = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b2), (std::vector<std::string>{"rev-3", "rev-4"}));  // oldest first
  Batch b3 = ok(*c, b2.next_cursor);
  EXPECT_TRUE(b3.mentions.empty());
}

TEST_F(RssTest, BackfillTakesEverythingOnTheFirstPoll) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("2"), review("1")}));
  auto c = make_feed("/reviews.rss", R"(, "backfill": true)");
  Batch b = ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 2u);
  EXPECT_TRUE(ok(*c, b.next_cursor).mentions.empty());
}

TEST_F(RssTest, ConditionalGetSendsTheValidatorsAndA304IsNothingNew) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("1")}), "application/rss+xml", "\"v1\"",
              "Fri, 04 Dec 2026 09:00:00 GMT");
  auto c = make_feed();
  Batch b = ok(*c, "");
  ASSERT_NE(b.next_cursor.find("\\\"v1\\\""), std::string::npos) << b.next_cursor;
  ASSERT_NE(b.next_cursor.find("Fri, 04 Dec 2026 09:00:00 GMT"), std::string::npos);

  Batch b2 = ok(*c, b.next_cursor);  // the fake answers 304
  EXPECT_TRUE(b2.mentions.empty());
  EXPECT_TRUE(b2.warnings.empty());
  EXPECT_EQ(b2.next_cursor, b.next_cursor);
  const auto reqs = site_.requests_to("/reviews.rss");
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].headers.count("if-none-match"), 0u);
  EXPECT_EQ(reqs[1].headers.at("if-none-match"), "\"v1\"");
  EXPECT_EQ(reqs[1].headers.at("if-modified-since"), "Fri, 04 Dec 2026 09:00:00 GMT");
  EXPECT_NE(reqs[1].headers.at("user-agent").find("carewatch"), std::string::npos);

  // A new version: a new ETag, the new item.
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("2", "Fri, 04 Dec 2026 10:00:00 GMT"), review("1")}),
              "application/rss+xml", "\"v2\"");
  Batch b3 = ok(*c, b2.next_cursor);
  EXPECT_EQ(ids_of(b3), (std::vector<std::string>{"rev-2"}));
  EXPECT_NE(b3.next_cursor.find("\\\"v2\\\""), std::string::npos);
}

TEST_F(RssTest, LastModifiedAloneIsHonoured) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("1")}), "text/xml", "",
              "Thu, 03 Dec 2026 09:00:00 GMT");
  auto c = make_feed();
  Batch b = ok(*c, "");
  Batch b2 = ok(*c, b.next_cursor);
  EXPECT_EQ(b2.next_cursor, b.next_cursor);
  EXPECT_EQ(site_.requests_to("/reviews.rss").back().headers.at("if-modified-since"), "Thu, 03 Dec 2026 09:00:00 GMT");
}

TEST_F(RssTest, ReorderedAndDroppedItemsComeOnce) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("3"), review("2"), review("1")}));
  auto c = make_feed();
  std::string cursor = ok(*c, "").next_cursor;
  // Reordered, one dropped, one new.
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("1"), review("4"), review("3")}));
  Batch b = ok(*c, cursor);
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{"rev-4"}));
  cursor = b.next_cursor;
  // The dropped one is listed again: seen before.
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("2"), review("4"), review("3"), review("1")}));
  b = ok(*c, cursor);
  EXPECT_TRUE(b.mentions.empty()) << ids_of(b).front();
}

TEST_F(RssTest, AnOldItemNotSeenBeforeIsOutsideTheWindow) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("2", "Fri, 04 Dec 2026 09:00:00 GMT")}));
  auto c = make_feed("/reviews.rss", R"(, "window": "1d")");
  std::string cursor = ok(*c, "").next_cursor;
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("2", "Fri, 04 Dec 2026 09:00:00 GMT"),
                                                               review("old", "Mon, 30 Nov 2026 09:00:00 GMT"),
                                                               review("late", "Thu, 03 Dec 2026 20:00:00 GMT")}));
  EXPECT_EQ(ids_of(ok(*c, cursor)), (std::vector<std::string>{"rev-late"}));
}

TEST_F(RssTest, ARestartedConnectorGoesOnFromTheCursor) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("1")}));
  std::string cursor = ok(*make_feed(), "").next_cursor;
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("2", "Fri, 04 Dec 2026 10:00:00 GMT"), review("1")}));
  auto fresh = make_feed();
  Batch b = ok(*fresh, cursor);
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{"rev-2"}));
  // The cursor of a poll whose batch was not stored: the same item again, nothing else (dedup).
  EXPECT_EQ(ids_of(ok(*make_feed(), cursor)), (std::vector<std::string>{"rev-2"}));
  EXPECT_TRUE(ok(*make_feed(), b.next_cursor).mentions.empty());
}

TEST_F(RssTest, MapsAReviewFeedWithRatings) {
  site_.serve("/reviews.rss", fixture("reviews_rss2.xml"));
  auto c = make_feed("/reviews.rss", R"(, "backfill": true, "platform": "reviewsite", "rating_field": "rating")");
  Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 3u);  // the 4th has a bad date, the 5th no text
  EXPECT_TRUE(has_warning(b, "item 4 (line ")) << b.warnings.size();
  EXPECT_TRUE(has_warning(b, "date: not a date: \"sometime last week\""));
  EXPECT_TRUE(has_warning(b, "item 5 (line "));
  EXPECT_TRUE(has_warning(b, "no title and no text"));
  const Mention& bag = b.mentions[2];  // newest last
  EXPECT_EQ(bag.uid, "reviewsite:6750a1f0c0ffee0001");
  EXPECT_EQ(bag.platform, "reviewsite");
  EXPECT_EQ(bag.source, "acme-feeds");
  EXPECT_EQ(bag.text,
            "1 star: Lost my bag & nobody calls back\n\nFlew AC 118 to Lisbon. My suitcase never arrived & the hotline "
            "hangs up.\n\nThree weeks \xE2\x80\x94 still waiting.");
  EXPECT_EQ(bag.author.display_name, "Maren Holt");
  EXPECT_EQ(bag.author.handle, "Maren Holt");
  EXPECT_EQ(bag.url, "https://reviews.example/reviews/6750a1f0c0ffee0001");
  EXPECT_EQ(bag.language, "en-gb");
  EXPECT_EQ(bag.rating, 1);
  TimeMs t = 0;
  ASSERT_TRUE(parse_iso8601("2026-12-04T09:12:44Z", t));
  EXPECT_EQ(bag.posted_at, t);
  rapidjson::Document raw;
  raw.Parse(bag.raw.c_str());
  ASSERT_TRUE(raw.IsObject()) << bag.raw;
  EXPECT_STREQ(raw["id"].GetString(), "6750a1f0c0ffee0001");
  EXPECT_EQ(b.mentions[0].rating, 2);
  EXPECT_EQ(b.mentions[0].text, "2 stars: Refund takes forever\n\nCancelled flight, refund promised in 7 days. It has been 40.");
  EXPECT_EQ(b.mentions[1].rating, 5);
  EXPECT_EQ(b.mentions[1].text.find("lovely \xE2\x80\x93 coffee"), std::string("5 stars: Friendly crew\n\nCrew on the early flight were ").size());
}

TEST_F(RssTest, RatingFromTheTitle) {
  site_.serve("/reviews.rss", fixture("reviews_rss2.xml"));
  auto c = make_feed("/reviews.rss", R"(, "backfill": true, "rating_pattern": "^([1-5]) stars?")");
  Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 3u);
  EXPECT_EQ(b.mentions[0].rating, 2);
  EXPECT_EQ(b.mentions[1].rating, 5);
  EXPECT_EQ(b.mentions[2].rating, 1);
}

TEST_F(RssTest, AnUnreadableRatingIsAWarningAndTheItemStays) {
  FakeFeedItem r = review("1");
  r.extra = "<rating>great</rating>";
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {r}));
  auto c = make_feed("/reviews.rss", R"(, "backfill": true, "rating_field": "rating")");
  Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_EQ(b.mentions[0].rating, 0);
  EXPECT_TRUE(has_warning(b, "rating: expected a rating from 1 to 5, got \"great\""));
}

TEST_F(RssTest, MapsAnAtomNewsFeed) {
  site_.serve("/news.atom", fixture("news_atom.xml"), "application/atom+xml");
  auto c = make_feed("/news.atom", R"(, "backfill": true)");
  Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 3u) << (b.warnings.empty() ? "" : b.warnings[0]);
  const Mention& porto = b.mentions[0];
  EXPECT_EQ(porto.native_id, "tag:news.example,2026:article/88122");
  EXPECT_EQ(porto.platform, "rss");
  EXPECT_EQ(porto.text, "Acme Air adds a Porto route\n\nThree flights a week from March.");
  EXPECT_EQ(porto.url, "https://travelwire.example/acme-porto");
  const Mention& de = b.mentions[1];
  EXPECT_EQ(de.language, "de");
  EXPECT_EQ(de.url, site_.url("/2026/12/03/acme-air-winter"));  // relative, resolved against the feed
  EXPECT_EQ(de.text, "Acme Air streicht Winterflüge\n\nDie Airline nennt Personalmangel als Grund <und> bittet um Geduld.");
  EXPECT_EQ(de.author.display_name, "K. Weber");
  const Mention& delays = b.mentions[2];
  EXPECT_EQ(delays.text, "Acme Air delays pile up at Gatwick\n\nPassengers of Acme Air waited up to six hours\xE2\x80\xA6");
  EXPECT_EQ(delays.language, "en");
  EXPECT_EQ(delays.url, "https://dailyplane.example/2026/12/04/acme-air-delays");
  TimeMs t = 0;
  ASSERT_TRUE(parse_iso8601("2026-12-04T07:30:00Z", t));
  EXPECT_EQ(delays.posted_at, t);
}

TEST_F(RssTest, ItemsWithoutGuidAreKeyedByLinkThenByTitleAndDate) {
  FakeFeedItem by_link = review("1");
  by_link.id.clear();
  FakeFeedItem by_hash = review("2");
  by_hash.id.clear();
  by_hash.link.clear();
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {by_link, by_hash}));
  auto c = make_feed("/reviews.rss", R"(, "backfill": true)");
  Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 2u);
  EXPECT_EQ(b.mentions[0].native_id, "https://reviews.example/r/1");
  EXPECT_EQ(b.mentions[1].native_id.rfind("h:", 0), 0u);
  EXPECT_EQ(b.mentions[1].native_id.size(), 18u);
  EXPECT_TRUE(ok(*c, b.next_cursor).mentions.empty());  // the same keys next time
}

TEST_F(RssTest, SeveralFeedsOneFailingKeepsTheOthers) {
  site_.serve("/a.rss", FakeFeeds::rss_document("A", {review("1")}));
  site_.serve("/b.rss", FakeFeeds::rss_document("B", {review("9")}));
  auto c = make(R"({"backfill": true, "feeds": ["Feed A )" + site_.url("/a.rss") + R"(", ")" + site_.url("/b.rss") + "\"]}");
  site_.fail_next("/a.rss", 1, {503, {{"Content-Type", "text/plain"}}, "busy"});
  Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{"rev-9"}));
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("Feed A: "), std::string::npos) << b.warnings[0];
  EXPECT_NE(b.warnings[0].find("503"), std::string::npos) << b.warnings[0];
  rss::Cursor cur;
  std::string error;
  ASSERT_TRUE(rss::parse_cursor(b.next_cursor, cur, error));
  EXPECT_EQ(cur.count(site_.url("/a.rss")), 0u);  // the failed feed did not move
  // Next poll: feed A's first poll (backfill) brings its item; B's nothing new.
  EXPECT_EQ(ids_of(ok(*c, b.next_cursor)), (std::vector<std::string>{"rev-1"}));
}

TEST_F(RssTest, AnItemInTwoFeedsComesOnce) {
  site_.serve("/a.rss", FakeFeeds::rss_document("A", {review("1")}));
  site_.serve("/b.rss", FakeFeeds::rss_document("B", {review("1")}));
  auto c = make(R"({"backfill": true, "feeds": [")" + site_.url("/a.rss") + R"(", ")" + site_.url("/b.rss") + "\"]}");
  EXPECT_EQ(ok(*c, "").mentions.size(), 1u);
}

TEST_F(RssTest, MaxItemsBoundsWhatIsReadAndRemembered) {
  std::vector<FakeFeedItem> items;
  for (int i = 9; i >= 0; --i) items.push_back(review(std::to_string(i)));
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", items));
  auto c = make_feed("/reviews.rss", R"(, "backfill": true, "max_items": 3)");
  PollResult r = c->poll("");
  ASSERT_TRUE(r.batch);
  EXPECT_EQ(ids_of(*r.batch), (std::vector<std::string>{"rev-9", "rev-8", "rev-7"}));
  EXPECT_EQ(r.usage.posts_read, 3u);
}

TEST_F(RssTest, CannotReply) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("1")}));
  auto c = make_feed("/reviews.rss", R"(, "backfill": true)");
  Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_FALSE(c->reply_rules().can_reply);
  auto problem = c->check_reply(b.mentions[0], "Sorry!");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->rule, "cannot_reply");
  EXPECT_NE(problem->message.find("https://reviews.example/r/1"), std::string::npos);
  EXPECT_EQ(c->reply(b.mentions[0], "Sorry!", "r1").kind, ReplyOutcome::Kind::cannot_reply);
  EXPECT_EQ(site_.requests_to("/reviews.rss").size(), 1u);
}

}  // namespace
}  // namespace carewatch::rss_test
