#include "daemon/api/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace carewatch {

RateLimiter::RateLimiter(int per_minute, Clock clock)
    : capacity_(per_minute > 0 ? per_minute : 0),
      per_ms_(per_minute > 0 ? per_minute / 60000.0 : 0),
      clock_(std::move(clock)) {}

void RateLimiter::refill(Bucket& b, std::chrono::steady_clock::time_point now) const {
  if (now <= b.updated) return;  // a clock that stands still (or a late caller) adds nothing
  const double elapsed_ms = std::chrono::duration<double, std::milli>(now - b.updated).count();
  b.tokens = std::min(capacity_, b.tokens + elapsed_ms * per_ms_);
  b.updated = now;
}

RateLimiter::Decision RateLimiter::allow(const std::string& key) {
  if (capacity_ <= 0) return {};
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= kPruneAt && !buckets_.count(key)) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      refill(it->second, now);
      it = it->second.tokens >= capacity_ ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{capacity_, now});
  Bucket& b = it->second;
  if (!inserted) refill(b, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  const double missing_ms = (1.0 - b.tokens) / per_ms_;
  const auto wait = std::max<long long>(1, static_cast<long long>(std::ceil(missing_ms)));
  return {false, std::chrono::milliseconds(wait)};
}

size_t RateLimiter::bucket_count() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace carewatch
