// What the appstore connector's tests share: a fake App Store (tests/support/fake_appstore.h), a
// connector built the way the daemon builds it (through the registry), and an EC P-256 key made
// for the test run (never a real credential).
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
#include "mention/common/time.h"
#include "tests/support/fake_appstore.h"

namespace carewatch::appstore_test {

inline const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/appstore/";
inline const std::string kApp = "1234567890";
inline const std::string kIssuer = "57246542-96fe-1a63-e053-0824d011072a";
inline const std::string kKeyId = "2X9R4HXF34";

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// One key pair for the whole test program (generating one takes a moment).
inline const testing::TestKeyPair& test_key() {
  static const testing::TestKeyPair key = testing::make_test_ec_key();
  return key;
}

// "\n" escaped for a JSON string.
inline std::string json_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else out += c;
  }
  return out;
}

inline std::unique_ptr<Connector> build(const std::string& options_json, std::string& error) {
  return find_connector_type("appstore")->create({"acme-appstore", "appstore", options_json, ""},
                                                 make_cpprest_http_client(), error);
}

class AppStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connector> make(const std::string& options_json) {
    std::string error;
    auto c = build(options_json, error);
    EXPECT_TRUE(c) << error;
    return c;
  }

  // A connector for the fake's feed; `extra` adds options (", \"max_pages\": 2").
  std::unique_ptr<Connector> make_feed(const std::string& extra = "") {
    return make(R"({"base_url": ")" + store_.base_url() + R"(", "app_id": ")" + kApp + "\"" + extra + "}");
  }

  // A connector that can reply through the fake's App Store Connect.
  std::unique_ptr<Connector> make_replying(const std::string& extra = "") {
    store_.set_connect_key(test_key().public_pem, kIssuer, kKeyId);
    return make_feed(R"(, "connect_base_url": ")" + store_.base_url() + R"(", "issuer_id": ")" + kIssuer +
                     R"(", "key_id": ")" + kKeyId + R"(", "private_key": ")" + json_escaped(test_key().private_pem) +
                     "\"" + extra);
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

  // Adds `n` reviews ids first_id, first_id+1, ... updated a minute apart, the last newest,
  // ending `end_ago` seconds before now.
  void add_reviews(int n, long long first_id, const std::string& country = "us", int end_ago_s = 60) {
    const TimeMs now = now_ms() / 1000 * 1000;
    for (int i = 0; i < n; ++i) {
      testing::FakeAppReview r;
      r.id = std::to_string(first_id + i);
      r.country = country;
      r.rating = 1 + i % 5;
      r.title = "Review " + r.id;
      r.content = "The check-in app froze at the gate, review " + r.id + ".";
      r.updated = now - (end_ago_s + (n - 1 - i) * 60) * 1000LL;
      store_.add_review(r);
    }
  }

  static std::vector<std::string> review_ids(const Batch& b) {
    std::vector<std::string> ids;
    for (const auto& m : b.mentions) ids.push_back(m.conversation_id);
    return ids;
  }

  testing::FakeAppStore store_{kApp};
};

}  // namespace carewatch::appstore_test
