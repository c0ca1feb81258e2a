// fetch_json: the one way an HTTP connector reads a JSON answer, and its verdict on bad ones.
#include "connectors/common/json_fetch.h"

#include <gtest/gtest.h>

#include <deque>

namespace carewatch {
namespace {

constexpr long long kNow = 1795341600000;  // 2026-11-22T10:00:00Z

class CannedHttp : public HttpClient {
 public:
  std::deque<HttpResponse> answers;
  std::vector<HttpRequest> sent;
  HttpResponse send(const HttpRequest& request) override {
    sent.push_back(request);
    HttpResponse r = answers.front();
    answers.pop_front();
    return r;
  }
};

HttpResponse answer(int status, std::string body, std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

HttpRequest get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  return r;
}

TEST(JsonFetch, AGoodAnswerIsParsedWithItsRateLimit) {
  CannedHttp http;
  http.answers.push_back(answer(200, R"({"data": [1, 2]})", {{"x-rate-limit-remaining", "12"}}));
  JsonAnswer a;
  EXPECT_FALSE(fetch_json(http, get("https://api.example/2/tweets"), "mentions", a, kNow));
  ASSERT_TRUE(a.doc.IsObject());
  EXPECT_EQ(a.doc["data"].Size(), 2u);
  EXPECT_EQ(a.rate_limit_remaining, 12);
  EXPECT_FALSE(a.rate_limited_for);
}

TEST(JsonFetch, AGoodAnswerThatUsedUpTheLimitSaysHowLongToWait) {
  CannedHttp http;
  http.answers.push_back(answer(200, "[]", {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "30"}}));
  JsonAnswer a;
  EXPECT_FALSE(fetch_json(http, get("https://api.example/x"), "s", a, kNow));
  ASSERT_TRUE(a.rate_limited_for);
  EXPECT_EQ(*a.rate_limited_for, std::chrono::seconds(30));
}

TEST(JsonFetch, RejectedCredentialsAreFatalWithThePlatformsWordsAndTheHint) {
  CannedHttp http;
  http.answers.push_back(answer(401, R"({"title": "Unauthorized", "detail": "Unauthorized", "type": "about:blank"})"));
  JsonAnswer a;
  auto f = fetch_json(http, get("https://api.example/2/users/1/mentions?token=s3cret"), "mentions", a, kNow,
                      "is options.bearer_token valid?");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->error.kind, PollError::Kind::fatal);
  EXPECT_EQ(f->status, 401);
  EXPECT_NE(f->error.message.find("mentions: GET https://api.example/2/users/1/mentions: 401"), std::string::npos)
      << f->error.message;
  EXPECT_NE(f->error.message.find("is options.bearer_token valid?"), std::string::npos);
  EXPECT_EQ(f->error.message.find("s3cret"), std::string::npos);
}

TEST(JsonFetch, TooManyRequestsIsRetriedAfterWhatThePlatformAsked) {
  CannedHttp http;
  http.answers.push_back(answer(429, "{}", {{"retry-after", "17"}}));
  JsonAnswer a;
  auto f = fetch_json(http, get("https://api.example/x"), "s", a, kNow);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->error.kind, PollError::Kind::retry);
  EXPECT_TRUE(f->stop_all);
  EXPECT_EQ(f->error.retry_after, std::chrono::seconds(17));
}

TEST(JsonFetch, HtmlPagesAndTruncatedJsonAreRetried) {
  CannedHttp http;
  http.answers.push_back(answer(200, "<html><body>Be right back</body></html>", {{"content-type", "text/html"}}));
  http.answers.push_back(answer(200, R"({"data": [{"id": "1")"));
  JsonAnswer a;
  auto html = fetch_json(http, get("https://api.example/x"), "s", a, kNow);
  ASSERT_TRUE(html);
  EXPECT_EQ(html->error.kind, PollError::Kind::retry);
  EXPECT_NE(html->error.message.find("HTML page"), std::string::npos);
  JsonAnswer b;
  auto truncated = fetch_json(http, get("https://api.example/x"), "s", b, kNow);
  ASSERT_TRUE(truncated);
  EXPECT_EQ(truncated->error.kind, PollError::Kind::retry);
  EXPECT_NE(truncated->error.message.find("invalid JSON at offset"), std::string::npos);
}

TEST(JsonFetch, ErrorDetailReadsEachPlatformsErrorShape) {
  EXPECT_EQ(error_detail(R"({"error": "invalid_grant"})"), "invalid_grant");
  EXPECT_EQ(error_detail(R"({"error": {"code": 403, "message": "quotaExceeded"}})"), "quotaExceeded");
  EXPECT_EQ(error_detail(R"({"error": "ExpiredToken", "message": "Token has expired"})"), "ExpiredToken: Token has expired");
  EXPECT_EQ(error_detail(R"({"message": "Forbidden", "error": 403})"), "Forbidden");
  EXPECT_EQ(error_detail("not json"), "");
}

}  // namespace
}  // namespace carewatch
