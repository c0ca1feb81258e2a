// A small pool of blocking Redis connections, and Lua scripts run on it by SHA. The queue store
// owns one; the other stores of daemon/store (alerts, SLA timers, detector counts) are built on
// the same pool (QueueStore::pool()), so a daemon holds one set of connections.
//
// Every script runs after the generated field prelude (tables MF, EF, QF, RF of
// redis_fields.def) and lua/common.lua; after a Redis restart (or SCRIPT FLUSH) a NOSCRIPT reply
// loads it again and repeats the call.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "daemon/store/queue_store_options.h"
#include "daemon/store/redis_connection.h"
#include "daemon/store/redis_endpoint.h"

namespace carewatch {

// One Lua script: its name (for errors), its whole body and, once loaded, its SHA.
class RedisScript {
 public:
  // `script` is the script's own text (an embedded lua/<name>.lua); the prelude is put ahead.
  RedisScript(const char* name, const char* script);
  const char* name() const { return name_; }
  const std::string& body() const { return body_; }

 private:
  friend class RedisPool;
  const char* name_;
  std::string body_;
  std::string sha_;  // guarded by RedisPool's script mutex; empty until loaded
};

class RedisPool {
 public:
  // Uses options.connections, connect_timeout and command_timeout.
  RedisPool(RedisEndpoint endpoint, const QueueStoreOptions& options);
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  const RedisEndpoint& endpoint() const { return endpoint_; }

  // A connection from the pool, or a new one in a free slot. Waits at most `wait` for a slot
  // (every connection busy: Redis is slow or hung), then throws RedisUnavailable, so callers (an
  // HTTP request among them) are never stuck behind a hung Redis longer than that.
  std::unique_ptr<RedisConnection> acquire(std::chrono::milliseconds wait, std::chrono::milliseconds connect_timeout);
  std::unique_ptr<RedisConnection> acquire();
  // Returns a connection (a broken one, or nullptr, frees its slot).
  void give_back(std::unique_ptr<RedisConnection> c);

  // Runs f(connection) on a pooled connection, giving it back whatever happens.
  template <class F>
  auto with_connection(F&& f) {
    auto c = acquire();
    try {
      if constexpr (std::is_void_v<decltype(f(*c))>) {
        f(*c);
        give_back(std::move(c));
      } else {
        auto result = f(*c);
        give_back(std::move(c));
        return result;
      }
    } catch (...) {
      give_back(std::move(c));
      throw;
    }
  }

  // One command; an error reply throws (RedisUnavailable for LOADING, READONLY and the like,
  // std::runtime_error otherwise).
  RedisReply command(const std::vector<std::string>& argv);
  // EVALSHA script with `keys` then `args`; an error reply throws as command() does.
  RedisReply run(RedisScript& script, const std::vector<std::string>& keys, const std::vector<std::string>& args);

  // For pipelined script calls on one connection (the queue store's enqueue): the SHA, loading
  // the script when it has none yet; load() loads it again (after NOSCRIPT).
  std::string sha_of(RedisConnection& c, RedisScript& script);
  std::string load(RedisConnection& c, RedisScript& script);
  static bool is_noscript(const RedisReply& r);
  // Throws for an error reply, naming the connection and `what`.
  static void check(const RedisConnection& c, const RedisReply& r, const char* what);

 private:
  RedisEndpoint endpoint_;
  QueueStoreOptions options_;
  std::mutex pool_mutex_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;
  size_t open_ = 0;  // connections handed out or idle
  std::mutex script_mutex_;
};

// Parses a Redis integer or a decimal string reply; 0 otherwise.
std::int64_t reply_int(const RedisReply& r);

}  // namespace carewatch
