// Building the API's answers: a JSON body with a status, and the JSON errors every route uses.
#pragma once

#include <string>
#include <string_view>

#include "daemon/api/api_routes.h"

namespace carewatch {

ApiResponse json_response(int status, std::string body);
// {"error": message}
ApiResponse error_response(int status, std::string_view message);
// {"error": message, "code": code}
ApiResponse coded_error_response(int status, std::string_view message, std::string_view code);
// Adds Retry-After for a refusal of a rate limit: whole seconds until a token is back, at least 1.
void add_retry_after(ApiResponse& r, const RateLimiter::Decision& d);

}  // namespace carewatch
