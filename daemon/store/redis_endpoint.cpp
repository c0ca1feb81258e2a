#include "daemon/store/redis_endpoint.h"

namespace carewatch {

std::string describe(const RedisEndpoint& endpoint) {
  if (!endpoint.unix_socket.empty()) return "unix:" + endpoint.unix_socket;
  return endpoint.host + ":" + std::to_string(endpoint.port);
}

}  // namespace carewatch
