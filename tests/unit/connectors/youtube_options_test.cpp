// The YouTube connector's options (connectors/youtube/schema.json, read through the registry as
// the daemon reads them): defaults, every option read, and the checks the schema cannot express.
#include "tests/unit/connectors/youtube_test_fixture.h"

#include <rapidjson/document.h>

#include <string>

namespace carewatch::youtube_test {
namespace {

constexpr const char* kMinimal = R"({"channel_id": "UCacmeAir0000000000000AA", "api_key": "AIzaKey"})";

std::string build_error(const std::string& options) {
  std::string error;
  auto c = build(options, error);
  EXPECT_FALSE(c);
  return error;
}

TEST(YoutubeOptions, AChannelAndAKeyAreEnough) {
  std::string error;
  auto c = build(kMinimal, error);
  ASSERT_TRUE(c) << error;
  EXPECT_FALSE(c->reply_rules().can_reply);
  EXPECT_EQ(c->reply_rules().max_length, 10000u);
}

TEST(YoutubeOptions, EveryOptionOfTheSchemaIsRead) {
  const std::string every = R"({"base_url": "https://yt-proxy.example/youtube/v3", "channel_id": "UCacmeAir0000000000000AA",
      "api_key": "AIzaKey", "quota_per_day": 5000, "page_size": 50, "max_pages": 3, "timeout": "5s",
      "oauth_client_id": "id.apps.googleusercontent.com", "oauth_client_secret": "secret",
      "oauth_refresh_token": "1//refresh", "token_url": "https://oauth.example/token", "max_characters": 5000})";
  rapidjson::Document schema, example;
  schema.Parse(find_connector_type("youtube")->options_schema);
  example.Parse(every.c_str());
  ASSERT_FALSE(schema.HasParseError());
  for (const auto& p : schema["properties"].GetObject()) EXPECT_TRUE(example.HasMember(p.name)) << p.name.GetString();
  std::string error;
  auto c = build(every, error);
  ASSERT_TRUE(c) << error;
  EXPECT_TRUE(c->reply_rules().can_reply);
  EXPECT_EQ(c->reply_rules().max_length, 5000u);
}

TEST(YoutubeOptions, TheOauthOptionsComeTogether) {
  const std::string error = build_error(R"({"channel_id": "UCacmeAir0000000000000AA", "api_key": "AIzaKey",
      "oauth_client_id": "id", "oauth_refresh_token": "1//r"})");
  EXPECT_EQ(error.rfind("options.oauth_client_secret: replies need all three", 0), 0u) << error;
}

TEST(YoutubeOptions, SecretsWithWhiteSpaceAreRefusedWithoutShowingThem) {
  const std::string error =
      build_error(R"({"channel_id": "UCacmeAir0000000000000AA", "api_key": "AIza Key-secret-part"})");
  EXPECT_EQ(error.rfind("options.api_key: contains whitespace", 0), 0u) << error;
  EXPECT_EQ(error.find("secret-part"), std::string::npos) << error;
}

TEST(YoutubeOptions, BadUrlsAndChannelsAreNamed) {
  EXPECT_EQ(build_error(R"({"channel_id": "UCacmeAir0000000000000AA", "api_key": "k", "base_url": "ftp://x"})")
                .rfind("options.base_url:", 0),
            0u);
  EXPECT_EQ(build_error(R"({"channel_id": "UCacmeAir0000000000000AA", "api_key": "k", "token_url": "token"})")
                .rfind("options.token_url:", 0),
            0u);
  EXPECT_EQ(build_error(R"({"channel_id": "@acmeair", "api_key": "k"})").rfind("options.channel_id:", 0), 0u);
}

}  // namespace
}  // namespace carewatch::youtube_test
