// A fake HTTP/1.1 server on a free loopback port (Boost.Beast), for fake platforms and Slack.
// Tests register handlers per "METHOD /path" (query string excluded) and inspect the requests
// that arrived.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace carewatch::testing {

struct FakeRequest {
  std::string method;
  std::string target;                         // path + query, as sent
  std::string path;                           // without query
  // Decoded (mention/common/url.h's parse_query; empty when an escape is malformed).
  std::map<std::string, std::string> query;   // repeated keys keep the last value
  std::vector<std::pair<std::string, std::string>> query_list;  // all pairs in order
  std::map<std::string, std::string> headers; // lower-cased names
  std::string body;
};

struct FakeResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type defaults to JSON
  std::string body;
};

class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const FakeRequest&)>;
  FakeHttpServer();   // starts listening on 127.0.0.1:<free port> with its own thread
  ~FakeHttpServer();

  int port() const;
  std::string base_url() const;               // "http://127.0.0.1:<port>"
  void on(const std::string& method, const std::string& path, Handler handler);
  std::vector<FakeRequest> requests() const;  // everything received so far
  void clear_requests();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch::testing
