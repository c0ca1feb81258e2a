#include "daemon/pipeline/depth_sampler.h"

#include <algorithm>

namespace carewatch {

std::map<std::string, DepthSample> depth_per_queue(const std::vector<QueueDepth>& depths) {
  std::map<std::string, DepthSample> out;
  for (const QueueDepth& d : depths) {
    DepthSample& s = out[d.queue];
    s.waiting += d.waiting;
    s.claimed += d.claimed;
  }
  return out;
}

DepthSampler::DepthSampler(QueueStore& store) : store_(store), depth_(store.pool(), store.options().prefix) {}

DepthSampler::Outcome DepthSampler::sample(TimeMs now) {
  const std::int64_t minute = now - ((now % DepthStore::kMinute) + DepthStore::kMinute) % DepthStore::kMinute;
  // Another daemon's sample of this minute spares reading the queues.
  if (depth_.sampled(minute)) return Outcome::taken;
  const auto depths = depth_per_queue(store_.depths());
  if (depths.empty()) return Outcome::no_queues;
  return depth_.record(minute, depths) ? Outcome::recorded : Outcome::taken;
}

std::chrono::milliseconds DepthSampler::until_next(TimeMs now, bool minute_sampled) {
  const std::int64_t into = ((now % DepthStore::kMinute) + DepthStore::kMinute) % DepthStore::kMinute;
  const std::chrono::milliseconds next(DepthStore::kMinute - into + 1000);
  return minute_sampled ? next : std::min(next, kRetry);
}

}  // namespace carewatch
