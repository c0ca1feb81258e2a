// Where Redis is, and the one error every Redis call throws while it cannot be reached.
#pragma once

#include <stdexcept>
#include <string>

namespace carewatch {

// Thrown by every QueueStore call while Redis cannot be reached; callers pause (pollers) or
// answer 503 (API). The store reconnects by itself on the next call.
struct RedisUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_socket;   // used instead of host/port when set
  std::string password;
  int db = 0;
};

// "host:port" or "unix:<path>", for messages.
std::string describe(const RedisEndpoint& endpoint);

}  // namespace carewatch
