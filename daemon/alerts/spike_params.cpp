#include "daemon/alerts/spike_params.h"

#include <algorithm>

namespace carewatch {

SpikeParams spike_params_of(const SpikeConfig& config) {
  SpikeParams p;
  p.threshold = config.threshold;
  p.min_count = config.min_count;
  p.min_ratio = config.min_ratio;
  const auto week = std::chrono::hours(24 * 7);
  p.history_weeks = static_cast<int>(std::max<std::int64_t>(1, config.history / week));
  p.cooldown_buckets = std::max<std::int64_t>(1, (config.cooldown.count() + kSpikeBucketMs - 1) / kSpikeBucketMs);
  return p;
}

}  // namespace carewatch
