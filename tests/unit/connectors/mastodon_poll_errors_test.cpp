// How a poll of a fake Mastodon instance fails: what is retried, what is fatal, what the messages
// name (and never: the token), a stream failing while others work, a broken cursor.
#include "tests/unit/connectors/mastodon_test_fixture.h"

#include <chrono>
#include <string>

#include "connectors/mastodon/mastodon_connector.h"
#include "mention/common/time.h"

namespace carewatch::mastodon_test {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;
using std::chrono::milliseconds;

TEST_F(MastodonTest, TooManyRequestsIsRetriedAfterWhatTheServerSaid) {
  serve_tag({429, {{"Retry-After", "1"}}, R"({"error": "Too many requests"})"});
  auto c = make_tag();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(*e.retry_after, milliseconds(1000));
  EXPECT_NE(e.message.find("429"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, ServerErrorIsRetried) {
  serve_tag({500, {}, R"({"error": "boom"})"});
  auto c = make_tag();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("500"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("/api/v1/timelines/tag/acmeair"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, UnreachableInstanceIsRetried) {
  std::string base;
  {
    FakeHttpServer gone;
    base = gone.base_url();
  }
  auto c = make(R"({"instance": ")" + base + R"(", "hashtags": ["acmeair"], "timeout": "5s"})");
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
}

TEST_F(MastodonTest, HtmlErrorPageIsRetriedAndNamed) {
  serve_tag({200, {{"Content-Type", "text/html; charset=utf-8"}},
             "<!DOCTYPE html><html><body><h1>We're down for maintenance</h1></body></html>"});
  auto c = make_tag();
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("HTML"), std::string::npos) << e.message;

  // Labelled as JSON, but still a page.
  serve_tag({200, {{"Content-Type", "application/json"}}, "\n  <html><body>Bad gateway</body></html>"});
  e = failed(*c);
  EXPECT_NE(e.message.find("HTML"), std::string::npos) << e.message;

  serve_tag({200, {{"Content-Type", "text/plain"}}, "Service temporarily unavailable"});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("invalid JSON at offset 0"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, TruncatedJsonIsRetried) {
  const std::string page = fixture("tag_acmeair.json");
  serve_tag({200, {}, page.substr(0, page.size() / 2)});
  auto c = make_tag();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("invalid JSON"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, AnObjectInsteadOfAnArrayIsRetried) {
  serve_tag({200, {}, R"({"statuses": []})"});
  auto c = make_tag();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("expected a JSON array of statuses, got an object"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, UnauthorizedIsFatalAndNeverShowsTheToken) {
  server_.on("GET", "/api/v1/notifications", [](const FakeRequest&) {
    return FakeResponse{401, {}, R"({"error": "The access token is invalid"})"};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "notifications": true})");
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("401"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(server_.base_url() + "/api/v1/notifications"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("The access token is invalid"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find(kToken), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("Bearer"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, NotFoundIsFatal) {
  auto c = make_tag();  // no handler: the fake server answers 404
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("404"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, OneFailingStreamDoesNotHoldBackTheOthers) {
  serve_tag({200, {}, fixture("tag_acmeair.json")});
  server_.on("GET", "/api/v1/timelines/tag/acmeairlines", [](const FakeRequest&) {
    return FakeResponse{503, {}, R"({"error": "unavailable"})"};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "hashtags": ["acmeairlines", "acmeair"]})");
  const Batch b = ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 3u);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("#acmeairlines"), std::string::npos) << b.warnings[0];
  EXPECT_NE(b.warnings[0].find("503"), std::string::npos) << b.warnings[0];
  rapidjson::Document cursor;
  cursor.Parse(b.next_cursor.c_str());
  EXPECT_TRUE(cursor.HasMember("tag:acmeair"));
  EXPECT_FALSE(cursor.HasMember("tag:acmeairlines"));
}

TEST_F(MastodonTest, AGoodPageThatUsedUpTheRateLimitAsksToWait) {
  const std::string reset = format_iso8601(now_ms() + 120000);
  serve_tag({200, {{"X-RateLimit-Limit", "300"}, {"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", reset}},
             fixture("tag_acmeair.json")});
  auto c = make_tag();
  const Batch b = ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 3u);
  ASSERT_TRUE(b.retry_after);
  EXPECT_GT(b.retry_after->count(), 0);
  EXPECT_FALSE(b.more);
}

TEST_F(MastodonTest, ABrokenCursorIsFatal) {
  auto c = make_tag();
  const PollError e = failed(*c, "not json");
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("cursor"), std::string::npos) << e.message;
  EXPECT_TRUE(server_.requests().empty());
}

}  // namespace
}  // namespace carewatch::mastodon_test
