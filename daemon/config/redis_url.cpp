#include "daemon/config/redis_url.h"

#include <algorithm>

#include "daemon/config/address.h"
#include "mention/common/url.h"

namespace carewatch {

namespace {

std::optional<int> parse_db(std::string_view s) {
  if (s.empty() || s.size() > 4 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoi(std::string(s));
}

std::optional<std::string> parse_unix_url(std::string_view rest, RedisEndpoint& ep) {
  std::string_view query;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.empty() || rest[0] != '/') return "expected an absolute socket path, as in \"unix:///run/redis.sock\"";
  ep.unix_socket = std::string(rest);
  if (!query.empty()) {
    if (!query.starts_with("db=")) return "expected only \"?db=N\" after the socket path";
    auto db = parse_db(query.substr(3));
    if (!db) return "expected a database number after \"?db=\"";
    ep.db = *db;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_redis_url(std::string_view url, RedisEndpoint& ep) {
  if (url.starts_with("rediss://")) return "TLS (rediss://) is not supported";
  if (url.starts_with("unix://")) return parse_unix_url(url.substr(7), ep);
  if (!url.starts_with("redis://"))
    return "expected \"redis://[:password@]host[:port][/db]\" or \"unix:///path/to/redis.sock\"";
  std::string_view rest = url.substr(8);
  std::string_view path;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (userinfo.find(':') != 0)
      return "user names (Redis ACL) are not supported: expected \"redis://:password@host\"";
    auto password = percent_decode(userinfo.substr(1));
    if (!password) return "expected a percent-encoded password";
    ep.password = *password;
  }
  std::string host;
  if (!rest.empty() && rest[0] == '[') {  // [IPv6]
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return "expected \"]\" after an IPv6 address";
    host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return "expected \":port\" after the IPv6 address";
  } else {
    const size_t colon = rest.find(':');
    host = std::string(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon);
  }
  if (!valid_host(host)) return "expected a host name or address after \"redis://\"";
  if (!rest.empty()) {  // ":port"
    auto p = parse_port(rest.substr(1));
    if (!p || *p == 0) return "expected a port 1-65535 after the host";
    ep.port = *p;
  }
  ep.host = host;
  if (!path.empty()) {
    auto db = parse_db(path);
    if (!db) return "expected a database number after the host, as in \"redis://host:6379/0\"";
    ep.db = *db;
  }
  return std::nullopt;
}

}  // namespace carewatch
