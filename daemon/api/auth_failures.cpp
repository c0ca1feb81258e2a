#include "daemon/api/auth_failures.h"
#include "daemon/api/address_tally.h"

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
  const AddressTally tally = tally_addresses(by_address_, kAddressesShown);
  log::warn("api: failed authentication (401, 429 over the per-address limit)",
            {{"count", std::to_string(tally.total)},
             {"refused_429", std::to_string(refused_)},
             {"addresses", tally.addresses},
             {"interval_s", std::to_string(kLogInterval.count())}});
  by_address_.clear();
  refused_ = 0;
}

}  // namespace carewatch
