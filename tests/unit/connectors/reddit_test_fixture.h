// What the Reddit connector's tests share: the fixtures under tests/fixtures/reddit/ (in the shapes
// of Reddit's real Listings, see /work/shared/fixtures/reddit), a connector built the way the
// daemon builds it, and a fixture with a fake Reddit (tests/support/fake_reddit.h).
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
#include "tests/support/fake_reddit.h"

namespace carewatch::reddit_test {

inline const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/reddit/";

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
  return find_connector_type("reddit")->create({"acme-reddit", "reddit", options_json, ""},
                                               make_cpprest_http_client(), error);
}

// No secret of the fake may show in a message.
inline void expect_no_secret(const std::string& message) {
  EXPECT_EQ(message.find(testing::kFakeRedditClientSecret), std::string::npos) << message;
  EXPECT_EQ(message.find(testing::kFakeRedditPassword), std::string::npos) << message;
  EXPECT_EQ(message.find("fake-reddit-token-"), std::string::npos) << message;
}

class RedditTest : public ::testing::Test {
 protected:
  // A connector of the fake with `extra` options (",\"subreddits\": [\"acmeair\"]").
  std::unique_ptr<Connector> make(const std::string& extra) {
    std::string error;
    auto c = build(fake_.options(extra), error);
    EXPECT_TRUE(c) << error;
    return c;
  }

  Batch ok(Connector& c, const std::string& cursor) {
    PollResult r = c.poll(cursor);
    EXPECT_TRUE(r.batch) << (r.error ? r.error->message : "");
    EXPECT_FALSE(r.error);
    if (r.batch)
      for (const auto& w : r.batch->warnings) expect_no_secret(w);
    return r.batch ? std::move(*r.batch) : Batch{};
  }

  PollError failed(Connector& c, const std::string& cursor = "") {
    PollResult r = c.poll(cursor);
    EXPECT_FALSE(r.batch);
    EXPECT_TRUE(r.error);
    if (r.error) expect_no_secret(r.error->message);
    return r.error ? *r.error : PollError{};
  }

  static std::vector<std::string> ids_of(const Batch& b) {
    std::vector<std::string> ids;
    for (const auto& m : b.mentions) ids.push_back(m.native_id);
    return ids;
  }

  // API requests (the token endpoint excluded).
  std::vector<testing::FakeRequest> api_requests() const {
    std::vector<testing::FakeRequest> out;
    for (auto& r : fake_.requests())
      if (r.path != "/api/v1/access_token") out.push_back(r);
    return out;
  }

  testing::FakeReddit fake_;
};

}  // namespace carewatch::reddit_test
