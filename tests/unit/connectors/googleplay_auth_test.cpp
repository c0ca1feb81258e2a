// The service account's token (Google's OAuth 2.0 JWT bearer grant: POST /token with
// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and an RS256 assertion the fake verifies
// with the key's public half; {"access_token", "expires_in", "token_type"} or 400
// {"error": "invalid_grant"}) and how polls of the fake reviews.list fail (Google's error shape
// {"error": {"code", "message", "status"}}): refresh before expiry and on a 401, a 401/403 after
// it fatal naming what to grant, 429/5xx/HTML/truncated JSON retried, wrong-typed fields skipped.
#include "tests/unit/connectors/googleplay_test_fixture.h"

#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>

namespace carewatch::googleplay_test {
namespace {

using std::chrono::milliseconds;
using testing::FakePlayRoute;
using testing::FakeRequest;
using testing::FakeResponse;
using testing::FakeGooglePlay;

TEST_F(GooglePlayTest, OneTokenServesManyPollsAndItsAssertionIsWhatGoogleWants) {
  add_reviews(2, 1000);
  auto c = make_play();
  Batch b = ok(*c, "");
  for (int i = 0; i < 3; ++i) b = ok(*c, b.next_cursor);
  EXPECT_EQ(play_.token_count(), 1u);
  EXPECT_EQ(googleplay_token_requests(*c), 1);
  rapidjson::Document claims;
  claims.Parse(play_.last_assertion_claims().c_str());
  ASSERT_TRUE(claims.IsObject());
  EXPECT_STREQ(claims["iss"].GetString(), testing::kFakeServiceAccount);
  EXPECT_STREQ(claims["scope"].GetString(), "https://www.googleapis.com/auth/androidpublisher");
  EXPECT_EQ(std::string(claims["aud"].GetString()), play_.token_url());
  EXPECT_EQ(claims["exp"].GetInt64() - claims["iat"].GetInt64(), 3600);
  const auto token_requests = play_.requests_to("/token");
  ASSERT_EQ(token_requests.size(), 1u);
  EXPECT_EQ(token_requests[0].headers.at("content-type"), "application/x-www-form-urlencoded");
}

TEST_F(GooglePlayTest, ATokenIsRefreshedBeforeItExpires) {
  play_.set_expires_in(240);  // less than the 5 minutes kept in hand: renewed on every use
  add_reviews(1, 1000);
  auto c = make_play();
  Batch b = ok(*c, "");
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(play_.token_count(), 2u);
}

TEST_F(GooglePlayTest, ATokenGoogleNoLongerTakesIsRefreshedOnceOnA401) {
  add_reviews(1, 1000);
  auto c = make_play();
  const Batch first = ok(*c, "");
  play_.expire_tokens();
  add_reviews(1, 2000, 1);
  const Batch b = ok(*c, first.next_cursor);
  EXPECT_EQ(review_ids(b), (std::vector<std::string>{"gp:AOqp2000"}));
  EXPECT_EQ(play_.token_count(), 2u);
}

TEST_F(GooglePlayTest, A401AfterARefreshIsFatalAndNamesWhatToGrant) {
  auto c = make_play();
  play_.fail_next(FakePlayRoute::list, 2,
                  FakeGooglePlay::google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."));
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("401"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(testing::kFakeServiceAccount), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("Reply to reviews"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("ya29."), std::string::npos) << e.message;
  EXPECT_EQ(play_.token_count(), 2u);  // refreshed once, then gave up
}

TEST_F(GooglePlayTest, AServiceAccountWithoutThePermissionIsFatal) {
  play_.set_permission(false);
  auto c = make_play();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("403"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("The caller does not have permission"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("Play Console"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(testing::kFakeServiceAccount), std::string::npos) << e.message;
}

TEST_F(GooglePlayTest, AKeyGoogleRefusesIsFatalAndNamesTheServiceAccount) {
  auto c = make_play();
  play_.service_account_json(testing::make_test_rsa_key());  // Google now knows another key
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("invalid_grant"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(testing::kFakeServiceAccount), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("PRIVATE KEY"), std::string::npos) << e.message;
}

TEST_F(GooglePlayTest, TextThatIsNotAServiceAccountKeyIsNamedNeverQuoted) {
  auto c = make(R"({"base_url": ")" + play_.base_url() + R"(", "token_url": ")" + play_.token_url() +
                R"(", "package_name": "com.acmeair.app", "service_account_key": "s3cret-but-not-json"})");
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("options.service_account_key"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("s3cret"), std::string::npos) << e.message;
  EXPECT_TRUE(play_.requests_to("/token").empty());

  auto d = make(R"({"base_url": ")" + play_.base_url() + R"(", "token_url": ")" + play_.token_url() +
                R"(", "package_name": "com.acmeair.app", "service_account_key": "{\"type\": \"service_account\", \"client_email\": 7}"})");
  e = failed(*d);
  EXPECT_NE(e.message.find("client_email: expected a string, got a number"), std::string::npos) << e.message;
}

TEST_F(GooglePlayTest, TheKeyCanBeAFile) {
  const std::string path = ::testing::TempDir() + "acme-air-play-key.json";
  std::ofstream(path) << play_.service_account_json(test_key());
  add_reviews(1, 1000);
  auto c = make(R"({"base_url": ")" + play_.base_url() + R"(", "token_url": ")" + play_.token_url() +
                R"(", "package_name": "com.acmeair.app", "service_account_key_path": ")" + path + "\"}");
  EXPECT_EQ(ok(*c, "").mentions.size(), 1u);
  std::remove(path.c_str());
}

TEST_F(GooglePlayTest, TheTokenEndpointFailingIsRetried) {
  play_.fail_next(FakePlayRoute::token, 1, FakeResponse{503, {{"Retry-After", "5"}}, "{}"});
  auto c = make_play();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("googleplay token"), std::string::npos) << e.message;
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(*e.retry_after, milliseconds(5000));
  EXPECT_EQ(ok(*c, "").mentions.size(), 0u);  // then it works
}

TEST_F(GooglePlayTest, TooManyRequestsServerErrorsHtmlAndTruncatedJsonAreRetried) {
  add_reviews(3, 1000);
  auto c = make_play();
  play_.fail_next(FakePlayRoute::list, 1,
                  FakeGooglePlay::google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded", {{"Retry-After", "30"}}));
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(*e.retry_after, milliseconds(30000));

  play_.fail_next(FakePlayRoute::list, 1, FakeGooglePlay::google_error(500, "INTERNAL", "Internal error"));
  EXPECT_EQ(failed(*c).kind, PollError::Kind::retry);

  play_.fail_next(FakePlayRoute::list, 1, FakeResponse{200, {{"Content-Type", "text/html"}}, "<html>Error 502</html>"});
  e = failed(*c);
  EXPECT_NE(e.message.find("HTML"), std::string::npos) << e.message;

  play_.fail_next(FakePlayRoute::list, 1, FakeResponse{200, {}, R"({"reviews": [{"reviewId": "gp:AO)"});
  e = failed(*c);
  EXPECT_NE(e.message.find("invalid JSON"), std::string::npos) << e.message;

  play_.fail_next(FakePlayRoute::list, 1, FakeResponse{200, {}, R"({"reviews": {"reviewId": "x"}})"});
  e = failed(*c);
  EXPECT_NE(e.message.find("reviews: expected an array, got an object"), std::string::npos) << e.message;

  EXPECT_EQ(ok(*c, "").mentions.size(), 3u);
  EXPECT_EQ(play_.token_count(), 1u);
}

TEST_F(GooglePlayTest, AWrongTypedFieldSkipsThatReviewWithAWarningNamingIt) {
  std::string page = read_file(kFixtures + "reviews_list.json");
  const std::string stars = "\"starRating\": 4";
  ASSERT_NE(page.find(stars), std::string::npos);
  page.replace(page.find(stars), stars.size(), "\"starRating\": \"FOUR\"");
  const std::string seconds = "\"seconds\": \"1795510000\"";
  ASSERT_NE(page.find(seconds), std::string::npos);
  page.replace(page.find(seconds), seconds.size(), "\"seconds\": null");
  auto c = make_play();
  play_.server().on("GET", play_.reviews_path(), [&](const FakeRequest&) { return FakeResponse{200, {}, page}; });
  const Batch b = ok(*c, "");
  EXPECT_EQ(review_ids(b), (std::vector<std::string>{"gp:AOqpTOH1acme0003"}));
  ASSERT_EQ(b.warnings.size(), 2u);
  EXPECT_EQ(b.warnings[0], "reviews: reviews[1].comments[0].userComment.starRating: expected a number, got a string");
  EXPECT_EQ(b.warnings[1],
            "reviews: reviews[2].comments[0].userComment.lastModified.seconds: expected an integer (as a string), got null");
}

TEST_F(GooglePlayTest, APageFailingAfterAnotherKeepsWhatWasReadAndResumes) {
  add_reviews(3, 1000, 5000);
  auto c = make_play();
  const Batch first = ok(*c, "");
  add_reviews(15, 2000, 60);
  play_.fail_later(FakePlayRoute::list, 1, 1, FakeGooglePlay::google_error(503, "UNAVAILABLE", "Backend Error"));
  const Batch b = ok(*c, first.next_cursor);  // page 1 read, page 2 failed
  EXPECT_EQ(b.mentions.size(), 10u);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("503"), std::string::npos) << b.warnings[0];
  EXPECT_FALSE(b.more);
  const Batch rest = ok(*c, b.next_cursor);  // resumes at page 2
  EXPECT_EQ(rest.mentions.size(), 5u);
  std::set<std::string> ids;
  for (const auto* batch : {&b, &rest})
    for (const auto& m : batch->mentions) ids.insert(m.conversation_id);
  EXPECT_EQ(ids.size(), 15u);
}

TEST_F(GooglePlayTest, OptionsTheSchemaCannotCheckAreRefusedNamingThem) {
  std::string error;
  EXPECT_FALSE(build(R"({"package_name": "com.acmeair.app"})", error));
  EXPECT_NE(error.find("options.service_account_key"), std::string::npos) << error;
  // The key is not read when the connector is built (check-config has no secrets).
  EXPECT_TRUE(build(R"({"package_name": "com.acmeair.app", "service_account_key": "${UNSET}"})", error)) << error;
}

}  // namespace
}  // namespace carewatch::googleplay_test
