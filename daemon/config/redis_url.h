// redis.url: "redis://host[:port][/db]", "redis://:password@host[:port][/db]" (password
// percent-encoded), "redis://[::1]:6379", "unix:///path/to/redis.sock[?db=N]".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "daemon/store/redis_endpoint.h"

namespace carewatch {

// Fills `ep` from the URL; on failure returns what is wrong ("expected a port 1-65535 after the
// host"), without the URL (the caller shows it, password masked).
std::optional<std::string> parse_redis_url(std::string_view url, RedisEndpoint& ep);

}  // namespace carewatch
