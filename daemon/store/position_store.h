// Where a follower of the events stream got to, kept in Redis so a restart (or another daemon
// taking the follower's lease over) goes on from there: {P}:pos:<name> holds a stream id.
#pragma once

#include <optional>
#include <string>

#include "daemon/store/redis_pool.h"

namespace carewatch {

class PositionStore {
 public:
  PositionStore(RedisPool& pool, const std::string& prefix);
  std::optional<std::string> get(const std::string& name);
  void set(const std::string& name, const std::string& stream_id);

 private:
  std::string key(const std::string& name) const { return kp_ + ":pos:" + name; }
  RedisPool& pool_;
  std::string kp_;  // "{prefix}"
};

}  // namespace carewatch
