// What the Mastodon connector's tests share: the recorded pages under tests/fixtures/mastodon/, a
// token to look for in messages, a connector built the way the daemon builds it, and a fixture
// with a fake instance.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/registry.h"
#include "tests/support/fake_http_server.h"

namespace carewatch::mastodon_test {

inline const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/mastodon/";
inline const std::string kToken = "s3cret-T0ken-never-shown";

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string fixture(const std::string& name) {
  const std::string text = read_file(kFixtures + name);
  EXPECT_FALSE(text.empty()) << "missing fixture " << name;
  return text;
}

// Builds a connector the way the daemon does: through the registry, which reads the options.
inline std::unique_ptr<Connector> build(const std::string& options_json, std::string& error) {
  return find_connector_type("mastodon")->create({"acme-mastodon", "mastodon", options_json, ""},
                                                 make_cpprest_http_client(), error);
}

class MastodonTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connector> make(const std::string& options_json) {
    std::string error;
    auto c = build(options_json, error);
    EXPECT_TRUE(c) << error;
    return c;
  }

  std::unique_ptr<Connector> make_tag(const std::string& extra = "") {
    return make(R"({"instance": ")" + server_.base_url() + R"(", "hashtags": ["acmeair"])" + extra + "}");
  }

  Batch ok(Connector& c, const std::string& cursor) {
    PollResult r = c.poll(cursor);
    EXPECT_TRUE(r.batch) << (r.error ? r.error->message : "");
    EXPECT_FALSE(r.error);
    return r.batch ? std::move(*r.batch) : Batch{};
  }

  PollError failed(Connector& c, const std::string& cursor = "") {
    PollResult r = c.poll(cursor);
    EXPECT_FALSE(r.batch);
    EXPECT_TRUE(r.error);
    return r.error ? *r.error : PollError{};
  }

  void serve_tag(testing::FakeResponse response) {
    server_.on("GET", "/api/v1/timelines/tag/acmeair", [response](const testing::FakeRequest&) { return response; });
  }

  static std::vector<std::string> ids_of(const Batch& b) {
    std::vector<std::string> ids;
    for (const auto& m : b.mentions) ids.push_back(m.native_id);
    return ids;
  }

  testing::FakeHttpServer server_;
};

}  // namespace carewatch::mastodon_test
