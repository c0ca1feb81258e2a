// The HTTP API against a real redis-server, for integration tests: a fixture holding the Redis
// server, the queue store on it, a configuration, the metrics and the API (served over loopback
// HTTP by HttpApi, or called directly through ApiRoutes::handle), and a small HTTP client.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "daemon/api/api_routes.h"
#include "daemon/api/http_api.h"
#include "daemon/config/config.h"
#include "daemon/store/queue_store.h"
#include "daemon/telemetry/metrics.h"
#include "tests/support/redis_fixture.h"

namespace carewatch::testing {

// An answer, over HTTP or from ApiRoutes::handle.
struct HttpReply {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // lower-cased names, in the order received
  std::string body;

  // The first value of a header ("" when absent).
  std::string header(const std::string& name) const;
  // The body as JSON (a test failure when it is not JSON).
  rapidjson::Document json() const;
  // The body's string field `field`, or "<none>".
  std::string str(const char* field) const;
  std::string error() const { return str("error"); }
  std::string code() const { return str("code"); }
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// "Authorization: Bearer <key>"; none for an empty key.
HttpHeaders bearer(const std::string& key);

// One HTTP/1.1 connection to the API on loopback; requests on it are kept alive. A server that
// does not answer within 20 s fails the request instead of hanging the test.
class HttpClient {
 public:
  // `from`: the local address to connect from (any of 127.0.0.0/8 reaches the server).
  explicit HttpClient(int port, const std::string& from = "");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // A JSON body gets Content-Type application/json unless `headers` name one.
  HttpReply send(const std::string& method, const std::string& target, const HttpHeaders& headers = {},
                 const std::string& body = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a connection of its own.
HttpReply http_send(int port, const std::string& method, const std::string& target, const HttpHeaders& headers = {},
                    const std::string& body = "", const std::string& from = "");

class ApiFixture : public ::testing::Test {
 protected:
  // The store under key prefix `prefix` (lease 60 s, connect timeout 500 ms, command timeout 5 s);
  // the API on 127.0.0.1, a free port, 10,000 requests per minute per agent. Tests set the
  // agents (and anything else) in `config` before start() or routes().
  explicit ApiFixture(const std::string& prefix);
  ~ApiFixture() override;

  // Serves the API over HTTP (HttpApi), ready while `ready` is.
  void start();
  int port() const { return api->port(); }
  HttpReply get(const std::string& target, const HttpHeaders& headers = {}) {
    return http_send(port(), "GET", target, headers);
  }

  // The routes without HTTP (ApiRoutes::handle), built on first use.
  ApiRoutes& routes();
  HttpReply handle(const std::string& method, const std::string& target, const std::string& key,
                   const std::string& body = "");

  TestRedis redis;
  std::unique_ptr<QueueStore> store;
  Config config;
  Metrics metrics;
  std::atomic<bool> ready{true};
  std::unique_ptr<ApiRoutes> direct;
  std::unique_ptr<HttpApi> api;  // last: stopped before the store goes away
};

}  // namespace carewatch::testing
