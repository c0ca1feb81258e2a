// Keeps a private redis-server running: a thread of its own reaps it when it exits (so it never
// stays a zombie), reports how it ended, and starts it again on the same data directory and
// socket, with backoff (0.25 s doubling to 30 s while it keeps dying within a minute of a start).
// The AOF holds everything Redis acknowledged, so a restart loses nothing; clients reconnect by
// themselves. Stop the supervisor before stopping the server.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/store/private_redis.h"

namespace carewatch {

struct RedisSupervisorEvents {
  std::function<void(pid_t pid, const std::string& how)> exited;  // how: "was killed by signal 9", ...
  std::function<void(pid_t pid)> restarted;
  std::function<void(const std::string& error, std::chrono::milliseconds retry_in)> restart_failed;
};

class RedisSupervisor {
 public:
  // `redis` must outlive the supervisor and is used by it alone until stop().
  RedisSupervisor(PrivateRedis& redis, RedisSupervisorEvents events,
                  std::chrono::milliseconds check_every = std::chrono::milliseconds(100));
  ~RedisSupervisor();  // stop()
  RedisSupervisor(const RedisSupervisor&) = delete;
  RedisSupervisor& operator=(const RedisSupervisor&) = delete;

  void stop();  // ends the watch (waiting for a restart under way); idempotent

 private:
  void run();
  bool sleep_for(std::chrono::milliseconds d);  // false when stopped meanwhile

  PrivateRedis& redis_;
  RedisSupervisorEvents events_;
  std::chrono::milliseconds check_every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace carewatch
