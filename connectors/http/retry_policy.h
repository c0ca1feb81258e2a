// The one retry policy of carewatch: every outbound call ends Ok, Retry(after) or Fatal, and
// retries wait a capped, jittered exponential backoff, or what the platform asked for.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string>

#include "connectors/http/http_client.h"

namespace carewatch {

enum class Outcome { ok, retry, fatal };

struct Verdict {
  Outcome outcome = Outcome::ok;
  std::optional<std::chrono::milliseconds> retry_after;  // Retry-After / x-ratelimit-reset
  std::string message;                                   // "GET <url>: 429 Too Many Requests"
  // Calls left in the current rate-limit window, when the platform says (rate_limit_remaining).
  std::optional<double> rate_limit_remaining;
};

// Classifies a response: 2xx ok; 408/425/429/5xx/transport errors retry; other 4xx fatal
// (401/403: a token problem, 404: a wrong instance or tag). Reads Retry-After (seconds or an
// HTTP date) and rate-limit headers of any of the three families platforms use:
// x-ratelimit-* (Mastodon, Reddit), x-rate-limit-* (X) and ratelimit-* (Bluesky): <remaining> = 0
// with <reset> as an ISO 8601 time, epoch seconds, or (below 10^9) seconds until the reset.
// `now_ms` is the wall clock, injected for tests. The message names the URL without credentials.
Verdict classify_response(const HttpRequest& request, const HttpResponse& response,
                          long long now_ms);

// Calls left in the current rate-limit window from the same headers ("598.0" reads as 598), or
// nullopt when the response has none: carewatch_source_rate_limit_remaining.
std::optional<double> rate_limit_remaining(const HttpResponse& response);

// `url` without credentials (user:password@, and the query parameters access_token, token, key,
// api_key, apikey, client_secret, refresh_token, password): the only form a URL takes in a message or a log.
std::string redact_url(const std::string& url);

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial = std::chrono::seconds(1),
          std::chrono::milliseconds max = std::chrono::minutes(5), unsigned seed = std::random_device{}());
  // Delay before the next attempt after a failure: min(max, initial * 2^failures) with full
  // jitter in [delay/2, delay]; never less than `at_least` (a platform's Retry-After).
  std::chrono::milliseconds next(std::optional<std::chrono::milliseconds> at_least = std::nullopt);
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  std::chrono::milliseconds initial_, max_;
  int failures_ = 0;
  std::minstd_rand rng_;
};

}  // namespace carewatch
