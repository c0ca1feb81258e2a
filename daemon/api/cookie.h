// The console's session cookie: reading it from Cookie headers, and the Set-Cookie values that
// set and clear it. Pure functions.
//
//   Set:   cw_session=<token>; Path=/; HttpOnly; SameSite=Strict[; Secure]
//   Clear: cw_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict[; Secure]
//
// HttpOnly: page scripts cannot read it (an injected script cannot steal the session).
// SameSite=Strict: the browser sends it only with requests the console itself makes. Secure
// (api.secure_cookies): only over HTTPS, for a console behind a TLS reverse proxy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carewatch {

inline constexpr char kSessionCookie[] = "cw_session";

// The value of the cookie `name` in one Cookie header value ("a=1; b=2", RFC 6265 section 5.4):
// pairs separated by ';' with optional white space around them, the name before the first '=';
// a value in double quotes loses them. nullopt when the header has no such cookie; the first
// one counts when it appears more than once. A pair without '=' is skipped.
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

// The same over every Cookie header of a request (`headers`: names in lower case, in order).
std::optional<std::string> request_cookie(const std::vector<std::pair<std::string, std::string>>& headers,
                                          std::string_view name);

// The Set-Cookie value that gives the browser the session `token`.
std::string session_cookie(std::string_view token, bool secure);
// The Set-Cookie value that makes the browser forget it (Max-Age=0).
std::string cleared_session_cookie(bool secure);

}  // namespace carewatch
