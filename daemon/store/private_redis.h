// A private redis-server child process: started from PATH with AOF on, data in a directory of
// ours (mode 0700, its files 0600), listening on a unix socket (and no TCP port), stopped
// (SIGTERM to its pid, then SIGKILL) by the destructor. It never starts a second server where
// one already answers, and never stops a server it did not start. Used by `carewatch run` when
// no Redis is configured, by `carewatch bench`, and by the tests.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "daemon/store/redis_endpoint.h"

namespace carewatch {

struct PrivateRedisOptions {
  std::string dir;                     // data + socket live here (created if missing)
  std::string appendfsync = "everysec";
  bool tcp = false;                    // also listen on a free loopback TCP port
  std::string executable = "redis-server";
};

class PrivateRedis {
 public:
  // Starts and waits until it answers PING; throws std::runtime_error with a clear message
  // (redis-server not on PATH, could not start, log tail, another server already answers on
  // the socket) otherwise.
  explicit PrivateRedis(PrivateRedisOptions options);
  ~PrivateRedis();
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  // The unix socket a private redis-server with data directory `dir` listens on.
  static std::string socket_in(const std::string& dir);

  RedisEndpoint endpoint() const;      // unix socket (or tcp when options.tcp)
  int port() const { return port_; }   // 0 unless tcp
  const std::string& socket_path() const { return socket_; }
  pid_t pid() const { return pid_; }

  void stop();                         // graceful: SIGTERM to our child (AOF flushed), wait for exit
  void kill_hard();                    // SIGKILL, for tests
  // When the server has exited on its own: reaps it, forgets its pid and says how it ended
  // ("exited with status 1", "was killed by signal 9"); nullopt while it runs (or none was started).
  std::optional<std::string> reap();
  void start();                        // (re)start with the same dir / socket / port

 private:
  PrivateRedisOptions options_;
  std::string socket_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace carewatch
