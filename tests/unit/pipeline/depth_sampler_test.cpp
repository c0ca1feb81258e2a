// The depth sampler's pure parts: depths summed per queue, when the next sample is due.
#include "daemon/pipeline/depth_sampler.h"

#include <gtest/gtest.h>

namespace carewatch {
namespace {

constexpr TimeMs T = 1795341600000;  // 2026-11-22T10:00:00Z

TEST(DepthSampler, DepthsAreSummedOverTheQueuesPriorities) {
  std::vector<QueueDepth> depths;
  for (int p = 0; p < 4; ++p) depths.push_back({"care", p, p + 1, 10 * p, 0});
  depths.push_back({"billing", 2, 0, 0, 0});
  const auto per_queue = depth_per_queue(depths);
  ASSERT_EQ(per_queue.size(), 2u);
  EXPECT_EQ(per_queue.at("care").waiting, 10);
  EXPECT_EQ(per_queue.at("care").claimed, 60);
  EXPECT_EQ(per_queue.at("billing"), (DepthSample{0, 0, 0}));
  EXPECT_TRUE(depth_per_queue({}).empty());
}

TEST(DepthSampler, TheNextSampleIsDueASecondIntoTheNextMinute) {
  using std::chrono::milliseconds;
  EXPECT_EQ(DepthSampler::until_next(T), milliseconds(61'000));
  EXPECT_EQ(DepthSampler::until_next(T + 1'000), milliseconds(60'000));
  EXPECT_EQ(DepthSampler::until_next(T + 59'999), milliseconds(1'001));
  EXPECT_EQ(DepthSampler::until_next(T + 30'500), milliseconds(30'500));
}

TEST(DepthSampler, AMinuteWithoutItsSampleIsTriedAgainWithinSeconds) {
  using std::chrono::milliseconds;
  EXPECT_EQ(DepthSampler::until_next(T + 1'000, false), DepthSampler::kRetry);
  EXPECT_EQ(DepthSampler::until_next(T + 58'000, false), milliseconds(3'000));  // the next minute first
}

}  // namespace
}  // namespace carewatch
