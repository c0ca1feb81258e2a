// How a poll of the fake App Store feed fails (the customer-reviews feed's JSON shape; Apple
// documents no rate-limit headers for it, so the generic ones a proxy adds and Retry-After are
// what is honoured): what is retried, what is fatal, wrong-typed fields skipped with a warning
// naming them, one country failing while another works, a broken cursor.
#include "tests/unit/connectors/appstore_test_fixture.h"

#include <chrono>

namespace carewatch::appstore_test {
namespace {

using std::chrono::milliseconds;
using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;

const std::string kPage1 = "/us/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json";

TEST_F(AppStoreTest, TooManyRequestsIsRetriedAfterWhatTheServerSaid) {
  store_.fail_next_feed(1, FakeResponse{429, {{"Retry-After", "7"}}, ""});
  auto c = make_feed();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(*e.retry_after, milliseconds(7000));
  EXPECT_NE(e.message.find("429"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("us reviews"), std::string::npos) << e.message;
}

TEST_F(AppStoreTest, ServerErrorsHtmlPagesAndTruncatedJsonAreRetried) {
  add_reviews(3, 9800000001);
  auto c = make_feed();
  store_.fail_next_feed(1, FakeResponse{503, {{"Content-Type", "text/html"}}, "<html>Service Unavailable</html>"});
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("503"), std::string::npos) << e.message;

  store_.fail_next_feed(1, FakeResponse{200, {{"Content-Type", "text/html"}}, "<!DOCTYPE html><html>Maintenance</html>"});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("HTML"), std::string::npos) << e.message;

  const std::string page = store_.feed_page("us", 1);
  store_.fail_next_feed(1, FakeResponse{200, {}, page.substr(0, page.size() / 2)});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("invalid JSON"), std::string::npos) << e.message;

  store_.fail_next_feed(1, FakeResponse{200, {}, R"({"feed": []})"});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("feed: expected an object, got an array"), std::string::npos) << e.message;

  // And then it works, from where it was.
  EXPECT_EQ(ok(*c, "").mentions.size(), 3u);
}

TEST_F(AppStoreTest, AnUnknownAppIsFatal) {
  store_.fail_next_feed(1, FakeResponse{404, {{"Content-Type", "text/html"}}, "<html>Not Found</html>"});
  auto c = make_feed();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("options.app_id"), std::string::npos) << e.message;
}

TEST_F(AppStoreTest, RateLimitHeadersAreReportedAndAUsedUpLimitWaits) {
  add_reviews(2, 9810000001);
  store_.set_feed_headers({{"X-RateLimit-Remaining", "12"}, {"X-RateLimit-Reset", "30"}});
  auto c = make_feed();
  PollResult r = c->poll("");
  ASSERT_TRUE(r.batch);
  ASSERT_TRUE(r.usage.rate_limit_remaining);
  EXPECT_EQ(*r.usage.rate_limit_remaining, 12);
  EXPECT_EQ(r.usage.posts_read, 2u);

  store_.set_feed_headers({{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "30"}});
  r = c->poll("");
  ASSERT_TRUE(r.batch);
  EXPECT_EQ(r.batch->mentions.size(), 2u);  // the page is good
  ASSERT_TRUE(r.batch->retry_after);
  EXPECT_GE(*r.batch->retry_after, milliseconds(29000));
  EXPECT_FALSE(r.batch->more);
}

TEST_F(AppStoreTest, AWrongTypedFieldSkipsThatReviewWithAWarningNamingIt) {
  FakeHttpServer server;
  const std::string page = read_file(kFixtures + "customerreviews_us_page1.json");
  std::string broken = page;
  const std::string rating = R"("im:rating": {"label": "1"})";
  ASSERT_NE(broken.find(rating), std::string::npos);
  broken.replace(broken.find(rating), rating.size(), R"("im:rating": {"label": 1})");
  const std::string id = R"("id": {"label": "9100000101"})";
  ASSERT_NE(broken.find(id), std::string::npos);
  broken.replace(broken.find(id), id.size(), R"("id": {"label": ["9100000101"]})");
  server.on("GET", kPage1, [&](const FakeRequest&) { return FakeResponse{200, {}, broken}; });
  auto c = make(R"({"base_url": ")" + server.base_url() + R"(", "app_id": "1234567890"})");
  const Batch b = ok(*c, "");
  EXPECT_EQ(review_ids(b), (std::vector<std::string>{"9100000102"}));
  ASSERT_EQ(b.warnings.size(), 2u);
  EXPECT_EQ(b.warnings[0], "us reviews: entry[1].im:rating.label: expected a string, got a number");
  EXPECT_EQ(b.warnings[1], "us reviews: entry[3].id.label: expected a string, got an array");
}

TEST_F(AppStoreTest, OneCountryFailingKeepsTheOthersReviews) {
  add_reviews(2, 9820000001, "us");
  add_reviews(2, 9820000101, "gb");
  auto c = make_feed(R"(, "countries": ["gb", "us"])");
  const Batch first = ok(*c, "");
  ASSERT_EQ(first.mentions.size(), 4u);
  add_reviews(1, 9820000201, "gb", 1);
  add_reviews(1, 9820000301, "us", 1);
  store_.fail_next_feed(1, FakeResponse{500, {}, "{}"});  // gb's page fails, us's works
  const Batch b = ok(*c, first.next_cursor);
  EXPECT_EQ(review_ids(b), (std::vector<std::string>{"9820000301"}));
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("gb reviews"), std::string::npos) << b.warnings[0];
  // gb's position did not move: its new review comes next time, us's is not repeated.
  const Batch again = ok(*c, b.next_cursor);
  EXPECT_EQ(review_ids(again), (std::vector<std::string>{"9820000201"}));
}

TEST_F(AppStoreTest, ABrokenCursorIsFatalAndSaysSo) {
  auto c = make_feed();
  PollError e = failed(*c, "not json");
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_TRUE(e.bad_cursor);
  e = failed(*c, R"({"us": {"seen": {"at": "yesterday", "ids": []}}})");
  EXPECT_TRUE(e.bad_cursor);
  EXPECT_NE(e.message.find("cursor.us.seen.at"), std::string::npos) << e.message;
}

TEST_F(AppStoreTest, OptionsTheSchemaCannotCheckAreRefusedNamingThem) {
  std::string error;
  EXPECT_FALSE(build(R"({"app_id": "1234567890", "countries": ["us", "US"]})", error));
  EXPECT_NE(error.find("options.countries[1]"), std::string::npos) << error;
  EXPECT_FALSE(build(R"({"app_id": "1234567890", "key_id": "2X9R4HXF34"})", error));
  EXPECT_NE(error.find("options.issuer_id"), std::string::npos) << error;
  EXPECT_FALSE(build(R"({"app_id": "1234567890", "issuer_id": "i", "key_id": "k"})", error));
  EXPECT_NE(error.find("options.private_key"), std::string::npos) << error;
  // A key that is not a key yet is accepted here (check-config runs without the secret): replies
  // say what is wrong.
  EXPECT_TRUE(build(R"({"app_id": "1234567890", "issuer_id": "i", "key_id": "k", "private_key": "${UNSET}"})", error))
      << error;
}

}  // namespace
}  // namespace carewatch::appstore_test
