// What the hackernews connector's tests share: a connector built the way the daemon builds it and
// a fake Algolia HN Search API (tests/support/fake_hackernews.h).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/registry.h"
#include "tests/support/fake_hackernews.h"

namespace carewatch::hackernews_test {

inline const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/hackernews/";

inline std::unique_ptr<Connector> build(const std::string& options_json, std::string& error) {
  return find_connector_type("hackernews")->create({"acme-hn", "hackernews", options_json, ""},
                                                   make_cpprest_http_client(), error);
}

class HackernewsTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connector> make(const std::string& extra = "", const std::string& terms = R"(["acme"])") {
    std::string error;
    auto c = build(R"({"base_url": ")" + hn_.base_url() + R"(", "terms": )" + terms + extra + "}", error);
    EXPECT_TRUE(c) << error;
    return c;
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
  // A story "Acme <n>" posted at second `at`, objectID 41000000 + n.
  void story(int n, std::int64_t at) {
    testing::FakeHnItem i;
    i.object_id = std::to_string(41000000 + n);
    i.created_at_i = at;
    i.title = "Acme story " + std::to_string(n);
    i.url = "https://news.example/" + std::to_string(n);
    hn_.add(i);
  }
  static std::string id(int n) { return std::to_string(41000000 + n); }
  static std::vector<std::string> ids(std::initializer_list<int> ns) {
    std::vector<std::string> out;
    for (int n : ns) out.push_back(id(n));
    return out;
  }

  testing::FakeHackernews hn_;
};

}  // namespace carewatch::hackernews_test
