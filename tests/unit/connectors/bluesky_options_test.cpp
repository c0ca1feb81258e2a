// The Bluesky connector's options (connectors/bluesky/schema.json, read through the registry as
// the daemon reads them): defaults, and errors that name the option without showing the password.
#include "tests/unit/connectors/bluesky_test_fixture.h"

#include <memory>
#include <string>

namespace carewatch::bluesky_test {
namespace {

// An HTTP client that refuses every request, as check-config's: building a connector must not
// need the network.
class NoNetwork final : public HttpClient {
 public:
  HttpResponse send(const HttpRequest&) override {
    ++calls;
    HttpResponse r;
    r.error = "no network here";
    return r;
  }
  int calls = 0;
};

std::unique_ptr<Connector> build_offline(const std::string& options, std::string& error, NoNetwork** client = nullptr) {
  auto http = std::make_shared<NoNetwork>();
  if (client) *client = http.get();
  return find_connector_type("bluesky")->create({"acme-bluesky", "bluesky", options, ""}, http, error);
}

TEST(BlueskyOptions, DefaultsAreTheSchemasAndNothingTouchesTheNetwork) {
  std::string error;
  NoNetwork* client = nullptr;
  auto c = build_offline(R"({"identifier": "acmeair.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"})", error,
                         &client);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(client->calls, 0);
  const ReplyRules rules = c->reply_rules();
  EXPECT_TRUE(rules.can_reply);
  EXPECT_EQ(rules.max_length, 300u);
  // The first poll asks https://bsky.social (the default base_url) and fails without a network.
  const PollResult r = c->poll("");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::retry);
  EXPECT_NE(r.error->message.find("https://bsky.social/xrpc/com.atproto.server.createSession"), std::string::npos)
      << r.error->message;
  EXPECT_EQ(r.error->message.find("abcd-efgh-ijkl-mnop"), std::string::npos) << r.error->message;
}

TEST(BlueskyOptions, ErrorsNameTheOption) {
  struct Case {
    std::string options, expected;
  };
  const std::string creds = R"("identifier": "acmeair.bsky.social", "app_password": "abcd-efgh-ijkl-mnop")";
  for (const auto& k : std::vector<Case>{
           {R"({"identifier": "acmeair.bsky.social"})", "app_password"},
           {R"({"app_password": "abcd"})", "identifier"},
           {"{" + creds + R"(, "base_url": "bsky.social"})", "options.base_url"},
           {"{" + creds + R"(, "page_size": 101})", "page_size"},
           {"{" + creds + R"(, "max_graphemes": 0})", "max_graphemes"},
           {"{" + creds + R"(, "search_terms": ["Acme Air", "acme air"]})", "options.search_terms[1]"},
           {"{" + creds + R"(, "notifications": false})", "notifications"},
           {"{" + creds + R"(, "unknown": 1})", "unknown"},
           {R"({"identifier": "acme air", "app_password": "abcd"})", "options.identifier"},
       }) {
    SCOPED_TRACE(k.options);
    std::string error;
    EXPECT_FALSE(build_offline(k.options, error));
    EXPECT_NE(error.find(k.expected), std::string::npos) << error;
  }
}

TEST(BlueskyOptions, APasswordWithWhiteSpaceIsRefusedWithoutQuotingIt) {
  std::string error;
  EXPECT_FALSE(build_offline(R"({"identifier": "acmeair.bsky.social", "app_password": "abcd efgh-secret"})", error));
  EXPECT_NE(error.find("options.app_password"), std::string::npos) << error;
  EXPECT_EQ(error.find("efgh-secret"), std::string::npos) << error;
}

TEST(BlueskyOptions, SearchAloneIsEnough) {
  std::string error;
  EXPECT_TRUE(build_offline(R"({"identifier": "acmeair.bsky.social", "app_password": "abcd", "notifications": false,
                               "search_terms": ["acme air"]})",
                            error))
      << error;
}

}  // namespace
}  // namespace carewatch::bluesky_test
