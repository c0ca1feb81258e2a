// The console's sessions: logging in with an API key, who is logged in, logging out.
//
//   POST   /v1/session   body {"key": "<api key>"}, no authentication (this is the login): 201
//                        {"agent", "role", "csrf", "idle_timeout_s"} and
//                        Set-Cookie: cw_session=<token>; Path=/; HttpOnly; SameSite=Strict
//                        (+ "; Secure" under api.secure_cookies). A wrong key: 401 counted as a
//                        failed authentication of the client address (429 once over); 400 for a
//                        body that is not {"key": "<string>"}
//   GET    /v1/session   200 the same body for the caller (cookie or bearer; "csrf" is "" for a
//                        bearer caller)
//   DELETE /v1/session   ends the caller's session (the cookie's) at once: 204 with a Set-Cookie
//                        that clears the cookie; a write like any other (X-CSRF-Token)
//
// A session lives in Redis (daemon/store/session_store.h) for api.session_idle after its last
// use. How requests are authenticated by it: ApiRoutes' authentication step and
// daemon/api/session_auth.h.
#pragma once

#include <optional>
#include <string>

#include "daemon/api/auth_failures.h"
#include "daemon/api/rate_limiter.h"
#include "daemon/api/route_context.h"
#include "daemon/store/session_store.h"

namespace carewatch {

// What the session routes use beyond the RouteContext: the sessions, the failed-authentication
// count per address (a wrong key at login is one), the per-agent limiter (a login is a request).
struct SessionDesk {
  SessionStore& sessions;
  AuthFailures& auth_failures;
  RateLimiter& limiter;
};

// The Redis key's part of the session a cookie token names: lower-case hex SHA-256 of it.
std::string session_token_hash(const std::string& token);

// /v1/session by the request's method.
ApiResponse session_route(const RouteContext& ctx, SessionDesk& desk);
ApiResponse login(const RouteContext& ctx, SessionDesk& desk);
ApiResponse show_session(const RouteContext& ctx, SessionDesk& desk);
ApiResponse logout(const RouteContext& ctx, SessionDesk& desk);

}  // namespace carewatch
