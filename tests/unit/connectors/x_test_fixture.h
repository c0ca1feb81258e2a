// What the X connector's tests share: the fixtures under tests/fixtures/x/, a connector built the
// way the daemon builds it (through the registry, which reads the options), and a fixture with a
// fake X (tests/support/fake_x.h) and two customers.
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
#include "tests/support/fake_x.h"

namespace carewatch::x_test {

inline const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/x/";
inline const std::string kCustomerId = "1600000000000000101";
inline const std::string kOtherCustomerId = "1600000000000000102";

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

inline std::unique_ptr<Connector> build(const std::string& options_json, std::string& error) {
  return find_connector_type("x")->create({"acme-x", "x", options_json, ""}, make_cpprest_http_client(), error);
}

class XTest : public ::testing::Test {
 protected:
  XTest() {
    x_.add_user({kCustomerId, "dana_flies", "Dana Flies", 1520, false});
    x_.add_user({kOtherCustomerId, "kim_travels", "Kim \xE2\x9C\x88 Travels", 88000, true});
  }

  // Options with the fake's base URL and bearer token; `extra` is added inside the object.
  std::string options(const std::string& extra) const {
    return R"({"base_url": ")" + x_.base_url() + R"(", "bearer_token": ")" + testing::kFakeXBearer + R"(", )" +
           extra + "}";
  }

  std::unique_ptr<Connector> make(const std::string& extra) {
    std::string error;
    auto c = build(options(extra), error);
    EXPECT_TRUE(c) << error;
    return c;
  }

  std::unique_ptr<Connector> make_mentions(const std::string& extra = "") {
    return make(R"("user_id": ")" + std::string(testing::kFakeXBrandId) +
                R"(", "max_posts_per_day": 100000, "max_results": 10)" + extra);
  }

  std::unique_ptr<Connector> make_search(const std::string& extra = "") {
    return make(R"("search": ["acme"], "max_posts_per_day": 100000, "max_results": 10)" + extra);
  }

  PollResult poll(Connector& c, const std::string& cursor) { return c.poll(cursor); }

  Batch ok(Connector& c, const std::string& cursor, SourceUsage* usage = nullptr) {
    PollResult r = c.poll(cursor);
    EXPECT_TRUE(r.batch) << (r.error ? r.error->message : "");
    EXPECT_FALSE(r.error);
    if (usage) *usage = r.usage;
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

  testing::FakeX x_;
};

}  // namespace carewatch::x_test
