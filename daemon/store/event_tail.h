// Follows {P}:events as it grows: a blocking XREAD on a connection of its own, never one of the
// pool's (those serve requests, and a read that waits would hold one for its whole wait). The
// console's live feed (daemon/api/live_pump.h) runs one per daemon. One thread calls it.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "daemon/store/queue_store.h"
#include "daemon/store/queue_store_options.h"
#include "daemon/store/redis_connection.h"
#include "daemon/store/redis_endpoint.h"

namespace carewatch {

class EventTail {
 public:
  EventTail(RedisEndpoint endpoint, const QueueStoreOptions& options);
  ~EventTail();
  EventTail(const EventTail&) = delete;
  EventTail& operator=(const EventTail&) = delete;

  // The events appended after the last one this returned (after the stream's end as it was at
  // the first call, or at the first call after reset()), at most `max`, waiting at most `block`
  // (at least 1 ms) for the first. Throws RedisUnavailable when Redis is away; the next call
  // connects again and goes on from the same position.
  std::vector<Event> next(std::chrono::milliseconds block, size_t max);

  // Forgets the position: the next call starts at the stream's end (after a spell without
  // readers, when what happened meanwhile is of no interest).
  void reset();

 private:
  RedisConnection& connection(std::chrono::milliseconds block);

  RedisEndpoint endpoint_;
  QueueStoreOptions options_;
  std::string key_;
  std::string last_;  // the id read up to; "" before the first call
  std::unique_ptr<RedisConnection> c_;
};

}  // namespace carewatch
