// Host names, ports and "host:port" as the configuration writes them (api.listen, redis.url).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace carewatch {

// "0".."65535"; nullopt otherwise.
std::optional<int> parse_port(std::string_view s);

// A host name or an address: letters, digits, '.', '-', '_', ':' (IPv6) and '%' (IPv6 zone).
bool valid_host(std::string_view h);

// "host:port" or "[v6]:port" into host (without brackets) and port text; false when malformed.
bool split_host_port(std::string_view s, std::string& host, std::string& port);

// The numeric address a host name or address stands for (getaddrinfo): its first IPv4 address,
// else its first IPv6 one. nullopt with `error` set (getaddrinfo's words) when it does not resolve.
std::optional<std::string> resolve_host(const std::string& host, std::string& error);

}  // namespace carewatch
