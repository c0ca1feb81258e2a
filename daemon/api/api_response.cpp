#include "daemon/api/api_response.h"

#include "daemon/api/api_json.h"

#include <algorithm>

namespace carewatch {

ApiResponse json_response(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ApiResponse error_response(int status, std::string_view message) {
  return json_response(status, json_error(message));
}

ApiResponse coded_error_response(int status, std::string_view message, std::string_view code) {
  return json_response(status, json_coded_error(message, code));
}

void add_retry_after(ApiResponse& r, const RateLimiter::Decision& d) {
  r.headers.emplace_back("Retry-After", std::to_string(std::max<long long>(1, (d.retry_after.count() + 999) / 1000)));
}

}  // namespace carewatch
