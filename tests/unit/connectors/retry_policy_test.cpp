#include "connectors/http/retry_policy.h"

#include <gtest/gtest.h>

#include <set>

namespace carewatch {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// 2026-11-22T10:00:00Z
constexpr long long kNow = 1795341600000;

HttpRequest get(const std::string& url = "https://masto.example/api/v1/timelines/tag/acme?limit=40") {
  HttpRequest r;
  r.url = url;
  return r;
}

HttpResponse response(int status, std::map<std::string, std::string> headers = {}, std::string body = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

TEST(RetryPolicy, SuccessIsOkWithoutWait) {
  for (int status : {200, 201, 204, 299}) {
    const Verdict v = classify_response(get(), response(status), kNow);
    EXPECT_EQ(v.outcome, Outcome::ok) << status;
    EXPECT_FALSE(v.retry_after) << status;
  }
}

TEST(RetryPolicy, TransientStatusesRetry) {
  for (int status : {408, 425, 429, 500, 502, 503, 504, 599}) {
    const Verdict v = classify_response(get(), response(status), kNow);
    EXPECT_EQ(v.outcome, Outcome::retry) << status;
    EXPECT_NE(v.message.find(std::to_string(status)), std::string::npos) << v.message;
  }
}

TEST(RetryPolicy, TransportErrorRetriesAndKeepsTheError) {
  HttpResponse r;
  r.error = "Failed to connect to any resolved endpoint";
  const Verdict v = classify_response(get(), r, kNow);
  EXPECT_EQ(v.outcome, Outcome::retry);
  EXPECT_NE(v.message.find("Failed to connect"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("GET https://masto.example/api/v1/timelines/tag/acme"), std::string::npos) << v.message;
}

TEST(RetryPolicy, OtherClientErrorsAreFatal) {
  for (int status : {400, 401, 403, 404, 410, 422}) {
    const Verdict v = classify_response(get(), response(status), kNow);
    EXPECT_EQ(v.outcome, Outcome::fatal) << status;
  }
}

TEST(RetryPolicy, FatalMessageNamesMethodUrlStatusAndReason) {
  HttpRequest r = get("https://masto.example/api/v1/statuses?access_token=s3cret&limit=5");
  r.method = "POST";
  const Verdict v =
      classify_response(r, response(401, {}, R"({"error":"The access token is invalid"})"), kNow);
  EXPECT_EQ(v.outcome, Outcome::fatal);
  EXPECT_EQ(v.message.rfind("POST https://masto.example/api/v1/statuses?limit=5: 401 Unauthorized", 0), 0u)
      << v.message;
  EXPECT_NE(v.message.find("The access token is invalid"), std::string::npos) << v.message;
  EXPECT_EQ(v.message.find("s3cret"), std::string::npos) << v.message;
}

TEST(RetryPolicy, SecretsAreStrippedWhereverTheyAppearInTheQuery) {
  for (const std::string url : {"https://h.example/p?access_token=s3cret", "https://h.example/p?a=1&access_token=s3cret",
                                "https://h.example/p?access_token=s3cret&a=1#frag",
                                "https://user:s3cret@h.example/p?a=1"}) {
    const Verdict v = classify_response(get(url), response(404), kNow);
    EXPECT_EQ(v.message.find("s3cret"), std::string::npos) << v.message;
    EXPECT_NE(v.message.find("https://h.example/p"), std::string::npos) << v.message;
    EXPECT_NE(v.message.find("404 Not Found"), std::string::npos) << v.message;
  }
  const Verdict v = classify_response(get("https://h.example/p?a=1&access_token=x&b=2"), response(404), kNow);
  EXPECT_NE(v.message.find("https://h.example/p?a=1&b=2:"), std::string::npos) << v.message;
}

TEST(RetryPolicy, RetryAfterSeconds) {
  const Verdict v = classify_response(get(), response(429, {{"retry-after", "120"}}), kNow);
  EXPECT_EQ(v.outcome, Outcome::retry);
  ASSERT_TRUE(v.retry_after);
  EXPECT_EQ(*v.retry_after, seconds(120));
  EXPECT_EQ(v.message.find("429 Too Many Requests") != std::string::npos, true) << v.message;
}

TEST(RetryPolicy, RetryAfterHttpDate) {
  // kNow + 90 s, in the three forms HTTP allows.
  for (const std::string date :
       {"Sun, 22 Nov 2026 10:01:30 GMT", "Sunday, 22-Nov-26 10:01:30 GMT", "Sun Nov 22 10:01:30 2026"}) {
    const Verdict v = classify_response(get(), response(503, {{"retry-after", date}}), kNow);
    EXPECT_EQ(v.outcome, Outcome::retry);
    ASSERT_TRUE(v.retry_after) << date;
    EXPECT_EQ(*v.retry_after, seconds(90)) << date;
  }
  // A date in the past means "now", never a negative wait.
  const Verdict past = classify_response(get(), response(503, {{"retry-after", "Sun, 22 Nov 2026 09:00:00 GMT"}}), kNow);
  ASSERT_TRUE(past.retry_after);
  EXPECT_EQ(*past.retry_after, milliseconds(0));
}

TEST(RetryPolicy, UnparseableRetryAfterIsIgnored) {
  const Verdict v = classify_response(get(), response(503, {{"retry-after", "soon"}}), kNow);
  EXPECT_EQ(v.outcome, Outcome::retry);
  EXPECT_FALSE(v.retry_after);
}

TEST(RetryPolicy, ExhaustedRateLimitWithIsoResetWaitsEvenOnSuccess) {
  const Verdict v = classify_response(
      get(), response(200, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "2026-11-22T10:05:00.000Z"}}), kNow);
  EXPECT_EQ(v.outcome, Outcome::ok);
  ASSERT_TRUE(v.retry_after);
  EXPECT_EQ(*v.retry_after, seconds(300));
}

TEST(RetryPolicy, ExhaustedRateLimitWithEpochSecondsReset) {
  const Verdict v = classify_response(
      get(), response(429, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(kNow / 1000 + 42)}}),
      kNow);
  EXPECT_EQ(v.outcome, Outcome::retry);
  ASSERT_TRUE(v.retry_after);
  EXPECT_EQ(*v.retry_after, seconds(42));
}

TEST(RetryPolicy, RateLimitResetInThePastIsZero) {
  const Verdict v = classify_response(
      get(), response(200, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "2026-11-22T09:59:00Z"}}), kNow);
  ASSERT_TRUE(v.retry_after);
  EXPECT_EQ(*v.retry_after, milliseconds(0));
}

TEST(RetryPolicy, RemainingQuotaMeansNoWait) {
  const Verdict v = classify_response(
      get(), response(200, {{"x-ratelimit-remaining", "299"}, {"x-ratelimit-reset", "2026-11-22T10:05:00.000Z"}}), kNow);
  EXPECT_EQ(v.outcome, Outcome::ok);
  EXPECT_FALSE(v.retry_after);
}

TEST(RetryPolicy, LongerOfRetryAfterAndRateLimitResetWins) {
  const Verdict v = classify_response(get(),
                                      response(429, {{"retry-after", "10"},
                                                     {"x-ratelimit-remaining", "0"},
                                                     {"x-ratelimit-reset", "2026-11-22T10:01:00Z"}}),
                                      kNow);
  ASSERT_TRUE(v.retry_after);
  EXPECT_EQ(*v.retry_after, seconds(60));
}

// The three header families platforms use: x-ratelimit-* (Mastodon, Reddit: remaining as a
// decimal, reset in seconds from now), x-rate-limit-* (X: epoch seconds), ratelimit-* (Bluesky:
// epoch seconds).
TEST(RetryPolicy, EveryRateLimitHeaderFamilyIsRead) {
  const long long reset_epoch_s = kNow / 1000 + 90;
  struct Case {
    std::map<std::string, std::string> headers;
    double remaining;
  };
  const std::vector<Case> cases = {
      {{{"x-ratelimit-remaining", "0.0"}, {"x-ratelimit-used", "100"}, {"x-ratelimit-reset", "90"}}, 0},
      {{{"x-rate-limit-remaining", "0"}, {"x-rate-limit-limit", "450"},
        {"x-rate-limit-reset", std::to_string(reset_epoch_s)}},
       0},
      {{{"ratelimit-remaining", "0"}, {"ratelimit-limit", "3000"}, {"ratelimit-reset", std::to_string(reset_epoch_s)}},
       0},
  };
  for (const auto& c : cases) {
    const Verdict v = classify_response(get(), response(200, c.headers), kNow);
    EXPECT_EQ(v.outcome, Outcome::ok);
    ASSERT_TRUE(v.retry_after) << c.headers.begin()->first;
    EXPECT_EQ(*v.retry_after, seconds(90)) << c.headers.begin()->first;
    ASSERT_TRUE(v.rate_limit_remaining);
    EXPECT_EQ(*v.rate_limit_remaining, c.remaining);
  }
}

TEST(RetryPolicy, RemainingCallsAreReportedWhenThePlatformSaysSo) {
  EXPECT_EQ(rate_limit_remaining(response(200, {{"x-ratelimit-remaining", "598.0"}})), 598);
  EXPECT_EQ(rate_limit_remaining(response(200, {{"x-rate-limit-remaining", "449"}})), 449);
  EXPECT_EQ(rate_limit_remaining(response(200, {{"ratelimit-remaining", "2999"}})), 2999);
  EXPECT_FALSE(rate_limit_remaining(response(200, {})));
  EXPECT_FALSE(rate_limit_remaining(response(200, {{"x-ratelimit-remaining", "lots"}})));
}

TEST(RetryPolicy, RedactedUrlsKeepNoCredentials) {
  EXPECT_EQ(redact_url("https://user:pw@api.example/v1?key=AIza123&part=snippet&refresh_token=r1&password=p"),
            "https://api.example/v1?part=snippet");
}

TEST(Backoff, GrowsExponentiallyWithinJitterBounds) {
  Backoff b(milliseconds(100), seconds(60), 7);
  for (int failures = 0; failures < 8; ++failures) {
    EXPECT_EQ(b.failures(), failures);
    const long long full = 100LL << failures;
    const auto d = b.next();
    EXPECT_GE(d.count(), full / 2) << failures;
    EXPECT_LE(d.count(), full) << failures;
  }
  EXPECT_EQ(b.failures(), 8);
}

TEST(Backoff, IsCappedAtMax) {
  Backoff b(seconds(1), seconds(30), 3);
  for (int i = 0; i < 200; ++i) {
    const auto d = b.next();
    EXPECT_LE(d, seconds(30));
    if (i >= 5) {
      EXPECT_GE(d, seconds(15)) << i;  // 2^5 s > 30 s: the capped delay, jittered
    }
  }
}

TEST(Backoff, LargeFailureCountsDoNotOverflow) {
  Backoff b(milliseconds(1500), std::chrono::hours(24), 11);
  for (int i = 0; i < 5000; ++i) b.next();
  const auto d = b.next();
  EXPECT_GE(d, std::chrono::hours(12));
  EXPECT_LE(d, std::chrono::hours(24));
}

TEST(Backoff, JitterVariesAndStaysInRange) {
  std::set<long long> seen;
  for (unsigned seed = 1; seed <= 50; ++seed) {
    Backoff b(milliseconds(1000), seconds(60), seed);
    b.next();
    b.next();
    const auto d = b.next();  // third attempt: 4 s before jitter
    EXPECT_GE(d, milliseconds(2000));
    EXPECT_LE(d, milliseconds(4000));
    seen.insert(d.count());
  }
  EXPECT_GT(seen.size(), 10u);
}

TEST(Backoff, NeverShorterThanWhatThePlatformAskedFor) {
  Backoff b(milliseconds(100), seconds(60), 5);
  EXPECT_EQ(b.next(seconds(30)), seconds(30));
  EXPECT_EQ(b.failures(), 1);
  // A shorter request does not shorten the backoff.
  const auto d = b.next(milliseconds(1));
  EXPECT_GE(d, milliseconds(100));
  EXPECT_LE(d, milliseconds(200));
}

TEST(Backoff, ResetStartsOver) {
  Backoff b(milliseconds(100), seconds(60), 9);
  for (int i = 0; i < 10; ++i) b.next();
  b.reset();
  EXPECT_EQ(b.failures(), 0);
  EXPECT_LE(b.next(), milliseconds(100));
}

}  // namespace
}  // namespace carewatch
