// The queue store's knobs (from the configuration's "queues" and "redis" sections).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace carewatch {

struct QueueStoreOptions {
  std::string prefix = "cw";
  std::chrono::milliseconds lease{std::chrono::minutes(5)};   // claim lease
  std::chrono::seconds dedup_ttl{std::chrono::hours(24 * 14)};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{5000};
  size_t connections = 4;     // pool size
};

}  // namespace carewatch
