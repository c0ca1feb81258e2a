// Failed authentication per client address: the limit and the one summary line per interval.
#include "daemon/api/auth_failures.h"

#include <gtest/gtest.h>

#include <string>

namespace carewatch {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  RateLimiter::Clock fn() {
    return [this] { return now; };
  }
};

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(AuthFailuresTest, AnAddressIsRefusedAfterTheLimitOthersAreNot) {
  FakeClock clock;
  AuthFailures failures(clock.fn());
  for (int i = 0; i < AuthFailures::kPerMinute; ++i) EXPECT_TRUE(failures.failed("192.0.2.7").allowed) << i;
  const auto refused = failures.failed("192.0.2.7");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 6s);  // 10 a minute: one every 6 s
  EXPECT_TRUE(failures.failed("198.51.100.1").allowed);
  clock.now += 6s;
  EXPECT_TRUE(failures.failed("192.0.2.7").allowed);
  EXPECT_FALSE(failures.failed("192.0.2.7").allowed);
}

TEST(AuthFailuresTest, LogsOneSummaryLinePerIntervalWithAddressesAndCounts) {
  FakeClock clock;
  testing::internal::CaptureStderr();
  {
    AuthFailures failures(clock.fn());
    for (int i = 0; i < 12; ++i) failures.failed("192.0.2.7");
    failures.failed("198.51.100.1");
    failures.flush_due();  // the interval has not ended: nothing yet
    clock.now += AuthFailures::kLogInterval;
    failures.flush_due();
    failures.flush_due();  // nothing new: no second line
    failures.failed("");
  }  // going away writes what is left
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(count_of(err, "api: failed authentication"), 2u) << err;
  EXPECT_NE(err.find("\"count\":\"13\""), std::string::npos) << err;
  EXPECT_NE(err.find("\"refused_429\":\"2\""), std::string::npos) << err;
  EXPECT_NE(err.find("192.0.2.7 12, 198.51.100.1 1"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown 1"), std::string::npos) << err;
}

}  // namespace
}  // namespace carewatch
