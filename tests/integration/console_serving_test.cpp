// The console over real HTTP: the built-in files with their headers, 304 on If-None-Match, the
// redirect from /, the security headers on every answer, and /healthz answered while the
// console's files are served on the I/O threads.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <memory>
#include <string>

#include "daemon/api/api_key.h"
#include "daemon/api/console_assets.h"
#include "daemon/api/http_api.h"
#include "daemon/api/security_headers.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

Reply get(int port, const std::string& target, const std::map<std::string, std::string>& headers = {}) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [n, v] : headers) req.set(n, v);
  http::write(socket, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  http::read(socket, buffer, parser);
  Reply out;
  out.status = static_cast<int>(parser.get().result_int());
  for (const auto& f : parser.get()) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = parser.get().body();
  return out;
}

class ConsoleServingTest : public ::testing::Test {
 protected:
  ConsoleServingTest() {
    QueueStoreOptions o;
    o.prefix = "console";
    o.connect_timeout = 500ms;
    o.command_timeout = 2000ms;
    store = std::make_unique<QueueStore>(redis.endpoint(), o);
    config.api_host = "127.0.0.1";
    config.api_port = 0;
    config.agents = {{"alice", sha256_hex("alice-secret-key")}};
    api = std::make_unique<HttpApi>(config, *store, metrics, [] { return true; });
    api->start();
  }
  int port() const { return api->port(); }

  testing::TestRedis redis;
  std::unique_ptr<QueueStore> store;
  Config config;
  Metrics metrics;
  std::unique_ptr<HttpApi> api;
};

void expect_security_headers(const Reply& r) {
  for (const auto& [name, value] : security_headers()) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(r.header(lower), value) << name;
  }
}

TEST_F(ConsoleServingTest, IndexIsServedWithItsBytesHeadersAndCsp) {
  const Reply r = get(port(), "/console/");
  ASSERT_EQ(r.status, 200);
  const ConsoleAsset* index = find_console_asset("/console/index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(r.body, index->bytes);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.header("cache-control"), "no-cache");
  EXPECT_EQ(r.header("etag"), index->etag);
  EXPECT_EQ(r.header("content-security-policy"),
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            "form-action 'self'");
  expect_security_headers(r);
}

TEST_F(ConsoleServingTest, VendorFilesAreServedWhole) {
  for (const char* path : {"/console/vendor/preact-htm.js", "/console/vendor/uplot.js", "/console/vendor/uplot.css",
                           "/console/vendor/LICENSES.txt"}) {
    const Reply r = get(port(), path);
    ASSERT_EQ(r.status, 200) << path;
    const ConsoleAsset* asset = find_console_asset(path);
    ASSERT_NE(asset, nullptr) << path;
    EXPECT_EQ(r.body, asset->bytes) << path;
    EXPECT_EQ(r.header("content-type"), asset->content_type) << path;
  }
}

TEST_F(ConsoleServingTest, MatchingEtagGives304WithoutABody) {
  const Reply first = get(port(), "/console/vendor/uplot.js");
  ASSERT_EQ(first.status, 200);
  const Reply again = get(port(), "/console/vendor/uplot.js", {{"If-None-Match", first.header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("etag"), first.header("etag"));
  const Reply other = get(port(), "/console/vendor/uplot.js", {{"If-None-Match", "\"0000\""}});
  EXPECT_EQ(other.status, 200);
}

TEST_F(ConsoleServingTest, RootRedirectsAndUnknownFilesAre404) {
  const Reply root = get(port(), "/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.header("location"), "/console/");
  expect_security_headers(root);
  const Reply missing = get(port(), "/console/missing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("/console/missing.js"), std::string::npos) << missing.body;
}

TEST_F(ConsoleServingTest, ApiAnswersCarryTheSecurityHeadersToo) {
  const Reply healthz = get(port(), "/healthz");
  EXPECT_EQ(healthz.status, 200);
  expect_security_headers(healthz);
  const Reply refused = get(port(), "/v1/queues");
  EXPECT_EQ(refused.status, 401);
  expect_security_headers(refused);
  EXPECT_EQ(refused.header("cache-control"), "no-store");
}

}  // namespace
}  // namespace carewatch
