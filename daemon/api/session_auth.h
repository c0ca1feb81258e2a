// What an authenticated caller may do, decided once for every /v1 request in the
// authentication step (never per route). Pure.
//
//   - A request authenticated by the session cookie with a method other than GET or HEAD must
//     carry "X-CSRF-Token: <the session's csrf>": else 403 {"code": "csrf"}. The cookie is sent
//     by the browser on its own; the header only by the console's script, which read the token
//     from the login answer (another site's page can do neither). Bearer requests need none.
//   - A viewer's requests other than GET and HEAD are refused: 403 {"code": "forbidden"}, except
//     logging in and out (POST and DELETE /v1/session).
#pragma once

#include <optional>
#include <string_view>

#include "daemon/api/api_match.h"
#include "daemon/api/api_routes.h"
#include "daemon/api/auth_failures.h"
#include "daemon/api/caller.h"

namespace carewatch {

// GET and HEAD: they change nothing and need no CSRF token.
bool is_read_method(std::string_view method);

// The 403 for `caller`'s request (method, matched route, the X-CSRF-Token header sent, the
// session's csrf, "" for a bearer caller), or nullopt when it may go on.
std::optional<ApiResponse> access_refusal(const Caller& caller, std::string_view method, const RouteMatch& route,
                                          std::string_view csrf_sent, std::string_view session_csrf);

// The answer to a failed authentication (no or a wrong key, a wrong key at login, an expired or
// ended session), counted against the client `address`: 401 {"error": message, "code":
// "unauthenticated"}, or 429 (same code: still not authenticated) with Retry-After once the
// address is over AuthFailures::kPerMinute.
ApiResponse authentication_failed(AuthFailures& failures, const std::string& address, std::string_view message);

}  // namespace carewatch
