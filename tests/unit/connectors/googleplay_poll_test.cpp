// Polling a fake Google Play Developer API (androidpublisher v3 reviews.list: {"reviews":
// [{"reviewId", "authorName", "comments": [{"userComment": {"text", "lastModified": {"seconds",
// "nanos"}, "starRating", "reviewerLanguage", "appVersionName", ...}}, {"developerComment"}]}],
// "tokenPagination": {"nextPageToken"}, "pageInfo"}, most recently modified first, the last week
// only): the first poll, the mapping, pages, a restart in the middle of pages, edits.
#include "tests/unit/connectors/googleplay_test_fixture.h"

#include <set>

namespace carewatch::googleplay_test {
namespace {

using testing::FakeRequest;
using testing::FakeResponse;

TEST_F(GooglePlayTest, FirstPollMapsTheNewestPageOfARecordedShape) {
  const std::string page = read_file(kFixtures + "reviews_list.json");
  ASSERT_FALSE(page.empty());
  auto c = make_play();
  play_.server().on("GET", play_.reviews_path(), [&](const FakeRequest&) { return FakeResponse{200, {}, page}; });
  const Batch b = ok(*c, "");
  EXPECT_TRUE(b.warnings.empty()) << b.warnings.front();
  ASSERT_EQ(b.mentions.size(), 3u);
  const auto list = play_.requests_to(play_.reviews_path());
  ASSERT_EQ(list.size(), 1u);  // the newest page only, though a next page exists: no backfill
  EXPECT_EQ(list[0].query.at("maxResults"), "100");
  EXPECT_EQ(list[0].query.count("token"), 0u);
  EXPECT_EQ(list[0].headers.at("authorization"), "Bearer ya29.fake-access-token-1");
  EXPECT_EQ(review_ids(b), (std::vector<std::string>{"gp:AOqpTOH1acme0001", "gp:AOqpTOH1acme0002", "gp:AOqpTOH1acme0003"}));
  const Mention& m = b.mentions[2];
  EXPECT_EQ(m.platform, "googleplay");
  EXPECT_EQ(m.source, "acme-play");
  EXPECT_EQ(m.native_id, "gp:AOqpTOH1acme0003@1795519534");
  EXPECT_EQ(m.uid, "googleplay:gp:AOqpTOH1acme0003@1795519534");
  EXPECT_EQ(m.text, "Refund button does nothing\nI tapped it five times after my flight was cancelled and nothing happened.");
  EXPECT_EQ(m.author.handle, "Dana K.");
  EXPECT_EQ(m.author.display_name, "Dana K.");
  EXPECT_EQ(m.rating, 1);
  EXPECT_EQ(m.app_version, "4.2.0");
  EXPECT_EQ(m.language, "en-GB");
  EXPECT_EQ(m.posted_at, 1795519534250);
  EXPECT_EQ(m.url, "https://play.google.com/store/apps/details?id=com.acmeair.app&reviewId=gp%3AAOqpTOH1acme0003");
  EXPECT_NE(m.raw.find("\"deviceMetadata\""), std::string::npos);
  EXPECT_EQ(b.mentions[1].text, "Die Sitzplatzwahl funktioniert wieder, danke!");
  EXPECT_EQ(b.mentions[1].language, "de");
  EXPECT_EQ(b.mentions[0].author.handle, "");  // Google left the name out
  EXPECT_EQ(b.mentions[0].app_version, "");
  EXPECT_FALSE(b.more);
}

TEST_F(GooglePlayTest, LaterPollsReadPagesUntilTheSeenReviews) {
  add_reviews(25, 1000, 5000);
  auto c = make_play();
  const Batch first = ok(*c, "");
  ASSERT_EQ(first.mentions.size(), 10u);  // the fake's page of 10
  EXPECT_EQ(first.mentions.back().conversation_id, "gp:AOqp1024");

  play_.server().clear_requests();
  Batch b = ok(*c, first.next_cursor);
  EXPECT_TRUE(b.mentions.empty());
  EXPECT_EQ(play_.requests_to(play_.reviews_path()).size(), 1u);

  add_reviews(15, 2000, 60);
  play_.server().clear_requests();
  b = ok(*c, b.next_cursor);
  ASSERT_EQ(b.mentions.size(), 15u);
  const auto list = play_.requests_to(play_.reviews_path());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].query.at("token"), "CgQI10");  // the first page's nextPageToken
  EXPECT_EQ(b.mentions.front().conversation_id, "gp:AOqp2000");
  EXPECT_EQ(b.mentions.back().conversation_id, "gp:AOqp2014");
}

TEST_F(GooglePlayTest, ARestartInTheMiddleOfPagesLosesNothingAndRepeatsNothing) {
  add_reviews(5, 1000, 50000);
  auto c = make_play(R"(, "max_pages": 1)");
  const Batch first = ok(*c, "");
  ASSERT_EQ(first.mentions.size(), 5u);
  add_reviews(30, 3000, 1000);
  std::multiset<std::string> got;
  Batch b = ok(*c, first.next_cursor);
  EXPECT_TRUE(b.more);
  EXPECT_EQ(b.mentions.size(), 10u);
  for (const auto& m : b.mentions) got.insert(m.conversation_id);

  add_reviews(3, 4000, 10);  // new ones on top while the pages are read
  auto fresh = make_play(R"(, "max_pages": 1)");
  std::string cursor = b.next_cursor;
  for (int poll = 0; poll < 10; ++poll) {
    b = ok(*fresh, cursor);
    for (const auto& m : b.mentions) got.insert(m.conversation_id);
    cursor = b.next_cursor;
    if (!b.more && b.mentions.empty()) break;
  }
  std::set<std::string> unique(got.begin(), got.end());
  EXPECT_EQ(unique.size(), got.size()) << "a review was returned twice";
  EXPECT_EQ(got.size(), 33u);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(got.count("gp:AOqp" + std::to_string(3000 + i)), 1u) << i;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(got.count("gp:AOqp" + std::to_string(4000 + i)), 1u) << i;
}

TEST_F(GooglePlayTest, APageTokenGoogleNoLongerTakesRestartsTheWalkWithoutRepeats) {
  add_reviews(5, 1000, 50000);
  auto c = make_play(R"(, "max_pages": 1)");
  const Batch first = ok(*c, "");
  add_reviews(30, 3000, 1000);
  std::multiset<std::string> got;
  Batch b = ok(*c, first.next_cursor);
  for (const auto& m : b.mentions) got.insert(m.conversation_id);
  ASSERT_TRUE(b.more);
  std::string cursor = b.next_cursor;
  const size_t at = cursor.find("CgQI10");
  ASSERT_NE(at, std::string::npos) << cursor;
  cursor.replace(at, 6, "expired");  // the fake answers 400 INVALID_ARGUMENT to it
  b = ok(*c, cursor);
  ASSERT_FALSE(b.warnings.empty());
  EXPECT_NE(b.warnings[0].find("reading again from the first page"), std::string::npos) << b.warnings[0];
  for (int poll = 0; poll < 10; ++poll) {
    for (const auto& m : b.mentions) got.insert(m.conversation_id);
    if (!b.more && b.mentions.empty()) break;
    b = ok(*c, b.next_cursor);
  }
  std::set<std::string> unique(got.begin(), got.end());
  EXPECT_EQ(unique.size(), got.size()) << "a review was returned twice";
  EXPECT_EQ(got.size(), 30u);
}

TEST_F(GooglePlayTest, AnEditedReviewComesAgainAsAnUpdate) {
  add_reviews(2, 1000);
  auto c = make_play();
  const Batch first = ok(*c, "");
  ASSERT_EQ(first.mentions.size(), 2u);
  testing::FakePlayReview edited;
  edited.id = "gp:AOqp1000";
  edited.rating = 5;
  edited.text = "Support fixed it within the hour. Five stars.";
  edited.modified = now_ms() / 1000 * 1000;
  play_.add_review(edited);
  const Batch b = ok(*c, first.next_cursor);
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_EQ(b.mentions[0].conversation_id, "gp:AOqp1000");
  EXPECT_EQ(b.mentions[0].native_id, "gp:AOqp1000@" + std::to_string(edited.modified / 1000));
  EXPECT_NE(b.mentions[0].native_id, first.mentions[0].native_id);
  EXPECT_EQ(b.mentions[0].rating, 5);
}

TEST_F(GooglePlayTest, TheFirstPollCoversAtMostAWeekAndAsksWhatTheOptionsSay) {
  testing::FakePlayReview old;
  old.id = "gp:AOqpOLD";
  old.text = "From last month.";
  old.modified = now_ms() - 8LL * 24 * 3600 * 1000;
  play_.add_review(old);
  add_reviews(2, 1000);
  auto c = make_play(R"(, "page_size": 25, "translation_language": "en")");
  const Batch b = ok(*c, "");
  EXPECT_EQ(review_ids(b), (std::vector<std::string>{"gp:AOqp1000", "gp:AOqp1001"}));
  const auto list = play_.requests_to(play_.reviews_path());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].query.at("maxResults"), "25");
  EXPECT_EQ(list[0].query.at("translationLanguage"), "en");
}

}  // namespace
}  // namespace carewatch::googleplay_test
