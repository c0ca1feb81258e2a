// The Redis a configuration names: its redis.url, or (no url) the private redis-server that
// carewatch keeps under <state_dir>/redis.
#pragma once

#include <memory>

#include "daemon/cli/state_lock.h"
#include "daemon/config/config.h"
#include "daemon/store/private_redis.h"
#include "daemon/store/redis_endpoint.h"

namespace carewatch {

struct ConfiguredRedis {
  RedisEndpoint endpoint;
  std::unique_ptr<StateLock> lock;        // held while `started` runs, when taken here
  std::unique_ptr<PrivateRedis> started;  // set when the private redis-server was started here
};

// The private redis-server's data directory for a configuration.
std::string private_redis_dir(const Config& cfg);

// The configured Redis; with no url, the private redis-server.
// `reuse_running` (reset-cursor): a running one (a daemon's) is used when its socket answers;
// otherwise one is started only under the state dir's lock (kept in `lock`), so it can never
// collide with a daemon's: while a daemon holds the lock and its Redis does not answer, this
// throws naming the lock.
// Without `reuse_running` (run): one is started; the caller holds the state dir's lock.
// Throws std::runtime_error naming what failed (redis-server not found, could not start).
ConfiguredRedis open_configured_redis(const Config& cfg, bool reuse_running);

}  // namespace carewatch
