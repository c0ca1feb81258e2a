#include "daemon/api/rate_limiter.h"

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

TEST(RateLimiterTest, AllowsABurstOfTheLimitThenRefuses) {
  FakeClock clock;
  RateLimiter limiter(3, clock.fn());
  EXPECT_TRUE(limiter.allow("alice").allowed);
  EXPECT_TRUE(limiter.allow("alice").allowed);
  EXPECT_TRUE(limiter.allow("alice").allowed);
  const auto refused = limiter.allow("alice");
  EXPECT_FALSE(refused.allowed);
  // 3 a minute: one token every 20 s.
  EXPECT_EQ(refused.retry_after, 20s);
}

TEST(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  FakeClock clock;
  RateLimiter limiter(1, clock.fn());
  EXPECT_TRUE(limiter.allow("alice").allowed);
  EXPECT_FALSE(limiter.allow("alice").allowed);
  EXPECT_TRUE(limiter.allow("bob").allowed);
  EXPECT_FALSE(limiter.allow("bob").allowed);
  EXPECT_EQ(limiter.bucket_count(), 2u);
}

TEST(RateLimiterTest, RefillsContinuouslyUpToTheBurst) {
  FakeClock clock;
  RateLimiter limiter(60, clock.fn());  // one token a second
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.allow("k").allowed) << i;
  EXPECT_FALSE(limiter.allow("k").allowed);

  clock.now += 500ms;
  const auto half = limiter.allow("k");
  EXPECT_FALSE(half.allowed);
  EXPECT_EQ(half.retry_after, 500ms);

  clock.now += 500ms;
  EXPECT_TRUE(limiter.allow("k").allowed);
  EXPECT_FALSE(limiter.allow("k").allowed);

  // A long pause refills to the burst size, not beyond.
  clock.now += 1h;
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.allow("k").allowed) << i;
  EXPECT_FALSE(limiter.allow("k").allowed);
}

TEST(RateLimiterTest, RefusalsDoNotConsumeTokens) {
  FakeClock clock;
  RateLimiter limiter(60, clock.fn());
  for (int i = 0; i < 60; ++i) limiter.allow("k");
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter.allow("k").allowed);
  clock.now += 1s;
  EXPECT_TRUE(limiter.allow("k").allowed);
}

TEST(RateLimiterTest, ClockGoingBackwardsAddsNothing) {
  FakeClock clock;
  RateLimiter limiter(1, clock.fn());
  EXPECT_TRUE(limiter.allow("k").allowed);
  clock.now -= 10min;
  EXPECT_FALSE(limiter.allow("k").allowed);
}

// Keyed by client address the buckets are not bounded by configuration: full ones are dropped.
TEST(RateLimiterTest, FullBucketsAreDroppedOnceThereAreMany) {
  FakeClock clock;
  RateLimiter limiter(2, clock.fn());
  for (size_t i = 0; i < RateLimiter::kPruneAt; ++i) limiter.allow("addr" + std::to_string(i));
  limiter.allow("addr0");  // addr0 is now empty: it must survive the pruning
  EXPECT_EQ(limiter.bucket_count(), RateLimiter::kPruneAt);
  clock.now += 30s;  // half a bucket back: the others are full again (they spent one of two)
  limiter.allow("newcomer");
  EXPECT_EQ(limiter.bucket_count(), 2u);
  // addr0 kept its state (one token, not a fresh two).
  EXPECT_TRUE(limiter.allow("addr0").allowed);
  EXPECT_FALSE(limiter.allow("addr0").allowed) << "a bucket in use was forgotten";
}

TEST(RateLimiterTest, ZeroOrNegativeDisablesTheLimit) {
  FakeClock clock;
  RateLimiter off(0, clock.fn());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(off.allow("k").allowed);
  RateLimiter negative(-5, clock.fn());
  EXPECT_TRUE(negative.allow("k").allowed);
  EXPECT_EQ(off.bucket_count(), 0u);
}

}  // namespace
}  // namespace carewatch
