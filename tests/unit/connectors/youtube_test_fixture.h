// What the YouTube connector's tests share: the pages under tests/fixtures/youtube/ (own, in the
// shapes of ../shared/fixtures/youtube/, recorded from the Data API v3), a fake YouTube
// (tests/support/fake_youtube.h), and connectors built the way the daemon builds them.
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
#include "tests/support/fake_youtube.h"

namespace carewatch::youtube_test {

inline const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/youtube/";

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
inline std::unique_ptr<Connector> build(const std::string& options_json, std::string& error,
                                        std::shared_ptr<HttpClient> http = make_cpprest_http_client()) {
  return find_connector_type("youtube")->create({"acme-youtube", "youtube", options_json, ""}, std::move(http), error);
}

// Nothing a connector says may hold a secret.
inline void expect_no_secret(const std::string& text) {
  for (const char* secret : {testing::kFakeYoutubeKey, testing::kFakeYoutubeClientSecret,
                             testing::kFakeYoutubeRefreshToken, "ya29."})
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
}

class YoutubeTest : public ::testing::Test {
 protected:
  // Options reading the fake (with `extra`, e.g. R"(, "max_pages": 2)").
  std::string options(const std::string& extra = "", bool oauth = false) const {
    std::string o = R"({"base_url": ")" + fake_.base_url() + R"(", "channel_id": ")" + testing::kFakeYoutubeChannel +
                    R"(", "api_key": ")" + testing::kFakeYoutubeKey + R"(")";
    if (oauth)
      o += R"(, "token_url": ")" + fake_.token_url() + R"(", "oauth_client_id": ")" + testing::kFakeYoutubeClientId +
           R"(", "oauth_client_secret": ")" + testing::kFakeYoutubeClientSecret + R"(", "oauth_refresh_token": ")" +
           testing::kFakeYoutubeRefreshToken + R"(")";
    return o + extra + "}";
  }

  std::unique_ptr<Connector> make(const std::string& extra = "", bool oauth = false) {
    std::string error;
    auto c = build(options(extra, oauth), error);
    EXPECT_TRUE(c) << error;
    return c;
  }

  Batch ok(Connector& c, const std::string& cursor, SourceUsage* usage = nullptr) {
    PollResult r = c.poll(cursor);
    EXPECT_TRUE(r.batch) << (r.error ? r.error->message : "");
    EXPECT_FALSE(r.error);
    if (r.error) expect_no_secret(r.error->message);
    if (usage) *usage = r.usage;
    if (r.batch)
      for (const auto& w : r.batch->warnings) expect_no_secret(w);
    return r.batch ? std::move(*r.batch) : Batch{};
  }

  PollError failed(Connector& c, const std::string& cursor = "", SourceUsage* usage = nullptr) {
    PollResult r = c.poll(cursor);
    EXPECT_FALSE(r.batch);
    EXPECT_TRUE(r.error);
    if (usage) *usage = r.usage;
    if (r.error) expect_no_secret(r.error->message);
    return r.error ? *r.error : PollError{};
  }

  static std::vector<std::string> ids_of(const Batch& b) {
    std::vector<std::string> ids;
    for (const auto& m : b.mentions) ids.push_back(m.native_id);
    return ids;
  }

  testing::FakeYoutube fake_;
};

}  // namespace carewatch::youtube_test
