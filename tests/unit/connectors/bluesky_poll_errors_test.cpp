// How a poll of a fake Bluesky PDS fails: 429 with RateLimit-* headers, 5xx, an HTML page,
// truncated JSON, a wrong-typed field in a notification (the App View's listNotifications shape,
// tests/fixtures/bluesky/notifications_brand.json), XRPC errors ({"error", "message"}), one stream
// failing while the other works, a failure in the middle of a walk, and a broken cursor.
#include "tests/unit/connectors/bluesky_test_fixture.h"

#include <chrono>
#include <string>

#include "connectors/common/json_text.h"
#include "mention/common/time.h"

namespace carewatch::bluesky_test {
namespace {

using testing::FakeBluesky;
using testing::FakeBlueskyRoute;
using testing::FakeRequest;
using testing::FakeResponse;
using std::chrono::milliseconds;

TEST_F(BlueskyTest, TooManyRequestsIsRetriedAfterTheRateLimitReset) {
  fake_.fail_next(FakeBlueskyRoute::notifications, 1,
                  FakeBluesky::error_answer(429, "RateLimitExceeded", "Rate Limit Exceeded",
                                            {{"RateLimit-Limit", "3000"},
                                             {"RateLimit-Remaining", "0"},
                                             {"RateLimit-Reset", std::to_string(now_ms() / 1000 + 120)},
                                             {"RateLimit-Policy", "3000;w=300"}}));
  auto c = make();
  const PollResult r = c->poll("");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::retry);
  ASSERT_TRUE(r.error->retry_after);
  EXPECT_GT(r.error->retry_after->count(), 100'000);
  EXPECT_NE(r.error->message.find("429"), std::string::npos) << r.error->message;
  ASSERT_TRUE(r.usage.rate_limit_remaining);
  EXPECT_EQ(*r.usage.rate_limit_remaining, 0);
}

TEST_F(BlueskyTest, ServerErrorsAreRetriedAndNameTheRequest) {
  fake_.fail_next(FakeBlueskyRoute::notifications, 1, FakeBluesky::error_answer(502, "UpstreamFailure", "Upstream Failure"));
  auto c = make();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("502"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("app.bsky.notification.listNotifications"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("Bearer"), std::string::npos) << e.message;
}

TEST_F(BlueskyTest, AnUnreachablePdsIsRetried) {
  std::string base;
  {
    testing::FakeHttpServer gone;
    base = gone.base_url();
  }
  std::string error;
  auto c = build(R"({"base_url": ")" + base + R"(", "identifier": "acmeair.bsky.social", "app_password": "x-y-z-w", "timeout": "5s"})",
                 error);
  ASSERT_TRUE(c) << error;
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
}

TEST_F(BlueskyTest, AnHtmlPageIsRetriedAndNamed) {
  fake_.fail_next(FakeBlueskyRoute::notifications, 1,
                  FakeResponse{200, {{"Content-Type", "text/html"}}, "<html><body>Bad gateway</body></html>"});
  auto c = make();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("HTML"), std::string::npos) << e.message;
}

TEST_F(BlueskyTest, TruncatedJsonIsRetriedAndNothingMoves) {
  const std::string page = fixture("notifications_brand.json");
  fake_.fail_next(FakeBlueskyRoute::notifications, 1, FakeResponse{200, {}, page.substr(0, page.size() / 2)});
  auto c = make();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("invalid JSON"), std::string::npos) << e.message;
}

TEST_F(BlueskyTest, AnAnswerWithoutTheListIsRetried) {
  fake_.fail_next(FakeBlueskyRoute::notifications, 1, FakeResponse{200, {}, R"({"notifications": {"0": 1}})"});
  auto c = make();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("notifications: expected an array, got an object"), std::string::npos) << e.message;
}

TEST_F(BlueskyTest, AWrongTypedFieldSkipsThatItemWithAWarningNamingIt) {
  rapidjson::Document page;
  page.Parse(fixture("notifications_brand.json").c_str());
  page["notifications"][0]["record"]["text"].SetInt(42);
  page["notifications"][1]["author"]["handle"].SetNull();
  const std::string body = text::to_text(page);
  fake_.server().on("GET", "/xrpc/app.bsky.notification.listNotifications",
                    [body](const FakeRequest&) { return FakeResponse{200, {}, body}; });
  auto c = make();
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 1u);  // the quote; the like is no mention
  EXPECT_EQ(b.mentions[0].text, "Acme Air says delays are rare. Ha.");
  ASSERT_EQ(b.warnings.size(), 2u);
  EXPECT_EQ(b.warnings[0], "notifications: notifications[0].record.text: expected a string, got a number");
  EXPECT_EQ(b.warnings[1], "notifications: notifications[1].author.handle: expected a string, got null");
}

TEST_F(BlueskyTest, APostWithoutAUriOrATimeIsSkippedWithAWarning) {
  rapidjson::Document page;
  page.Parse(fixture("search_acme_air.json").c_str());
  page["posts"][0]["uri"].SetInt(7);
  page["posts"][1]["indexedAt"].SetString("soon");
  page["posts"][1]["record"]["createdAt"].SetString("later");
  const std::string body = text::to_text(page);
  fake_.server().on("GET", "/xrpc/app.bsky.feed.searchPosts",
                    [body](const FakeRequest&) { return FakeResponse{200, {}, body}; });
  auto c = make(R"(, "notifications": false, "search_terms": ["acme air"])");
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_EQ(b.mentions[0].author.handle, "handle.invalid");
  ASSERT_EQ(b.warnings.size(), 2u);
  EXPECT_EQ(b.warnings[0], "search \"acme air\": posts[0].uri: expected a string");
  EXPECT_EQ(b.warnings[1], "search \"acme air\": posts[1].indexedAt: expected an ISO 8601 time");
}

TEST_F(BlueskyTest, ABadRequestIsFatalWithTheXrpcError) {
  fake_.fail_next(FakeBlueskyRoute::search, 1,
                  FakeBluesky::error_answer(400, "BadQueryString", "Error: could not parse query"));
  auto c = make(R"(, "notifications": false, "search_terms": ["acme AND"])");
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("BadQueryString"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("search \"acme AND\""), std::string::npos) << e.message;
}

TEST_F(BlueskyTest, OneFailingStreamDoesNotHoldBackTheOther) {
  const auto uris = mentions(2);
  fake_.fail_next(FakeBlueskyRoute::search, 1, FakeBluesky::error_answer(503, "NotEnoughResources", "busy"));
  auto c = make(R"(, "search_terms": ["acme air"])");
  const Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), uris);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("search \"acme air\""), std::string::npos) << b.warnings[0];
  rapidjson::Document cursor;
  cursor.Parse(b.next_cursor.c_str());
  EXPECT_TRUE(cursor.HasMember("notifications"));
  EXPECT_FALSE(cursor.HasMember("search:acme air"));
}

TEST_F(BlueskyTest, APageFailingInTheMiddleOfAWalkResumesThere) {
  mentions(2, 120);
  auto c = make(R"(, "page_size": 2)");
  const std::string cursor = ok(*c, "").next_cursor;
  const auto fresh = mentions(7, 30);
  // Pages 1 and 2 come, page 3 fails: their mentions are returned, and the walk goes on from page 3.
  fake_.fail_next(FakeBlueskyRoute::notifications, 1, FakeBluesky::error_answer(500, "InternalServerError", "boom"),
                  false, 2);
  Batch b = ok(*c, cursor);
  EXPECT_EQ(ids_of(b), std::vector<std::string>(fresh.begin() + 3, fresh.end()));
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("500"), std::string::npos) << b.warnings[0];
  rapidjson::Document state;
  state.Parse(b.next_cursor.c_str());
  ASSERT_TRUE(state["notifications"].HasMember("walk")) << b.next_cursor;
  // A fresh connector (a restart) picks the walk up.
  auto again = make(R"(, "page_size": 2)");
  b = ok(*again, b.next_cursor);
  EXPECT_EQ(ids_of(b), std::vector<std::string>(fresh.begin(), fresh.begin() + 3));
  b = ok(*again, b.next_cursor);
  EXPECT_TRUE(b.mentions.empty());
}

TEST_F(BlueskyTest, ABrokenCursorIsFatalAndAsksForNothing) {
  auto c = make();
  const PollError e = failed(*c, "[1,2]");
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_TRUE(e.bad_cursor);
  EXPECT_NE(e.message.find("cursor"), std::string::npos) << e.message;
  EXPECT_TRUE(fake_.server().requests().empty());
}

}  // namespace
}  // namespace carewatch::bluesky_test
