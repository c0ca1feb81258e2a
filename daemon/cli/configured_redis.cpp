#include "daemon/cli/configured_redis.h"

#include <filesystem>
#include <optional>

#include "daemon/store/redis_connection.h"

namespace carewatch {

namespace {

bool answers_ping(const RedisEndpoint& ep) {
  std::error_code ec;
  if (!std::filesystem::exists(ep.unix_socket, ec)) return false;
  try {
    RedisConnection probe(ep, std::chrono::milliseconds(500), std::chrono::milliseconds(1000));
    return probe.command({"PING"}).str == "PONG";
  } catch (const RedisUnavailable&) {
    return false;  // a socket left by a daemon that is gone
  }
}

}  // namespace

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
    std::optional<StateLockHeld> held;
    try {
      out.lock = std::make_unique<StateLock>(cfg.state_dir);
    } catch (const StateLockHeld& e) {
      held = e;
    }
    RedisEndpoint running;
    running.unix_socket = PrivateRedis::socket_in(options.dir);
    if (answers_ping(running)) {
      out.lock.reset();
      out.endpoint = running;
      return out;
    }
    if (held)
      throw std::runtime_error(std::string(held->what()) + ", and its redis-server does not answer on " +
                               running.unix_socket + "; try again once it does");
  }
  out.started = std::make_unique<PrivateRedis>(options);
  out.endpoint = out.started->endpoint();
  return out;
}

}  // namespace carewatch
