// How a poll of a fake feed site fails, following what web servers and feed hosts really answer:
// 404/410 (a feed that is gone) are fatal; 429 with Retry-After and 5xx are retried; an HTML page
// instead of the feed (a consent wall), a truncated or malformed document (expat's line and
// column), an entity bomb and a feed over max_bytes are retried; a broken cursor; the options
// check-config refuses.
#include <gtest/gtest.h>

#include <chrono>

#include "tests/unit/connectors/rss_test_fixture.h"

namespace carewatch::rss_test {
namespace {

using testing::FakeFeedItem;
using testing::FakeFeeds;
using std::chrono::milliseconds;

FakeFeedItem review(const std::string& n) {
  return {"rev-" + n, "Review " + n, "https://reviews.example/r/" + n, "<p>Review " + n + "</p>", "Sam",
          "Fri, 04 Dec 2026 09:00:00 GMT", ""};
}

TEST_F(RssTest, GoneFeedsAreFatal) {
  for (int status : {404, 410}) {
    site_.serve("/reviews.rss", "");
    site_.fail_next("/reviews.rss", 1, {status, {{"Content-Type", "text/html"}}, "<html>Not here</html>"});
    auto c = make_feed();
    const PollError e = failed(*c);
    EXPECT_EQ(e.kind, PollError::Kind::fatal);
    EXPECT_NE(e.message.find(std::to_string(status)), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("the feed is gone"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("/reviews.rss"), std::string::npos) << e.message;
  }
}

TEST_F(RssTest, ATokenInTheFeedsUrlIsNeverInAMessage) {
  site_.serve("/private.rss", "");
  site_.fail_next("/private.rss", 1, {403, {{"Content-Type", "text/plain"}}, "forbidden"});
  auto c = make(R"({"feeds": [")" + site_.url("/private.rss?token=s3cretT0ken&q=acme") + "\"]}");
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("403"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("s3cretT0ken"), std::string::npos) << e.message;
  EXPECT_EQ(site_.requests_to("/private.rss").at(0).query.at("token"), "s3cretT0ken");
}

TEST_F(RssTest, TooManyRequestsIsRetriedAfterWhatTheSiteSaid) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("1")}));
  site_.fail_next("/reviews.rss", 1, {429, {{"Retry-After", "120"}, {"Content-Type", "text/plain"}}, "slow down"});
  auto c = make_feed();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(*e.retry_after, milliseconds(120000));
  // Then it works.
  EXPECT_TRUE(c->poll("").batch);
}

TEST_F(RssTest, RateLimitHeadersAreReportedAndAUsedUpLimitWaits) {
  const std::string doc = FakeFeeds::rss_document("Acme", {review("1")});
  site_.serve("/reviews.rss", doc);
  site_.fail_next("/reviews.rss", 1,
                  {200, {{"Content-Type", "application/rss+xml"}, {"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "30"}},
                   doc});
  auto c = make_feed();
  PollResult r = c->poll("");
  ASSERT_TRUE(r.batch) << r.error->message;
  ASSERT_TRUE(r.usage.rate_limit_remaining);
  EXPECT_EQ(*r.usage.rate_limit_remaining, 0.0);
  ASSERT_TRUE(r.batch->retry_after);
  EXPECT_GT(r.batch->retry_after->count(), 20000);
  EXPECT_FALSE(r.batch->next_cursor.empty());  // the page was good: its items count as seen
}

TEST_F(RssTest, ServerErrorsAreRetried) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("1")}));
  site_.fail_next("/reviews.rss", 1, {502, {{"Content-Type", "text/html"}}, "<html>Bad gateway</html>"});
  auto c = make_feed();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("502"), std::string::npos) << e.message;
}

TEST_F(RssTest, AnHtmlPageInsteadOfTheFeedIsRetried) {
  site_.serve("/reviews.rss",
              "<!DOCTYPE html>\n<html lang=en><head><title>Before you continue</title></head><body>Accept cookies</body></html>",
              "text/html; charset=utf-8");
  auto c = make_feed();
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("an HTML page instead of a feed"), std::string::npos) << e.message;
  // Labelled as XML but a page all the same.
  site_.serve("/reviews.rss", "<html><body>Maintenance</body></html>", "application/xml");
  e = failed(*c);
  EXPECT_NE(e.message.find("an HTML page instead of a feed"), std::string::npos) << e.message;
}

TEST_F(RssTest, MalformedAndTruncatedFeedsAreRetriedWithLineAndColumn) {
  site_.serve("/reviews.rss", fixture("malformed.xml"));
  auto c = make_feed();
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("line 8, column"), std::string::npos) << e.message;
  const std::string whole = fixture("reviews_rss2.xml");
  site_.serve("/reviews.rss", whole.substr(0, whole.size() - 40));
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("not a readable feed: line "), std::string::npos) << e.message;
}

TEST_F(RssTest, AMalformedFeedDoesNotMoveItsCursor) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("1")}));
  auto c = make_feed();
  const std::string cursor = ok(*c, "").next_cursor;
  site_.serve("/reviews.rss", fixture("malformed.xml"));
  EXPECT_FALSE(c->poll(cursor).batch);
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("2"), review("1")}));
  EXPECT_EQ(ids_of(ok(*c, cursor)), (std::vector<std::string>{"rev-2"}));
}

TEST_F(RssTest, AnEntityBombIsRefused) {
  site_.serve("/reviews.rss", fixture("entity_bomb.xml"));
  auto c = make_feed();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("declares an entity"), std::string::npos) << e.message;
}

TEST_F(RssTest, AFeedOverMaxBytesIsRefused) {
  std::vector<FakeFeedItem> items;
  for (int i = 0; i < 40; ++i) items.push_back(review(std::to_string(i)));
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", items));
  auto c = make_feed("/reviews.rss", R"(, "max_bytes": 2048)");
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("more than options.max_bytes (2048)"), std::string::npos) << e.message;
}

TEST_F(RssTest, AWrongTypedItemIsSkippedAndTheOthersKept) {
  FakeFeedItem bad = review("2");
  bad.date = "the 4th of December";
  FakeFeedItem empty;
  empty.id = "rev-3";
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {empty, bad, review("1")}));
  auto c = make_feed("/reviews.rss", R"(, "backfill": true)");
  Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{"rev-1"}));
  ASSERT_EQ(b.warnings.size(), 2u);
  EXPECT_NE(b.warnings[0].find("item 1 (line "), std::string::npos) << b.warnings[0];
  EXPECT_NE(b.warnings[1].find("item 2 (line "), std::string::npos) << b.warnings[1];
  EXPECT_NE(b.warnings[1].find("\"Review 2\""), std::string::npos) << b.warnings[1];
  EXPECT_NE(b.warnings[1].find("not a date: \"the 4th of December\""), std::string::npos) << b.warnings[1];
  // Skipped items count as seen: no warning about them again.
  Batch b2 = ok(*c, b.next_cursor);
  EXPECT_TRUE(b2.warnings.empty());
}

TEST_F(RssTest, UnreachableSiteIsRetried) {
  std::string url;
  {
    testing::FakeFeeds gone;
    url = gone.url("/reviews.rss");
  }
  auto c = make(R"({"feeds": [")" + url + R"("], "timeout": "5s"})");
  EXPECT_EQ(failed(*c).kind, PollError::Kind::retry);
}

TEST_F(RssTest, ABrokenCursorIsFatal) {
  site_.serve("/reviews.rss", FakeFeeds::rss_document("Acme", {review("1")}));
  auto c = make_feed();
  for (const char* cursor : {"[1]", R"({"x": {"seen": "a"}})", R"({"x": {"newest": "soon"}})", "not json"}) {
    const PollError e = failed(*c, cursor);
    EXPECT_EQ(e.kind, PollError::Kind::fatal) << cursor;
    EXPECT_TRUE(e.bad_cursor) << cursor;
  }
}

TEST(RssOptions, CheckConfigRefusesWhatTheConnectorCannotUse) {
  struct Case {
    const char* options;
    const char* message;
  } cases[] = {
      {R"({})", "feeds"},
      {R"({"feeds": []})", "feeds"},
      {R"({"feeds": ["ftp://example.com/feed"]})", "options.feeds[0]"},
      {R"({"feeds": ["https://u:secretpw@example.com/feed"]})", "user:password@"},
      {R"({"feeds": ["https://a.example/f", "https://a.example/f"]})", "feeds"},
      {R"({"feeds": ["https://a.example/f"], "rating_pattern": "([1-5"})", "options.rating_pattern: not a regular expression"},
      {R"({"feeds": ["https://a.example/f"], "rating_pattern": "[1-5] stars"})", "needs a group"},
      {R"({"feeds": ["https://a.example/f"], "max_items": "ten"})", "options.max_items"},
      {R"({"feeds": ["https://a.example/f"], "colour": "red"})", "colour"},
  };
  for (const auto& k : cases) {
    std::string error;
    auto c = build(k.options, error);
    EXPECT_FALSE(c) << k.options;
    EXPECT_NE(error.find(k.message), std::string::npos) << k.options << " -> " << error;
    EXPECT_EQ(error.find("secretpw"), std::string::npos) << error;
  }
  std::string error;
  EXPECT_TRUE(build(R"({"feeds": ["Acme reviews https://reviews.example/acme.rss"], "rating_field": "rating"})", error))
      << error;
}

}  // namespace
}  // namespace carewatch::rss_test
