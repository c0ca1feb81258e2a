// The Mastodon connector's options: what the connector refuses, the schema's defaults and rules.
#include "tests/unit/connectors/mastodon_test_fixture.h"

#include <rapidjson/document.h>
#include <rapidjson/schema.h>

#include <chrono>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "connectors/mastodon/mastodon_connector.h"

namespace carewatch {
extern const char* const kMastodonOptionsSchema;
}  // namespace carewatch

namespace carewatch::mastodon_test {
namespace {

using std::chrono::milliseconds;

std::string option_error(const std::string& options_json) {
  std::string error;
  auto c = build(options_json, error);
  EXPECT_FALSE(c) << options_json;
  return error;
}

// What the connector refuses itself: mistyped values (options built by hand are not validated),
// what the schema cannot express (a duration's range in its string form, letter case, tokens,
// which streams need a token) and an instance URL it cannot use. Ranges, patterns and unknown
// keys are the schema's (see the next tests).
TEST(MastodonOptions, ErrorsNameTheOption) {
  const std::string inst = R"("instance": "https://mastodon.example")";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"hashtags": ["acmeair"]})", "options.instance: required"},
      {R"({"instance": "ftp://mastodon.example", "hashtags": ["acmeair"]})", "options.instance: expected a base URL"},
      {R"({"instance": "mastodon.example", "hashtags": ["acmeair"]})", "options.instance: expected a base URL"},
      {R"({"instance": "https://user:pw@mastodon.example", "hashtags": ["acmeair"]})", "options.instance"},
      {R"({"instance": 7, "hashtags": ["acmeair"]})", "options.instance: expected a string, got 7"},
      {"{" + inst + R"(, "hashtags": ["acmeair", 3]})", "options.hashtags[1]: expected a string, got 3"},
      {"{" + inst + R"(, "hashtags": ["acmeair", "AcmeAir"]})", "options.hashtags[1]: \"AcmeAir\" is listed twice"},
      {"{" + inst + R"(, "hashtags": "acmeair"})", "options.hashtags: expected an array of strings"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "limit": "40"})", "options.limit: expected an integer, got \"40\""},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "timeout": "fast"})",
       "options.timeout: expected a duration from 1ms to 10m like \"10s\", \"500ms\" or \"2m\", or an integer of "
       "milliseconds, got \"fast\""},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "timeout": 0})", "options.timeout: expected a duration from 1ms to 10m"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "timeout": "11m"})", "options.timeout: expected a duration from 1ms to 10m"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "timeout": "0s"})", "options.timeout: expected a duration from 1ms to 10m"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "notifications": "yes"})", "options.notifications: expected true or false"},
      {"{" + inst + R"(, "notifications": true})", "options.notifications: needs options.access_token"},
      {"{" + inst + R"(, "search": ["acme air"]})", "options.search: needs options.access_token"},
      {"{" + inst + R"(, "search": ["acme air", "Acme Air"], "access_token": "t"})",
       "options.search[1]: \"Acme Air\" is listed twice"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "access_token": 42})", "options.access_token: expected a string"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "bogus": 1})", "options.bogus: unknown option (known: instance, "},
      {"[1]", "options: expected an object"},
      {"{", "options: invalid JSON"},
  };
  for (const auto& [json, expected] : cases)
    EXPECT_EQ(option_error(json).rfind(expected, 0), 0u)
        << json << "\n  gave: " << option_error(json) << "\n  expected: " << expected;
}

// Requests record what the connector asked for, and answer with an empty page.
struct RecordingHttpClient : HttpClient {
  std::vector<HttpRequest> requests;
  HttpResponse send(const HttpRequest& request) override {
    requests.push_back(request);
    return HttpResponse{200, {}, "[]", ""};
  }
};

TEST(MastodonOptions, DefaultsAreTheSchemasAndDurationsReadLikeTheConfigurations) {
  const std::vector<std::tuple<std::string, std::string, milliseconds>> cases = {
      {"", "limit=40", milliseconds(10000)},  // schema.json: limit 40, timeout "10s"
      {R"(, "limit": 7, "timeout": 2500)", "limit=7", milliseconds(2500)},
      {R"(, "timeout": "500ms")", "limit=40", milliseconds(500)},
      {R"(, "timeout": "2m")", "limit=40", milliseconds(120000)},
      {R"(, "timeout": "1m30s")", "limit=40", milliseconds(90000)},  // the one duration grammar
  };
  for (const auto& [extra, limit, timeout] : cases) {
    auto http = std::make_shared<RecordingHttpClient>();
    std::string error;
    auto c = find_connector_type("mastodon")->create(
        {"acme-mastodon", "mastodon", R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"])" + extra + "}",
         ""},
        http, error);
    ASSERT_TRUE(c) << extra << ": " << error;
    ASSERT_TRUE(c->poll("").batch);
    ASSERT_EQ(http->requests.size(), 1u);
    EXPECT_EQ(http->requests[0].url, "https://mastodon.example/api/v1/timelines/tag/acmeair?" + limit) << extra;
    EXPECT_EQ(http->requests[0].timeout, timeout) << extra;
  }
}

TEST(MastodonOptions, TokenValueIsNeverInAnError) {
  const std::string error = option_error(
      R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "access_token": "abc def-secret"})");
  EXPECT_NE(error.find("options.access_token"), std::string::npos) << error;
  EXPECT_EQ(error.find("secret"), std::string::npos) << error;
}

TEST(MastodonOptions, ValidOptionsAreAccepted) {
  for (const std::string json : {
           R"({"instance": "https://mastodon.example/", "hashtags": ["acmeair", "acme_air"]})",
           R"({"instance": "http://127.0.0.1:8080", "access_token": "t", "notifications": true, "timeout": "500ms"})",
           R"({"instance": "https://mastodon.example", "access_token": "t", "search": ["acme air"], "limit": 1,
               "max_pages": 100, "timeout": 2500})",
           R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "timeout": "2m"})",
       }) {
    std::string error;
    EXPECT_TRUE(build(json, error)) << json << ": " << error;
  }
}

TEST(MastodonOptions, SchemaDescribesEveryOptionAndRejectsWhatTheConnectorRejects) {
  rapidjson::Document schema_doc;
  schema_doc.Parse(kMastodonOptionsSchema);
  ASSERT_FALSE(schema_doc.HasParseError());
  ASSERT_TRUE(schema_doc["properties"].IsObject());
  EXPECT_FALSE(schema_doc["additionalProperties"].GetBool());
  for (const auto& p : schema_doc["properties"].GetObject())
    EXPECT_TRUE(p.value.HasMember("description")) << p.name.GetString();
  const rapidjson::SchemaDocument schema(schema_doc);

  auto valid = [&](const std::string& json) {
    rapidjson::Document d;
    d.Parse(json.c_str());
    EXPECT_FALSE(d.HasParseError()) << json;
    rapidjson::SchemaValidator validator(schema);
    return d.Accept(validator);
  };
  EXPECT_TRUE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"]})"));
  EXPECT_TRUE(valid(R"({"instance": "http://127.0.0.1:8080", "access_token": "t", "notifications": true,
                        "search": ["acme air"], "limit": 40, "max_pages": 5, "timeout": "10s"})"));
  EXPECT_TRUE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "timeout": 2500})"));
  EXPECT_FALSE(valid(R"({"hashtags": ["acmeair"]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example"})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "notifications": false})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "bogus": 1})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "limit": 41})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["#acmeair"]})"));
  EXPECT_FALSE(valid(R"({"instance": "ftp://mastodon.example", "hashtags": ["acmeair"]})"));
  // A duration's grammar and its range in string form are the connector's (the one duration
  // parser, mention/common/duration.h): see ErrorsNameTheOption.
  EXPECT_TRUE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "timeout": "1m30s"})"));
  // What the configuration loader refuses before any connector is built.
  EXPECT_FALSE(valid(R"({"instance": "mastodon.example", "hashtags": ["acmeair"]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://user:pw@mastodon.example", "hashtags": ["acmeair"]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair", 3]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair", "acmeair"]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "limit": 0})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "max_pages": 0})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "timeout": 0})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "timeout": 600001})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "access_token": "t", "search": [""]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "access_token": ""})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "notifications": "yes"})"));
}

}  // namespace
}  // namespace carewatch::mastodon_test
