// The console over real HTTP: the built-in files with their headers, 304 on If-None-Match, the
// redirect from /, the security headers on every answer, and /healthz answered while the
// console's files are served on the I/O threads.
#include <gtest/gtest.h>

#include <string>

#include "daemon/api/api_key.h"
#include "daemon/api/console_assets.h"
#include "daemon/api/security_headers.h"
#include "tests/support/api_fixture.h"

namespace carewatch {
namespace {

using Reply = testing::HttpReply;

class ConsoleServingTest : public testing::ApiFixture {
 protected:
  ConsoleServingTest() : ApiFixture("console") { config.agents = {{"alice", sha256_hex("alice-secret-key")}}; }
  void SetUp() override { start(); }
};

void expect_security_headers(const Reply& r) {
  for (const auto& [name, value] : security_headers()) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(r.header(lower), value) << name;
  }
}

TEST_F(ConsoleServingTest, IndexIsServedWithItsBytesHeadersAndCsp) {
  const Reply r = get("/console/");
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
    const Reply r = get(path);
    ASSERT_EQ(r.status, 200) << path;
    const ConsoleAsset* asset = find_console_asset(path);
    ASSERT_NE(asset, nullptr) << path;
    EXPECT_EQ(r.body, asset->bytes) << path;
    EXPECT_EQ(r.header("content-type"), asset->content_type) << path;
  }
}

TEST_F(ConsoleServingTest, MatchingEtagGives304WithoutABody) {
  const Reply first = get("/console/vendor/uplot.js");
  ASSERT_EQ(first.status, 200);
  const Reply again = get("/console/vendor/uplot.js", {{"If-None-Match", first.header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("etag"), first.header("etag"));
  const Reply other = get("/console/vendor/uplot.js", {{"If-None-Match", "\"0000\""}});
  EXPECT_EQ(other.status, 200);
}

TEST_F(ConsoleServingTest, RootRedirectsAndUnknownFilesAre404) {
  const Reply root = get("/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.header("location"), "/console/");
  expect_security_headers(root);
  const Reply missing = get("/console/missing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("/console/missing.js"), std::string::npos) << missing.body;
}

TEST_F(ConsoleServingTest, ApiAnswersCarryTheSecurityHeadersToo) {
  const Reply healthz = get("/healthz");
  EXPECT_EQ(healthz.status, 200);
  expect_security_headers(healthz);
  const Reply refused = get("/v1/queues");
  EXPECT_EQ(refused.status, 401);
  expect_security_headers(refused);
  EXPECT_EQ(refused.header("cache-control"), "no-store");
}

}  // namespace
}  // namespace carewatch
