#include "daemon/api/auth_failures.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "daemon/telemetry/log.h"

namespace carewatch {

namespace {
constexpr size_t kAddressesShown = 10;
}

AuthFailures::AuthFailures(RateLimiter::Clock clock) : clock_(clock), limiter_(kPerMinute, std::move(clock)) {}

AuthFailures::~AuthFailures() {
  try {
    std::lock_guard lock(mutex_);
    flush_locked();
  } catch (...) {
  }
}

RateLimiter::Decision AuthFailures::failed(const std::string& address) {
  const std::string key = address.empty() ? "unknown" : address;
  const RateLimiter::Decision d = limiter_.allow(key);
  std::lock_guard lock(mutex_);
  if (by_address_.empty()) window_start_ = clock_();
  ++by_address_[key];
  if (!d.allowed) ++refused_;
  return d;
}

void AuthFailures::flush_due() {
  std::lock_guard lock(mutex_);
  if (!by_address_.empty() && clock_() - window_start_ >= kLogInterval) flush_locked();
}

void AuthFailures::flush_locked() {
  if (by_address_.empty()) return;
  size_t total = 0;
  std::vector<std::pair<size_t, std::string>> sorted;
  for (const auto& [address, n] : by_address_) {
    total += n;
    sorted.emplace_back(n, address);
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string addresses;
  for (size_t i = 0; i < sorted.size() && i < kAddressesShown; ++i)
    addresses += (i ? ", " : "") + sorted[i].second + " " + std::to_string(sorted[i].first);
  if (sorted.size() > kAddressesShown)
    addresses += ", and " + std::to_string(sorted.size() - kAddressesShown) + " more addresses";
  log::warn("api: failed authentication (401, 429 over the per-address limit)",
            {{"count", std::to_string(total)},
             {"refused_429", std::to_string(refused_)},
             {"addresses", addresses},
             {"interval_s", std::to_string(kLogInterval.count())}});
  by_address_.clear();
  refused_ = 0;
}

}  // namespace carewatch
