#include "daemon/cli/configured_redis.h"

#include <filesystem>

#include "daemon/store/redis_connection.h"

namespace carewatch {

std::string private_redis_dir(const Config& cfg) {
  return (std::filesystem::path(cfg.state_dir) / "redis").string();
}

ConfiguredRedis open_configured_redis(const Config& cfg, bool reuse_running) {
  ConfiguredRedis out;
  if (cfg.redis) {
    out.endpoint = *cfg.redis;
    return out;
  }
  PrivateRedisOptions options;
  options.dir = private_redis_dir(cfg);
  options.appendfsync = cfg.appendfsync;
  if (reuse_running) {
    RedisEndpoint running;
    running.unix_socket = PrivateRedis::socket_in(options.dir);
    std::error_code ec;
    if (std::filesystem::exists(running.unix_socket, ec)) {
      try {
        RedisConnection probe(running, std::chrono::milliseconds(500), std::chrono::milliseconds(1000));
        if (probe.command({"PING"}).str == "PONG") {
          out.endpoint = running;
          return out;
        }
      } catch (const RedisUnavailable&) {
        // A socket left by a daemon that is gone: start our own below.
      }
    }
  }
  std::filesystem::create_directories(options.dir);
  out.started = std::make_unique<PrivateRedis>(options);
  out.endpoint = out.started->endpoint();
  return out;
}

}  // namespace carewatch
