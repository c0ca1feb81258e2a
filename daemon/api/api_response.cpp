#include "daemon/api/api_response.h"

#include "daemon/api/api_json.h"

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

}  // namespace carewatch
