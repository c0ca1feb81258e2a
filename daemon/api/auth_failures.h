// Failed authentication, per client address: each failure takes a token from the address's
// bucket (kPerMinute a minute, that many at once), and an address without tokens is answered
// 429 instead of 401 until one is back. A valid key is never refused here: agents behind the same
// address (one office NAT) keep working while a stale script there fails. Failures are logged as
// one warning line per interval, with each address and its count, never the key presented; the
// line is written by the first call after the interval ends (any request reaches flush_due) and
// when this object goes away.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "daemon/api/rate_limiter.h"

namespace carewatch {

class AuthFailures {
 public:
  static constexpr int kPerMinute = 10;
  static constexpr std::chrono::seconds kLogInterval{60};

  explicit AuthFailures(RateLimiter::Clock clock = &std::chrono::steady_clock::now);
  ~AuthFailures();
  AuthFailures(const AuthFailures&) = delete;
  AuthFailures& operator=(const AuthFailures&) = delete;

  // Counts one failure from `address` ("" when unknown); refused once the address is over the limit.
  RateLimiter::Decision failed(const std::string& address);

  // Writes the summary line when an interval with failures has ended.
  void flush_due();

 private:
  void flush_locked();

  RateLimiter::Clock clock_;
  RateLimiter limiter_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point window_start_{};
  std::map<std::string, size_t> by_address_;  // failures in the current interval
  size_t refused_ = 0;                         // of them, answered 429
};

}  // namespace carewatch
