// The Bluesky session against a fake PDS: com.atproto.server.createSession with an app password
// once, refreshSession (Bearer <refreshJwt>, rotating the refresh token) before the access JWT's
// "exp" and when a request is refused with 400 {"error": "ExpiredToken"}, a new login only when
// the refresh is refused, and a fatal error naming the options when the password is wrong. The
// shapes follow the lexicons com.atproto.server.createSession / refreshSession.
#include "tests/unit/connectors/bluesky_test_fixture.h"

#include <chrono>
#include <string>
#include <thread>

#include "connectors/bluesky/session.h"

namespace carewatch::bluesky_test {
namespace {

using testing::FakeBluesky;
using testing::FakeBlueskyRoute;

TEST(BlueskyJwt, ExpiryIsReadFromThePayloadWithoutVerifying) {
  // {"alg":"ES256K"} . {"scope":"com.atproto.access","sub":"did:plc:x","exp":1764547200} . sig
  const std::string jwt =
      "eyJhbGciOiJFUzI1NksifQ.eyJzY29wZSI6ImNvbS5hdHByb3RvLmFjY2VzcyIsInN1YiI6ImRpZDpwbGM6eCIsImV4cCI6MTc2NDU0NzIwMH0.c2ln";
  ASSERT_TRUE(bluesky::jwt_expiry(jwt));
  EXPECT_EQ(*bluesky::jwt_expiry(jwt), 1764547200000LL);
  EXPECT_FALSE(bluesky::jwt_expiry("not-a-jwt"));
  EXPECT_FALSE(bluesky::jwt_expiry("a.%%%.b"));
  EXPECT_FALSE(bluesky::jwt_expiry("eyJhbGciOiJFUzI1NksifQ.e30.c2ln"));  // {} : no exp
}

TEST(BlueskyJwt, TokenRefusalsAreRecognised) {
  HttpResponse r;
  r.status = 400;
  r.body = R"({"error":"ExpiredToken","message":"Token has expired"})";
  EXPECT_TRUE(bluesky::refuses_token(r));
  r.body = R"({"error":"InvalidRequest","message":"Params must have the property \"q\""})";
  EXPECT_FALSE(bluesky::refuses_token(r));
  r.status = 401;
  r.body = "";
  EXPECT_TRUE(bluesky::refuses_token(r));
}

TEST_F(BlueskyTest, OneLoginServesManyPolls) {
  auto c = make();
  std::string cursor;
  for (int i = 0; i < 5; ++i) {
    mentions(1);
    cursor = ok(*c, cursor).next_cursor;
  }
  EXPECT_EQ(fake_.logins(), 1u);
  EXPECT_EQ(fake_.refreshes(), 0u);
  const auto logins = fake_.requests_to("com.atproto.server.createSession");
  ASSERT_EQ(logins.size(), 1u);
  EXPECT_NE(logins[0].body.find("\"identifier\":\"acmeair.bsky.social\""), std::string::npos);
  // Reads carry the access token, never the password.
  for (const auto& r : fake_.requests_to("app.bsky.notification.listNotifications")) {
    EXPECT_EQ(r.headers.at("authorization").rfind("Bearer ey", 0), 0u);
    EXPECT_EQ(r.target.find(testing::kFakeBlueskyPassword), std::string::npos);
  }
  const auto counts = bluesky_session_counts(*c);
  EXPECT_EQ(counts.logins, 1u);
}

TEST_F(BlueskyTest, AnAccessTokenAboutToExpireIsRefreshedFirst) {
  // "exp" 61.5 to 62.5 s ahead: within 3 s it is less than a minute away, and the next poll
  // refreshes before using it.
  fake_.set_access_lifetime(62'500);
  auto c = make();
  std::string cursor = ok(*c, "").next_cursor;
  cursor = ok(*c, cursor).next_cursor;
  EXPECT_EQ(fake_.refreshes(), 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2600));
  fake_.expire_access_tokens();  // were the old token used, the PDS would refuse it
  fake_.server().clear_requests();
  cursor = ok(*c, cursor).next_cursor;
  EXPECT_EQ(fake_.logins(), 1u);
  EXPECT_GE(fake_.refreshes(), 1u);
  const auto refreshes = fake_.requests_to("com.atproto.server.refreshSession");
  ASSERT_EQ(refreshes.size(), 1u);
  EXPECT_EQ(refreshes[0].headers.at("authorization").rfind("Bearer ey", 0), 0u);
  // The refresh came first: the read was made once, with the new token.
  EXPECT_EQ(fake_.requests_to("app.bsky.notification.listNotifications").size(), 1u);
  EXPECT_EQ(fake_.server().requests().front().path, "/xrpc/com.atproto.server.refreshSession");
}

TEST_F(BlueskyTest, AnExpiredTokenRefusedByThePdsIsRefreshedAndTheRequestMadeAgain) {
  mentions(2);
  auto c = make();
  std::string cursor = ok(*c, "").next_cursor;
  fake_.expire_access_tokens();  // the PDS says ExpiredToken although "exp" is hours away
  const auto fresh = mentions(1);
  const Batch b = ok(*c, cursor);
  EXPECT_EQ(ids_of(b), fresh);
  EXPECT_EQ(fake_.logins(), 1u);
  EXPECT_EQ(fake_.refreshes(), 1u);
}

TEST_F(BlueskyTest, ARefusedRefreshLogsInAgain) {
  auto c = make();
  std::string cursor = ok(*c, "").next_cursor;
  fake_.expire_access_tokens();
  fake_.revoke_refresh_tokens();
  const auto fresh = mentions(1);
  const Batch b = ok(*c, cursor);
  EXPECT_EQ(ids_of(b), fresh);
  EXPECT_EQ(fake_.logins(), 2u);
}

TEST_F(BlueskyTest, AFailedRefreshIsRetriedWithoutLoggingIn) {
  auto c = make();
  std::string cursor = ok(*c, "").next_cursor;
  fake_.expire_access_tokens();
  fake_.fail_next(FakeBlueskyRoute::refresh_session, 1,
                  FakeBluesky::error_answer(502, "UpstreamFailure", "Upstream Failure"));
  const PollError e = failed(*c, cursor);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_EQ(fake_.logins(), 1u);
  ok(*c, cursor);  // the next poll refreshes
  EXPECT_EQ(fake_.logins(), 1u);
  EXPECT_EQ(fake_.refreshes(), 1u);
}

TEST_F(BlueskyTest, AWrongAppPasswordIsFatalAndNamesTheOptionsNeverThePassword) {
  fake_.set_password("another-app-pass");
  auto c = make();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("401"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("options.identifier"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("options.app_password"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("Invalid identifier or password"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find(testing::kFakeBlueskyPassword), std::string::npos) << e.message;
}

TEST_F(BlueskyTest, ATokenRefusedAfterARefreshAndANewLoginIsFatal) {
  auto c = make();
  const std::string cursor = ok(*c, "").next_cursor;
  // Every read now refused: refresh, then log in, then give up.
  fake_.server().on("GET", "/xrpc/app.bsky.notification.listNotifications", [](const testing::FakeRequest&) {
    return FakeBluesky::error_answer(401, "InvalidToken", "Token could not be verified");
  });
  const PollError e = failed(*c, cursor);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("options.identifier"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("options.app_password"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("Bearer"), std::string::npos) << e.message;
  EXPECT_EQ(fake_.refreshes(), 1u);
  EXPECT_EQ(fake_.logins(), 2u);
}

TEST_F(BlueskyTest, LoginsAreCappedWellBelowThePdsLimit) {
  auto c = make();
  std::string cursor = ok(*c, "").next_cursor;
  // The refresh token refused every time, so each poll would log in again.
  fake_.server().on("GET", "/xrpc/app.bsky.notification.listNotifications", [](const testing::FakeRequest&) {
    return FakeBluesky::error_answer(400, "ExpiredToken", "Token has expired");
  });
  fake_.revoke_refresh_tokens();
  fake_.fail_next(FakeBlueskyRoute::refresh_session, 100,
                  FakeBluesky::error_answer(400, "ExpiredToken", "Token has been revoked"));
  PollError last;
  for (int i = 0; i < 12; ++i) last = c->poll(cursor).error.value_or(PollError{});
  EXPECT_LE(fake_.logins(), bluesky::kMaxLoginsPer5Min);
  EXPECT_EQ(last.kind, PollError::Kind::retry);
  EXPECT_NE(last.message.find("logins"), std::string::npos) << last.message;
  ASSERT_TRUE(last.retry_after);
  EXPECT_GT(last.retry_after->count(), 60'000);
}

TEST_F(BlueskyTest, ATooManyLoginsAnswerIsRetriedAfterItsReset) {
  fake_.fail_next(FakeBlueskyRoute::create_session, 1,
                  FakeBluesky::error_answer(429, "RateLimitExceeded", "Rate Limit Exceeded",
                                            {{"RateLimit-Limit", "30"},
                                             {"RateLimit-Remaining", "0"},
                                             {"RateLimit-Reset", std::to_string(now_ms() / 1000 + 240)},
                                             {"RateLimit-Policy", "30;w=300"}}));
  auto c = make();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_GT(e.retry_after->count(), 200'000);
}

}  // namespace
}  // namespace carewatch::bluesky_test
