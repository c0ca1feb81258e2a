#include "daemon/api/session_auth.h"

#include "daemon/api/api_response.h"
#include "daemon/api/session_token.h"

namespace carewatch {

bool is_read_method(std::string_view method) { return method == "GET" || method == "HEAD"; }

std::optional<ApiResponse> access_refusal(const Caller& caller, std::string_view method, const RouteMatch& route,
                                          std::string_view csrf_sent, std::string_view session_csrf) {
  if (is_read_method(method)) return std::nullopt;
  if (caller.via_session && !same_secret(csrf_sent, session_csrf))
    return coded_error_response(403, csrf_sent.empty() ? "missing X-CSRF-Token header: a write with the session cookie "
                                                         "must send the session's csrf token"
                                                       : "X-CSRF-Token does not match the session's csrf token",
                                "csrf");
  const bool logging_in_or_out = route.found && route.id == RouteId::session;
  if (caller.role == AgentRole::viewer && !logging_in_or_out)
    return coded_error_response(403, "agent " + caller.agent + " is a viewer: read-only", "forbidden");
  return std::nullopt;
}

ApiResponse authentication_failed(AuthFailures& failures, const std::string& address, std::string_view message) {
  const auto d = failures.failed(address);
  if (d.allowed) return coded_error_response(401, message, "unauthenticated");
  ApiResponse r = coded_error_response(429, "too many failed authentications from this address (" +
                                                std::to_string(AuthFailures::kPerMinute) + " a minute)",
                                       "unauthenticated");
  add_retry_after(r, d);
  return r;
}

}  // namespace carewatch
