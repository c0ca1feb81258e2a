// Who may do what once authenticated (CSRF for cookie writes, viewers read only), the session
// secrets, and routes with several methods.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <set>

#include "daemon/api/api_match.h"
#include "daemon/api/session_auth.h"
#include "daemon/api/session_token.h"

namespace carewatch {
namespace {

RouteMatch route(const std::string& target) { return match_target(target); }

std::string code_of(const std::optional<ApiResponse>& r) {
  if (!r) return "<allowed>";
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  return d.IsObject() && d.HasMember("code") ? d["code"].GetString() : "<no code>";
}

TEST(SessionAuth, CookieWritesNeedTheSessionsCsrfToken) {
  const Caller c{"alice", AgentRole::agent, true, {}};
  const RouteMatch claim = route("/v1/queues/care/claim");
  EXPECT_EQ(code_of(access_refusal(c, "POST", claim, "", "secret")), "csrf");
  EXPECT_EQ(code_of(access_refusal(c, "POST", claim, "wrong!", "secret")), "csrf");
  EXPECT_EQ(code_of(access_refusal(c, "POST", claim, "secre", "secret")), "csrf");
  EXPECT_EQ(access_refusal(c, "POST", claim, "secret", "secret"), std::nullopt);
  EXPECT_EQ(access_refusal(c, "POST", claim, "", "secret")->status, 403);
}

TEST(SessionAuth, ReadsAndBearerWritesNeedNoCsrfToken) {
  const Caller cookie{"alice", AgentRole::agent, true, {}};
  const Caller bearer{"alice", AgentRole::agent, false, {}};
  EXPECT_EQ(access_refusal(cookie, "GET", route("/v1/queues"), "", "secret"), std::nullopt);
  EXPECT_EQ(access_refusal(cookie, "HEAD", route("/v1/queues"), "", "secret"), std::nullopt);
  EXPECT_EQ(access_refusal(bearer, "POST", route("/v1/queues/care/claim"), "", ""), std::nullopt);
  // A session without a csrf token matches nothing, not an empty header.
  EXPECT_EQ(code_of(access_refusal(cookie, "POST", route("/v1/queues/care/claim"), "", "")), "csrf");
  // Logging out with the cookie is a write like any other.
  EXPECT_EQ(code_of(access_refusal(cookie, "DELETE", route("/v1/session"), "", "secret")), "csrf");
}

TEST(SessionAuth, ViewersReadOnlyButMayLogOut) {
  const Caller viewer{"mia", AgentRole::viewer, false, {}};
  for (const char* target : {"/v1/queues/care/claim", "/v1/mentions/x:1/release", "/v1/mentions/x:1/reply",
                             "/v1/no-such-route"}) {
    const auto r = access_refusal(viewer, "POST", route(target), "", "");
    EXPECT_EQ(code_of(r), "forbidden") << target;
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
    EXPECT_NE(r->body.find("agent mia is a viewer: read-only"), std::string::npos) << r->body;
  }
  EXPECT_EQ(code_of(access_refusal(viewer, "PUT", route("/v1/queues"), "", "")), "forbidden");
  EXPECT_EQ(access_refusal(viewer, "GET", route("/v1/mentions/x:1"), "", ""), std::nullopt);
  EXPECT_EQ(access_refusal(viewer, "DELETE", route("/v1/session"), "", ""), std::nullopt);
  // With the cookie the CSRF check comes first, then the role.
  const Caller viewer_cookie{"mia", AgentRole::viewer, true, {}};
  EXPECT_EQ(code_of(access_refusal(viewer_cookie, "POST", route("/v1/queues/care/claim"), "", "s")), "csrf");
  EXPECT_EQ(code_of(access_refusal(viewer_cookie, "POST", route("/v1/queues/care/claim"), "s", "s")), "forbidden");
  EXPECT_EQ(access_refusal(viewer_cookie, "DELETE", route("/v1/session"), "s", "s"), std::nullopt);
  // Leads and agents write.
  EXPECT_EQ(access_refusal({"lee", AgentRole::lead, false, {}}, "POST", route("/v1/mentions/x:1/release"), "", ""),
            std::nullopt);
}

TEST(SessionAuth, FailedAuthenticationIs401ThenLimitedPerAddress) {
  auto now = std::chrono::steady_clock::time_point(std::chrono::hours(10));
  AuthFailures failures([&] { return now; });
  for (int i = 0; i < AuthFailures::kPerMinute; ++i) {
    const ApiResponse r = authentication_failed(failures, "192.0.2.1", "invalid API key");
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(r.body.find("\"code\":\"unauthenticated\""), std::string::npos) << r.body;
  }
  const ApiResponse over = authentication_failed(failures, "192.0.2.1", "invalid API key");
  EXPECT_EQ(over.status, 429);
  ASSERT_EQ(over.headers.size(), 1u);
  EXPECT_EQ(over.headers[0].first, "Retry-After");
  EXPECT_EQ(code_of(over), "unauthenticated");
  EXPECT_EQ(authentication_failed(failures, "192.0.2.2", "invalid API key").status, 401);
}

TEST(SessionSecret, ThirtyTwoRandomBytesAsBase64url) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string s = new_session_secret();
    EXPECT_EQ(s.size(), 43u);
    EXPECT_EQ(s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos) << s;
    EXPECT_TRUE(seen.insert(s).second) << "repeated: " << s;
  }
  // RFC 4648 test vectors, without padding, in the URL alphabet.
  EXPECT_EQ(base64url(""), "");
  EXPECT_EQ(base64url("f"), "Zg");
  EXPECT_EQ(base64url("fo"), "Zm8");
  EXPECT_EQ(base64url("foo"), "Zm9v");
  EXPECT_EQ(base64url("foob"), "Zm9vYg");
  EXPECT_EQ(base64url("\xfb\xff\xbf"), "-_-_");
}

TEST(SessionSecret, SameSecretComparesWholeValues) {
  EXPECT_TRUE(same_secret("abc", "abc"));
  EXPECT_FALSE(same_secret("abd", "abc"));
  EXPECT_FALSE(same_secret("ab", "abc"));
  EXPECT_FALSE(same_secret("abcd", "abc"));
  EXPECT_FALSE(same_secret("", ""));
}

TEST(SessionRoute, OnePathAnswersThreeMethods) {
  const RouteMatch m = route("/v1/session");
  ASSERT_TRUE(m.found);
  EXPECT_EQ(m.id, RouteId::session);
  EXPECT_TRUE(allows_method(m, "GET"));
  EXPECT_TRUE(allows_method(m, "POST"));
  EXPECT_TRUE(allows_method(m, "DELETE"));
  EXPECT_FALSE(allows_method(m, "PUT"));
  EXPECT_FALSE(allows_method(m, "GE"));
  EXPECT_FALSE(allows_method(m, ""));
  EXPECT_TRUE(allows_method(route("/v1/queues"), "GET"));
  EXPECT_FALSE(allows_method(route("/v1/queues"), "POST"));
}

}  // namespace
}  // namespace carewatch
