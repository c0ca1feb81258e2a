// Reddit OAuth2 against the fake's /api/v1/access_token, in the shape of Reddit's real token
// endpoint (a "script" app's password grant: HTTP Basic client_id:client_secret, grant_type=
// password; {"access_token", "token_type": "bearer", "expires_in": 86400, "scope"}; a wrong
// password is 200 {"error": "invalid_grant"}, a wrong client 401): the token fetched once and
// reused, refreshed before it expires and once on a 401, what is fatal and what it names, the
// User-Agent option's checks. Secrets never show.
#include "tests/unit/connectors/reddit_test_fixture.h"

#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <thread>

#include "connectors/reddit/oauth.h"
#include "connectors/reddit/options.h"
#include "mention/common/url.h"

namespace carewatch::reddit_test {
namespace {

using testing::FakeRedditRoute;
using testing::FakeResponse;

const std::string kSub = R"(, "subreddits": ["acmeair"])";

TEST(RedditBase64, EncodesAsRfc4648) {
  EXPECT_EQ(reddit::base64(""), "");
  EXPECT_EQ(reddit::base64("f"), "Zg==");
  EXPECT_EQ(reddit::base64("fo"), "Zm8=");
  EXPECT_EQ(reddit::base64("foo"), "Zm9v");
  EXPECT_EQ(reddit::base64("acme:s3cret"), "YWNtZTpzM2NyZXQ=");
}

TEST_F(RedditTest, ThePasswordGrantIsAskedOnceAndItsTokenReused) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  auto c = make(kSub);
  EXPECT_EQ(fake_.token_requests(), 0u);  // not when built
  Batch b = ok(*c, "");
  for (int i = 0; i < 3; ++i) b = ok(*c, b.next_cursor);
  EXPECT_EQ(fake_.token_requests(), 1u);
  const auto token = fake_.requests_to("/api/v1/access_token");
  ASSERT_EQ(token.size(), 1u);
  EXPECT_EQ(token[0].method, "POST");
  EXPECT_EQ(token[0].headers.at("authorization"),
            "Basic " + reddit::base64(std::string(testing::kFakeRedditClientId) + ":" + testing::kFakeRedditClientSecret));
  EXPECT_EQ(token[0].headers.at("content-type"), "application/x-www-form-urlencoded");
  const auto form = parse_query(token[0].body);
  ASSERT_TRUE(form);
  EXPECT_EQ(*form, (QueryPairs{{"grant_type", "password"},
                               {"username", testing::kFakeRedditUsername},
                               {"password", testing::kFakeRedditPassword}}));
  // The secrets are only ever in the token request.
  for (const auto& r : api_requests()) {
    expect_no_secret(r.target);
    EXPECT_EQ(r.body.find(testing::kFakeRedditPassword), std::string::npos);
  }
}

TEST_F(RedditTest, ATokenIsFetchedAnewBeforeItExpires) {
  // Refreshed 5 minutes before it expires, or half its lifetime before for a short-lived one: a
  // token of 2 s is used for 1 s, and never sent expired (the fake would answer 401).
  fake_.set_expires_in(2);
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  auto c = make(kSub);
  Batch b = ok(*c, "");
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(fake_.token_requests(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(fake_.token_requests(), 2u);
  // No request was refused: one a stream and poll.
  EXPECT_EQ(fake_.requests_to("/r/acmeair/new").size(), 3u);
  EXPECT_EQ(fake_.requests_to("/r/acmeair/comments").size(), 3u);
}

TEST_F(RedditTest, ATokenRefusedWith401IsFetchedAnewOnce) {
  const std::string post = fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  auto c = make(kSub);
  Batch b = ok(*c, "");
  const std::string first = fake_.last_token();
  fake_.expire_tokens();  // revoked or expired early on Reddit's side
  const std::string added = fake_.add_comment("acmeair", "jun", post, "me too");
  fake_.server().clear_requests();
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b), std::vector<std::string>{added});
  EXPECT_EQ(fake_.token_requests(), 2u);
  EXPECT_NE(fake_.last_token(), first);
  // comments: 401, then again with the new token; posts: the new token.
  EXPECT_EQ(fake_.requests_to("/r/acmeair/comments").size(), 2u);
  EXPECT_EQ(fake_.requests_to("/r/acmeair/new").size(), 1u);
}

TEST_F(RedditTest, A401ToAFreshTokenIsFatalAndNamesWhatToFix) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.fail_next(FakeRedditRoute::comments, 5, FakeResponse{401, {}, R"({"message": "Unauthorized", "error": 401})"});
  auto c = make(kSub);
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("401"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("options.client_id"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("\"script\""), std::string::npos) << e.message;
  EXPECT_EQ(fake_.token_requests(), 1u);  // the token was fresh: no second one
}

TEST_F(RedditTest, A401AfterARefreshIsFatal) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  auto c = make(kSub);
  Batch b = ok(*c, "");
  fake_.fail_next(FakeRedditRoute::comments, 2, FakeResponse{401, {}, R"({"message": "Unauthorized", "error": 401})"});
  const PollError e = failed(*c, b.next_cursor);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("options.username"), std::string::npos) << e.message;
  EXPECT_EQ(fake_.token_requests(), 2u);
}

TEST_F(RedditTest, AWrongPasswordIsFatalAndNamesTheOptions) {
  std::string options = fake_.options(kSub);
  options.replace(options.find(testing::kFakeRedditPassword), std::string(testing::kFakeRedditPassword).size(),
                  "wrong-password-1");
  std::string error;
  auto c = build(options, error);
  ASSERT_TRUE(c) << error;
  const PollResult r = c->poll("");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::fatal);
  EXPECT_NE(r.error->message.find("invalid_grant"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find("options.username and options.password"), std::string::npos) << r.error->message;
  EXPECT_EQ(r.error->message.find("wrong-password-1"), std::string::npos) << r.error->message;
  EXPECT_TRUE(api_requests().empty());
}

TEST_F(RedditTest, AWrongClientSecretIsFatalAndNamesTheOptions) {
  std::string options = fake_.options(kSub);
  options.replace(options.find(testing::kFakeRedditClientSecret), std::string(testing::kFakeRedditClientSecret).size(),
                  "another-secret-9");
  std::string error;
  auto c = build(options, error);
  ASSERT_TRUE(c) << error;
  const PollResult r = c->poll("");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::fatal);
  EXPECT_NE(r.error->message.find("401"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find("options.client_id / options.client_secret"), std::string::npos) << r.error->message;
  EXPECT_EQ(r.error->message.find("another-secret-9"), std::string::npos) << r.error->message;
}

TEST_F(RedditTest, ATokenEndpointOutageIsRetried) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.fail_next(FakeRedditRoute::token, 1, FakeResponse{503, {{"Retry-After", "7"}}, "<html>down</html>"});
  auto c = make(kSub);
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(e.retry_after->count(), 7000);
  EXPECT_EQ(ok(*c, "").mentions.size(), 1u);
}

TEST_F(RedditTest, AnAppThatIsNotAScriptIsNamed) {
  fake_.fail_next(FakeRedditRoute::token, 1, FakeResponse{200, {}, R"({"error": "unauthorized_client"})"});
  auto c = make(kSub);
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("type \"script\""), std::string::npos) << e.message;
}

// ---- the options ---------------------------------------------------------------------------

std::string with_agent(const testing::FakeReddit& fake, const std::string& agent) {
  std::string options = fake.options(R"(, "subreddits": ["acmeair"])");
  const std::string good = "linux:acme-care:1.0 (by /u/acmecare)";
  options.replace(options.find(good), good.size(), agent);
  return options;
}

TEST_F(RedditTest, AGenericOrEmptyUserAgentIsRefused) {
  for (const std::string agent : {"", "   ", "python-requests/2.31.0", "Mozilla/5.0 (X11; Linux x86_64)",
                                  "curl/8.5.0", "cpprestsdk/2.10.18", "carewatch", "acme care bot 1.0"}) {
    SCOPED_TRACE(agent);
    std::string error;
    EXPECT_FALSE(build(with_agent(fake_, agent), error));
    EXPECT_NE(error.find("options.user_agent"), std::string::npos) << error;
    EXPECT_NE(error.find("(by /u/acmecare)"), std::string::npos) << error;  // the example of a good one
  }
  for (const std::string agent : {"linux:acme-care:1.0 (by /u/acmecare)", "server:com.acme.care:v2.3 (by u/acme_support)"}) {
    SCOPED_TRACE(agent);
    std::string error;
    EXPECT_TRUE(build(with_agent(fake_, agent), error)) << error;
  }
}

TEST_F(RedditTest, OptionsTheSchemaCannotCheckAreNamed) {
  std::string error;
  EXPECT_FALSE(build(fake_.options(R"(, "subreddits": ["acmeair", "AcmeAir"])"), error));
  EXPECT_NE(error.find("options.subreddits[1]"), std::string::npos) << error;
  EXPECT_FALSE(build(fake_.options(R"(, "mentions": false)"), error));
  EXPECT_NE(error.find("mentions"), std::string::npos) << error;
  EXPECT_FALSE(build(fake_.options(R"(, "subreddits": ["r/acmeair"])"), error));
  EXPECT_NE(error.find("subreddits"), std::string::npos) << error;
  EXPECT_FALSE(build(fake_.options(R"(, "search": ["x"], "page_size": 101)"), error));
  EXPECT_NE(error.find("page_size"), std::string::npos) << error;
  // Defaults: Reddit's roots.
  RedditOptions o;
  o.base_url = "https://oauth.reddit.com";
  o.auth_url = "ftp://www.reddit.com";
  o.user_agent = "linux:acme-care:1.0 (by /u/acmecare)";
  o.client_id = "id";
  o.search = {"x"};
  EXPECT_FALSE(reddit::check_options(o, error));
  EXPECT_NE(error.find("options.auth_url"), std::string::npos) << error;
}

TEST(RedditOptionsDefaults, AreReddits) {
  std::string error;
  auto c = find_connector_type("reddit")->create(
      {"r", "reddit",
       R"x({"client_id": "i", "client_secret": "s", "username": "acmecare", "password": "p",
           "user_agent": "linux:acme-care:1.0 (by /u/acmecare)", "mentions": true})x",
       ""},
      make_cpprest_http_client(), error);
  EXPECT_TRUE(c) << error;
  rapidjson::Document schema;
  schema.Parse(find_connector_type("reddit")->options_schema);
  EXPECT_STREQ(schema["properties"]["base_url"]["default"].GetString(), "https://oauth.reddit.com");
  EXPECT_STREQ(schema["properties"]["auth_url"]["default"].GetString(), "https://www.reddit.com");
  EXPECT_EQ(schema["properties"]["page_size"]["maximum"].GetInt(), 100);
}

}  // namespace
}  // namespace carewatch::reddit_test
