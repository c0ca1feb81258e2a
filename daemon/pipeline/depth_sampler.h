// Queue depth samples: once a minute, the depth of every queue (QueueStore::depths, summed over
// priorities) recorded as that minute's sample (daemon/store/depth_store.h). Every daemon runs
// one (a loop of daemon/pipeline/maintenance.h); the first to record a minute keeps it, so
// daemons sharing a Redis write one sample per minute, and a minute no daemon ran in has none.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "daemon/store/depth_store.h"
#include "daemon/store/queue_store.h"

namespace carewatch {

// The depths per priority summed per queue (t unset).
std::map<std::string, DepthSample> depth_per_queue(const std::vector<QueueDepth>& depths);

class DepthSampler {
 public:
  // recorded: this call recorded the minute's sample; taken: the minute had one already (another
  // daemon's); no_queues: there is no queue yet, so nothing was recorded.
  enum class Outcome { recorded, taken, no_queues };

  explicit DepthSampler(QueueStore& store);

  // Samples the minute containing `now` (ms) unless it has a sample already. Throws
  // RedisUnavailable when Redis is away.
  Outcome sample(TimeMs now);

  // How long after `now` the next sample is due: a second into the next minute; while the
  // minute has no sample (no queue yet, Redis away), kRetry or that, whichever is sooner.
  static constexpr std::chrono::milliseconds kRetry{5000};
  static std::chrono::milliseconds until_next(TimeMs now, bool minute_sampled = true);

 private:
  QueueStore& store_;
  DepthStore depth_;
};

}  // namespace carewatch
