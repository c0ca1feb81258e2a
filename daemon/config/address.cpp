#include "daemon/config/address.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>

namespace carewatch {

std::optional<int> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const int port = std::stoi(std::string(s));
  if (port > 65535) return std::nullopt;
  return port;
}

bool valid_host(std::string_view h) {
  if (h.empty()) return false;
  return std::all_of(h.begin(), h.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
  });
}

bool split_host_port(std::string_view s, std::string& host, std::string& port) {
  if (!s.empty() && s[0] == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    host = std::string(s.substr(1, close - 1));
    port = std::string(s.substr(close + 2));
    return !host.empty() && host.find(':') != std::string::npos;
  }
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return false;
  host = std::string(s.substr(0, colon));
  port = std::string(s.substr(colon + 1));
  return host.find(':') == std::string::npos;
}

std::optional<std::string> resolve_host(const std::string& host, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    error = gai_strerror(rc);
    return std::nullopt;
  }
  const addrinfo* chosen = found;
  for (const addrinfo* a = found; a; a = a->ai_next)
    if (a->ai_family == AF_INET) {
      chosen = a;
      break;
    }
  char text[NI_MAXHOST] = {};
  const int rc = chosen ? getnameinfo(chosen->ai_addr, chosen->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST)
                        : EAI_NONAME;
  freeaddrinfo(found);
  if (rc != 0) {
    error = gai_strerror(rc);
    return std::nullopt;
  }
  return std::string(text);
}

}  // namespace carewatch
