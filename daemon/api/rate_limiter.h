// A token bucket per key (the API limits each agent to N requests a minute). Pure logic with an
// injected clock, thread-safe. A bucket holds at most `per_minute` tokens (the burst) and
// refills continuously at per_minute / 60 s. Keys are agent ids or client addresses; a bucket that
// has refilled to full is worth nothing, so once there are kPruneAt buckets the full ones are
// dropped before a new one is added.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace carewatch {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  struct Decision {
    bool allowed = true;
    // When refused: how long until one token is back (never zero), for Retry-After.
    std::chrono::milliseconds retry_after{0};
  };

  // per_minute <= 0 disables the limit (every request is allowed).
  explicit RateLimiter(int per_minute, Clock clock = &std::chrono::steady_clock::now);

  // Takes one token from `key`'s bucket when there is one.
  Decision allow(const std::string& key);

  size_t bucket_count() const;

  static constexpr size_t kPruneAt = 4096;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };
  void refill(Bucket& b, std::chrono::steady_clock::time_point now) const;

  double capacity_;
  double per_ms_;  // tokens per millisecond
  Clock clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace carewatch
