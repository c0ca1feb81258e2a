// Outbound HTTP behind a small interface so connectors are testable and the cpprestsdk headers
// stay in one translation unit (cpprest_http_client.cpp).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace carewatch {

struct HttpRequest {
  std::string method = "GET";
  std::string url;                                        // absolute, with query string
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

struct HttpResponse {
  int status = 0;                                         // 0 = transport error (see error)
  std::map<std::string, std::string> headers;             // names lower-cased
  std::string body;
  std::string error;                                      // transport error text, if status == 0
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Never throws; transport failures come back as status 0 with `error` set.
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

// The production client (cpprestsdk http_client).
std::shared_ptr<HttpClient> make_cpprest_http_client();

}  // namespace carewatch
