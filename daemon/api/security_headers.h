// The headers every HTTP response carries (API and console alike): a Content-Security-Policy
// that allows only the daemon's own scripts, styles and connections (no inline script or style,
// no framing), and the browser hardening headers that go with it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace carewatch {

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

inline const std::vector<std::pair<std::string, std::string>>& security_headers() {
  static const std::vector<std::pair<std::string, std::string>> headers{
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  };
  return headers;
}

}  // namespace carewatch
