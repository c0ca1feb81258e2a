// What the googleplay connector's tests share: a fake Google Play Developer API and token endpoint
// (tests/support/fake_googleplay.h), a service-account JSON key around an RSA 2048 key made for
// the test run (never a real credential), and a connector built the way the daemon builds it.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/googleplay/googleplay_connector.h"
#include "connectors/http/http_client.h"
#include "connectors/registry.h"
#include "mention/common/time.h"
#include "tests/support/fake_googleplay.h"

namespace carewatch::googleplay_test {

inline const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/googleplay/";
inline const std::string kPackage = "com.acmeair.app";

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline const testing::TestKeyPair& test_key() {
  static const testing::TestKeyPair key = testing::make_test_rsa_key();
  return key;
}

// `s` as the inside of a JSON string.
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
  return find_connector_type("googleplay")->create({"acme-play", "googleplay", options_json, ""},
                                                   make_cpprest_http_client(), error);
}

class GooglePlayTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connector> make(const std::string& options_json) {
    std::string error;
    auto c = build(options_json, error);
    EXPECT_TRUE(c) << error;
    return c;
  }

  // A connector for the fake; `extra` adds options (", \"max_pages\": 2").
  std::unique_ptr<Connector> make_play(const std::string& extra = "") {
    const std::string key = play_.service_account_json(test_key());
    return make(R"({"base_url": ")" + play_.base_url() + R"(", "token_url": ")" + play_.token_url() +
                R"(", "package_name": ")" + kPackage + R"(", "service_account_key": ")" + json_escaped(key) + "\"" +
                extra + "}");
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

  // Adds `n` reviews "gp:AOqp<first + i>", modified a minute apart, the last newest, ending
  // `end_ago_s` seconds before now.
  void add_reviews(int n, int first, int end_ago_s = 60) {
    const TimeMs now = now_ms() / 1000 * 1000;
    for (int i = 0; i < n; ++i) {
      testing::FakePlayReview r;
      r.id = "gp:AOqp" + std::to_string(first + i);
      r.rating = 1 + i % 5;
      r.text = "The app logged me out mid check-in (" + r.id + ")";
      r.modified = now - (end_ago_s + (n - 1 - i) * 60) * 1000LL;
      play_.add_review(r);
    }
  }

  static std::vector<std::string> review_ids(const Batch& b) {
    std::vector<std::string> ids;
    for (const auto& m : b.mentions) ids.push_back(m.conversation_id);
    return ids;
  }

  testing::FakeGooglePlay play_{kPackage};
};

}  // namespace carewatch::googleplay_test
