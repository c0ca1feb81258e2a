// Console sessions over real HTTP (HttpApi) against a real redis-server: login and its cookie,
// the cookie as authentication, CSRF, viewers, logout, idle expiry, a lead's release, and the
// per-address limit of a public /metrics.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <thread>

#include "daemon/api/api_key.h"
#include "daemon/api/api_routes.h"
#include "daemon/api/auth_failures.h"
#include "daemon/api/http_api.h"
#include "tests/support/api_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAnaKey = "ana-secret-key";
constexpr const char* kBenKey = "ben-secret-key";
constexpr const char* kLeeKey = "lee-secret-key";
constexpr const char* kMiaKey = "mia-secret-key";

using Reply = testing::HttpReply;
using Headers = testing::HttpHeaders;
using testing::http_send;


// The token of a Set-Cookie "cw_session=<token>; ..." value.
std::string token_of(const std::string& set_cookie) {
  const size_t eq = set_cookie.find('='), semi = set_cookie.find(';');
  return set_cookie.substr(eq + 1, semi - eq - 1);
}

class SessionApiTest : public testing::ApiFixture {
 protected:
  SessionApiTest() : ApiFixture("sess") {
    config.agents = {{"ana", sha256_hex(kAnaKey)},
                     {"ben", sha256_hex(kBenKey)},
                     {"lee", sha256_hex(kLeeKey), AgentRole::lead},
                     {"mia", sha256_hex(kMiaKey), AgentRole::viewer}};
  }

  struct Login {
    Reply reply;
    std::string token, csrf;
    Headers cookie() const { return {{"Cookie", "theme=dark; cw_session=" + token + "; lang=en"}}; }
    Headers cookie_and_csrf() const {
      auto h = cookie();
      h.emplace_back("X-CSRF-Token", csrf);
      return h;
    }
  };
  Login login(const std::string& key) {
    Login l;
    l.reply = http_send(port(), "POST", "/v1/session", {}, std::string(R"({"key": ")") + key + "\"}");
    EXPECT_EQ(l.reply.status, 201) << l.reply.body;
    l.token = token_of(l.reply.header("set-cookie"));
    l.csrf = l.reply.str("csrf");
    return l;
  }
  std::string session_key(const std::string& token) { return "{sess}:session:" + sha256_hex(token); }
};

TEST_F(SessionApiTest, LoginSetsTheCookieAndTheCookieAuthenticates) {
  start();
  const Login l = login(kAnaKey);
  EXPECT_EQ(l.reply.header("set-cookie"), "cw_session=" + l.token + "; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(l.token.size(), 43u);
  EXPECT_EQ(l.reply.header("cache-control"), "no-store");
  const auto d = l.reply.json();
  EXPECT_STREQ(d["agent"].GetString(), "ana");
  EXPECT_STREQ(d["role"].GetString(), "agent");
  EXPECT_EQ(l.csrf.size(), 43u);
  EXPECT_NE(l.csrf, l.token);
  EXPECT_EQ(d["idle_timeout_s"].GetInt64(), 8 * 3600);

  // Redis holds the token's hash, not the token, with the idle expiry.
  const std::string key = session_key(l.token);
  const long long ttl = std::stoll(redis.command("PTTL " + key));
  EXPECT_GT(ttl, 8 * 3600'000LL - 60'000);
  EXPECT_LE(ttl, 8 * 3600'000LL);
  EXPECT_EQ(redis.command("HGET " + key + " agent"), "ana");
  EXPECT_EQ(redis.command("HGET " + key + " csrf"), l.csrf);
  EXPECT_EQ(redis.command("KEYS *" + l.token + "*"), "");  // no key holds the token
  EXPECT_NE(redis.command("KEYS {sess}:session:*"), "");

  const Reply who = http_send(port(), "GET", "/v1/session", l.cookie());
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(who.str("agent"), "ana");
  EXPECT_EQ(who.str("csrf"), l.csrf);
  EXPECT_EQ(http_send(port(), "GET", "/v1/queues", l.cookie()).status, 200);
  // Several Cookie headers: the session is found in any.
  EXPECT_EQ(http_send(port(), "GET", "/v1/queues", {{"Cookie", "theme=dark"}, {"Cookie", "cw_session=" + l.token}}).status,
            200);
  // The bearer key still works, and GET /v1/session answers it with no csrf token.
  const Reply bearer = http_send(port(), "GET", "/v1/session", {{"Authorization", std::string("Bearer ") + kAnaKey}});
  ASSERT_EQ(bearer.status, 200) << bearer.body;
  EXPECT_EQ(bearer.str("csrf"), "");
  // A made-up session is 401 with the code the console looks for.
  const Reply forged = http_send(port(), "GET", "/v1/queues", {{"Cookie", "cw_session=" + std::string(43, 'A')}});
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(forged.str("code"), "unauthenticated");
  // A bad body is 400 naming what was wrong.
  EXPECT_EQ(http_send(port(), "POST", "/v1/session", {}, R"({"token": "x"})").str("error"),
            "key: expected a string (the agent's API key)");
  EXPECT_EQ(http_send(port(), "PUT", "/v1/session", l.cookie_and_csrf()).status, 405);
}

TEST_F(SessionApiTest, SecureCookiesAddSecure) {
  config.api_secure_cookies = true;
  start();
  const Login l = login(kAnaKey);
  EXPECT_EQ(l.reply.header("set-cookie"), "cw_session=" + l.token + "; Path=/; HttpOnly; SameSite=Strict; Secure");
}

TEST_F(SessionApiTest, CookieWritesNeedTheCsrfHeader) {
  store->enqueue({testing::routed_complaint("1")});
  start();
  const Login l = login(kAnaKey);
  const Reply without = http_send(port(), "POST", "/v1/queues/care/claim", l.cookie());
  EXPECT_EQ(without.status, 403) << without.body;
  EXPECT_EQ(without.str("code"), "csrf");
  auto wrong = l.cookie();
  wrong.emplace_back("X-CSRF-Token", l.token);  // the cookie's token is not the csrf token
  EXPECT_EQ(http_send(port(), "POST", "/v1/queues/care/claim", wrong).str("code"), "csrf");
  EXPECT_EQ(store->get("mastodon:1", false)->state.at("state"), "queued");  // nothing happened
  const Reply with = http_send(port(), "POST", "/v1/queues/care/claim", l.cookie_and_csrf());
  ASSERT_EQ(with.status, 200) << with.body;
  EXPECT_EQ(with.str("uid"), "mastodon:1");
  EXPECT_EQ(store->get("mastodon:1", false)->state.at("owner"), "ana");
}

TEST_F(SessionApiTest, ViewersReadButNeverWrite) {
  store->enqueue({testing::routed_complaint("1")});
  start();
  const Login v = login(kMiaKey);
  EXPECT_EQ(v.reply.str("role"), "viewer");
  const Reply claim = http_send(port(), "POST", "/v1/queues/care/claim", v.cookie_and_csrf());
  EXPECT_EQ(claim.status, 403);
  EXPECT_EQ(claim.str("code"), "forbidden");
  EXPECT_EQ(claim.str("error"), "agent mia is a viewer: read-only");
  // By bearer key too.
  EXPECT_EQ(http_send(port(), "POST", "/v1/queues/care/claim", {{"Authorization", std::string("Bearer ") + kMiaKey}})
                .str("code"),
            "forbidden");
  EXPECT_EQ(store->get("mastodon:1", false)->state.at("state"), "queued");
  EXPECT_EQ(http_send(port(), "GET", "/v1/queues", v.cookie()).status, 200);
  EXPECT_EQ(http_send(port(), "GET", "/v1/mentions/mastodon:1", v.cookie()).status, 200);
  // A viewer may log out.
  EXPECT_EQ(http_send(port(), "DELETE", "/v1/session", v.cookie_and_csrf()).status, 204);
}

TEST_F(SessionApiTest, LogoutEndsTheSession) {
  start();
  const Login l = login(kAnaKey);
  // Logging out is a write: the CSRF header is needed (another site cannot log the agent out).
  EXPECT_EQ(http_send(port(), "DELETE", "/v1/session", l.cookie()).str("code"), "csrf");
  const Reply out = http_send(port(), "DELETE", "/v1/session", l.cookie_and_csrf());
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(out.header("set-cookie"), "cw_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_EQ(redis.command("EXISTS " + session_key(l.token)), "0");
  const Reply after = http_send(port(), "GET", "/v1/session", l.cookie());
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.str("code"), "unauthenticated");
  const Reply dead = http_send(port(), "GET", "/v1/queues", l.cookie());
  EXPECT_EQ(dead.status, 401);
  // The browser is told to forget the dead cookie.
  EXPECT_EQ(dead.header("set-cookie"), "cw_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

TEST_F(SessionApiTest, AnIdleSessionExpiresAndUseRenewsIt) {
  config.api_session_idle = 1500ms;  // below the configuration's minimum of 1m, for the test
  start();
  const Login l = login(kAnaKey);
  // Used every 500 ms for 2.5 s (longer than the idle time): it stays.
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(500ms);
    ASSERT_EQ(http_send(port(), "GET", "/v1/queues", l.cookie()).status, 200) << i;
    const long long ttl = std::stoll(redis.command("PTTL " + session_key(l.token)));
    EXPECT_GT(ttl, 1000) << "renewed on use";
  }
  std::this_thread::sleep_for(2000ms);
  EXPECT_EQ(redis.command("EXISTS " + session_key(l.token)), "0");
  EXPECT_EQ(http_send(port(), "GET", "/v1/queues", l.cookie()).status, 401);
}

TEST_F(SessionApiTest, ARemovedAgentsSessionIsRefused) {
  start();
  const Login l = login(kBenKey);
  ASSERT_EQ(http_send(port(), "GET", "/v1/queues", l.cookie()).status, 200);
  api->stop();
  config.agents.erase(config.agents.begin() + 1);  // ben leaves the configuration
  start();
  const Reply r = http_send(port(), "GET", "/v1/queues", l.cookie());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.str("code"), "unauthenticated");
  EXPECT_EQ(redis.command("EXISTS " + session_key(l.token)), "0");
}

TEST_F(SessionApiTest, ALeadReleasesAnotherAgentsClaimAnAgentCannot) {
  store->enqueue({testing::routed_complaint("1")});
  start();
  ASSERT_TRUE(store->claim("care", "ana"));
  const Login ben = login(kBenKey);
  const Reply refused = http_send(port(), "POST", "/v1/mentions/mastodon:1/release", ben.cookie_and_csrf());
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.str("code"), "conflict");
  EXPECT_EQ(store->get("mastodon:1", false)->state.at("owner"), "ana");

  const Login lee = login(kLeeKey);
  const Reply released = http_send(port(), "POST", "/v1/mentions/mastodon:1/release", lee.cookie_and_csrf());
  ASSERT_EQ(released.status, 200) << released.body;
  const auto rec = store->get("mastodon:1", true);
  EXPECT_EQ(rec->state.at("state"), "queued");
  EXPECT_EQ(rec->state.count("owner"), 0u);
  const Event& last = rec->events.back();
  EXPECT_EQ(last.type, "released");
  EXPECT_EQ(last.actor, "lee");
  EXPECT_EQ(last.fields.at("owner"), "ana");
  // Nobody holds it now: a lead's release is 409 not_claimed like anyone's.
  EXPECT_EQ(http_send(port(), "POST", "/v1/mentions/mastodon:1/release", lee.cookie_and_csrf()).str("code"), "not_claimed");
  // And the next claim gets it first.
  EXPECT_EQ(store->claim("care", "ben")->uid, "mastodon:1");
}

TEST_F(SessionApiTest, WrongKeysAtLoginAreLimitedPerAddress) {
  start();
  for (int i = 0; i < AuthFailures::kPerMinute; ++i) {
    const Reply r = http_send(port(), "POST", "/v1/session", {}, R"({"key": "guess"})", "127.0.0.3");
    EXPECT_EQ(r.status, 401) << i;
    EXPECT_EQ(r.str("code"), "unauthenticated");
    EXPECT_TRUE(r.header("set-cookie").empty());
  }
  const Reply over = http_send(port(), "POST", "/v1/session", {}, R"({"key": "guess"})", "127.0.0.3");
  EXPECT_EQ(over.status, 429);
  EXPECT_FALSE(over.header("retry-after").empty());
  EXPECT_EQ(over.str("code"), "unauthenticated");
  // Another address is not limited; a valid key from the limited one still logs in.
  EXPECT_EQ(http_send(port(), "POST", "/v1/session", {}, R"({"key": "guess"})", "127.0.0.4").status, 401);
  EXPECT_EQ(http_send(port(), "POST", "/v1/session", {}, std::string(R"({"key": ")") + kAnaKey + "\"}", "127.0.0.3").status,
            201);
}

TEST_F(SessionApiTest, PublicMetricsAreLimitedPerAddress) {
  config.api_metrics = MetricsAccess::open;
  start();
  for (int i = 0; i < ApiRoutes::kPublicMetricsPerMinute; ++i)
    ASSERT_EQ(http_send(port(), "GET", "/metrics", {}, "", "127.0.0.5").status, 200) << i;
  const Reply over = http_send(port(), "GET", "/metrics", {}, "", "127.0.0.5");
  EXPECT_EQ(over.status, 429);
  EXPECT_FALSE(over.header("retry-after").empty());
  EXPECT_EQ(http_send(port(), "GET", "/metrics", {}, "", "127.0.0.6").status, 200);
}

}  // namespace
}  // namespace carewatch
