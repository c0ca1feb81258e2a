// What the rss connector's tests share: the feeds under tests/fixtures/rss/, a connector built the
// way the daemon builds it (through the registry), and a fixture with fake feed sites.
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
#include "tests/support/fake_rss.h"

namespace carewatch::rss_test {

inline const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/rss/";

inline std::string fixture(const std::string& name) {
  std::ifstream f(kFixtures + name, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << "missing fixture " << name;
  return ss.str();
}

inline std::unique_ptr<Connector> build(const std::string& options_json, std::string& error) {
  return find_connector_type("rss")->create({"acme-feeds", "rss", options_json, ""}, make_cpprest_http_client(),
                                            error);
}

class RssTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connector> make(const std::string& options_json) {
    std::string error;
    auto c = build(options_json, error);
    EXPECT_TRUE(c) << error;
    return c;
  }
  // A source of one feed at `path` on the fake site.
  std::unique_ptr<Connector> make_feed(const std::string& path = "/reviews.rss", const std::string& extra = "") {
    return make(R"({"feeds": [")" + site_.url(path) + "\"]" + extra + "}");
  }

  Batch ok(Connector& c, const std::string& cursor) {
    PollResult r = c.poll(cursor);
    EXPECT_TRUE(r.batch) << (r.error ? r.error->message : "");
    return r.batch ? std::move(*r.batch) : Batch{};
  }
  PollError failed(Connector& c, const std::string& cursor = "") {
    PollResult r = c.poll(cursor);
    EXPECT_FALSE(r.batch);
    EXPECT_TRUE(r.error);
    return r.error ? *r.error : PollError{};
  }
  static std::vector<std::string> ids_of(const Batch& b) {
    std::vector<std::string> ids;
    for (const auto& m : b.mentions) ids.push_back(m.native_id);
    return ids;
  }
  static bool has_warning(const Batch& b, const std::string& part) {
    for (const auto& w : b.warnings)
      if (w.find(part) != std::string::npos) return true;
    return false;
  }

  testing::FakeFeeds site_;
};

}  // namespace carewatch::rss_test
