// What the Bluesky connector's tests share: the pages under tests/fixtures/bluesky/ (in the shapes
// of the App View's listNotifications and searchPosts, see ../shared/fixtures/bluesky/), a fake
// PDS (tests/support/fake_bluesky.h), a connector built the way the daemon builds it, and helpers.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/bluesky/bluesky_connector.h"
#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/registry.h"
#include "tests/support/fake_bluesky.h"

namespace carewatch::bluesky_test {

inline const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/bluesky/";

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
  return find_connector_type("bluesky")->create({"acme-bluesky", "bluesky", options_json, ""},
                                                make_cpprest_http_client(), error);
}

class BlueskyTest : public ::testing::Test {
 protected:
  // Options for the fake, with `extra` (", \"page_size\": 3") appended.
  std::string options(const std::string& extra = "") const {
    return R"({"base_url": ")" + fake_.base_url() + R"(", "identifier": ")" + testing::kFakeBlueskyHandle +
           R"(", "app_password": ")" + testing::kFakeBlueskyPassword + R"(")" + extra + "}";
  }

  std::unique_ptr<Connector> make(const std::string& extra = "") {
    std::string error;
    auto c = build(options(extra), error);
    EXPECT_TRUE(c) << error;
    return c;
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

  // Adds `n` mentions, each a minute after the one before, ending `minutes_ago` minutes ago;
  // returns their uris, oldest first.
  std::vector<std::string> mentions(int n, int minutes_ago = 0, const std::string& word = "refund") {
    std::vector<std::string> uris;
    const TimeMs end = now_ms() - minutes_ago * 60'000LL;
    for (int i = 0; i < n; ++i) {
      testing::BlueskyPost p;
      p.text = "@acmeair.bsky.social " + word + " please, message " + std::to_string(i);
      p.created_at = end - (n - 1 - i) * 60'000LL;
      uris.push_back(fake_.add_mention(p));
    }
    return uris;
  }

  static std::vector<std::string> ids_of(const Batch& b) {
    std::vector<std::string> ids;
    for (const auto& m : b.mentions) ids.push_back(m.native_id);
    return ids;
  }

  testing::FakeBluesky fake_;
};

}  // namespace carewatch::bluesky_test
