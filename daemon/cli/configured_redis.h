// The Redis a configuration names: its redis.url, or (no url) the private redis-server that
// carewatch keeps under <state_dir>/redis.
#pragma once

#include <memory>

#include "daemon/config/config.h"
#include "daemon/store/private_redis.h"
#include "daemon/store/redis_endpoint.h"

namespace carewatch {

struct ConfiguredRedis {
  RedisEndpoint endpoint;
  std::unique_ptr<PrivateRedis> started;  // set when the private redis-server was started here
};

// The private redis-server's data directory for a configuration.
std::string private_redis_dir(const Config& cfg);

// The configured Redis; with no url, the private redis-server: a running one (a daemon's) is used
// when `reuse_running` and its socket answers, otherwise one is started (and stopped by its owner).
// Throws std::runtime_error naming what failed (redis-server not found, could not start).
ConfiguredRedis open_configured_redis(const Config& cfg, bool reuse_running);

}  // namespace carewatch
