// Console sessions over real HTTP (HttpApi) against a real redis-server: login and its cookie,
// the cookie as authentication, CSRF, viewers, logout, idle expiry, a lead's release, and the
// per-address limit of a public /metrics.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "daemon/api/api_key.h"
#include "daemon/api/api_routes.h"
#include "daemon/api/auth_failures.h"
#include "daemon/api/http_api.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using testing::TestRedis;

constexpr const char* kAnaKey = "ana-secret-key";
constexpr const char* kBenKey = "ben-secret-key";
constexpr const char* kLeeKey = "lee-secret-key";
constexpr const char* kMiaKey = "mia-secret-key";

struct Reply {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // lower-cased names
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  rapidjson::Document json() const {
    rapidjson::Document d;
    d.Parse(body.c_str());
    EXPECT_TRUE(!d.HasParseError() && d.IsObject()) << "not a JSON object: " << body;
    return d;
  }
  std::string str(const char* field) const {
    auto d = json();
    return d.IsObject() && d.HasMember(field) && d[field].IsString() ? d[field].GetString() : "<none>";
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One request on a new connection, from `from` (any address of 127.0.0.0/8).
Reply send(int port, const std::string& method, const std::string& target, const Headers& headers = {},
           const std::string& body = "", const std::string& from = "127.0.0.1") {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.open(tcp::v4());
  socket.bind(tcp::endpoint(net::ip::make_address(from), 0));
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  timeval tv{20, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.insert(name, value);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(socket, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  http::read(socket, buffer, parser);
  Reply out;
  out.status = static_cast<int>(parser.get().result_int());
  for (const auto& f : parser.get()) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace(name, std::string(f.value()));
  }
  out.body = parser.get().body();
  return out;
}

Mention make_mention(const std::string& id) {
  Mention m;
  m.platform = "mastodon";
  m.native_id = id;
  m.uid = make_uid(m.platform, id);
  m.source = "brand-tag";
  m.text = "order " + id + " never arrived";
  m.author.handle = "customer" + id;
  m.posted_at = now_ms() - 60'000;
  m.seen_at = m.posted_at + 2'000;
  m.decision.category = Category::complaint;
  m.decision.priority = 1;
  m.decision.queue = "care";
  return m;
}

// The token of a Set-Cookie "cw_session=<token>; ..." value.
std::string token_of(const std::string& set_cookie) {
  const size_t eq = set_cookie.find('='), semi = set_cookie.find(';');
  return set_cookie.substr(eq + 1, semi - eq - 1);
}

class SessionApiTest : public ::testing::Test {
 protected:
  SessionApiTest() {
    QueueStoreOptions o;
    o.prefix = "sess";
    o.lease = 60s;
    o.connect_timeout = 500ms;
    o.command_timeout = 5000ms;
    store = std::make_unique<QueueStore>(redis.endpoint(), o);
    config.api_host = "127.0.0.1";
    config.api_port = 0;
    config.api_rate_limit_per_minute = 10'000;
    config.agents = {{"ana", sha256_hex(kAnaKey)},
                     {"ben", sha256_hex(kBenKey)},
                     {"lee", sha256_hex(kLeeKey), AgentRole::lead},
                     {"mia", sha256_hex(kMiaKey), AgentRole::viewer}};
  }

  void start() {
    api = std::make_unique<HttpApi>(config, *store, metrics, [] { return true; });
    api->start();
    ASSERT_GT(api->port(), 0);
  }
  int port() const { return api->port(); }

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
    l.reply = send(port(), "POST", "/v1/session", {}, std::string(R"({"key": ")") + key + "\"}");
    EXPECT_EQ(l.reply.status, 201) << l.reply.body;
    l.token = token_of(l.reply.header("set-cookie"));
    l.csrf = l.reply.str("csrf");
    return l;
  }
  std::string session_key(const std::string& token) { return "{sess}:session:" + sha256_hex(token); }

  TestRedis redis;
  std::unique_ptr<QueueStore> store;
  Config config;
  Metrics metrics;
  std::unique_ptr<HttpApi> api;  // last: stopped before the store goes away
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

  const Reply who = send(port(), "GET", "/v1/session", l.cookie());
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(who.str("agent"), "ana");
  EXPECT_EQ(who.str("csrf"), l.csrf);
  EXPECT_EQ(send(port(), "GET", "/v1/queues", l.cookie()).status, 200);
  // Several Cookie headers: the session is found in any.
  EXPECT_EQ(send(port(), "GET", "/v1/queues", {{"Cookie", "theme=dark"}, {"Cookie", "cw_session=" + l.token}}).status,
            200);
  // The bearer key still works, and GET /v1/session answers it with no csrf token.
  const Reply bearer = send(port(), "GET", "/v1/session", {{"Authorization", std::string("Bearer ") + kAnaKey}});
  ASSERT_EQ(bearer.status, 200) << bearer.body;
  EXPECT_EQ(bearer.str("csrf"), "");
  // A made-up session is 401 with the code the console looks for.
  const Reply forged = send(port(), "GET", "/v1/queues", {{"Cookie", "cw_session=" + std::string(43, 'A')}});
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(forged.str("code"), "unauthenticated");
  // A bad body is 400 naming what was wrong.
  EXPECT_EQ(send(port(), "POST", "/v1/session", {}, R"({"token": "x"})").str("error"),
            "key: expected a string (the agent's API key)");
  EXPECT_EQ(send(port(), "PUT", "/v1/session", l.cookie_and_csrf()).status, 405);
}

TEST_F(SessionApiTest, SecureCookiesAddSecure) {
  config.api_secure_cookies = true;
  start();
  const Login l = login(kAnaKey);
  EXPECT_EQ(l.reply.header("set-cookie"), "cw_session=" + l.token + "; Path=/; HttpOnly; SameSite=Strict; Secure");
}

TEST_F(SessionApiTest, CookieWritesNeedTheCsrfHeader) {
  store->enqueue({make_mention("1")});
  start();
  const Login l = login(kAnaKey);
  const Reply without = send(port(), "POST", "/v1/queues/care/claim", l.cookie());
  EXPECT_EQ(without.status, 403) << without.body;
  EXPECT_EQ(without.str("code"), "csrf");
  auto wrong = l.cookie();
  wrong.emplace_back("X-CSRF-Token", l.token);  // the cookie's token is not the csrf token
  EXPECT_EQ(send(port(), "POST", "/v1/queues/care/claim", wrong).str("code"), "csrf");
  EXPECT_EQ(store->get("mastodon:1", false)->state.at("state"), "queued");  // nothing happened
  const Reply with = send(port(), "POST", "/v1/queues/care/claim", l.cookie_and_csrf());
  ASSERT_EQ(with.status, 200) << with.body;
  EXPECT_EQ(with.str("uid"), "mastodon:1");
  EXPECT_EQ(store->get("mastodon:1", false)->state.at("owner"), "ana");
}

TEST_F(SessionApiTest, ViewersReadButNeverWrite) {
  store->enqueue({make_mention("1")});
  start();
  const Login v = login(kMiaKey);
  EXPECT_EQ(v.reply.str("role"), "viewer");
  const Reply claim = send(port(), "POST", "/v1/queues/care/claim", v.cookie_and_csrf());
  EXPECT_EQ(claim.status, 403);
  EXPECT_EQ(claim.str("code"), "forbidden");
  EXPECT_EQ(claim.str("error"), "agent mia is a viewer: read-only");
  // By bearer key too.
  EXPECT_EQ(send(port(), "POST", "/v1/queues/care/claim", {{"Authorization", std::string("Bearer ") + kMiaKey}})
                .str("code"),
            "forbidden");
  EXPECT_EQ(store->get("mastodon:1", false)->state.at("state"), "queued");
  EXPECT_EQ(send(port(), "GET", "/v1/queues", v.cookie()).status, 200);
  EXPECT_EQ(send(port(), "GET", "/v1/mentions/mastodon:1", v.cookie()).status, 200);
  // A viewer may log out.
  EXPECT_EQ(send(port(), "DELETE", "/v1/session", v.cookie_and_csrf()).status, 204);
}

TEST_F(SessionApiTest, LogoutEndsTheSession) {
  start();
  const Login l = login(kAnaKey);
  // Logging out is a write: the CSRF header is needed (another site cannot log the agent out).
  EXPECT_EQ(send(port(), "DELETE", "/v1/session", l.cookie()).str("code"), "csrf");
  const Reply out = send(port(), "DELETE", "/v1/session", l.cookie_and_csrf());
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(out.header("set-cookie"), "cw_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_EQ(redis.command("EXISTS " + session_key(l.token)), "0");
  const Reply after = send(port(), "GET", "/v1/session", l.cookie());
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.str("code"), "unauthenticated");
  const Reply dead = send(port(), "GET", "/v1/queues", l.cookie());
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
    ASSERT_EQ(send(port(), "GET", "/v1/queues", l.cookie()).status, 200) << i;
    const long long ttl = std::stoll(redis.command("PTTL " + session_key(l.token)));
    EXPECT_GT(ttl, 1000) << "renewed on use";
  }
  std::this_thread::sleep_for(2000ms);
  EXPECT_EQ(redis.command("EXISTS " + session_key(l.token)), "0");
  EXPECT_EQ(send(port(), "GET", "/v1/queues", l.cookie()).status, 401);
}

TEST_F(SessionApiTest, ARemovedAgentsSessionIsRefused) {
  start();
  const Login l = login(kBenKey);
  ASSERT_EQ(send(port(), "GET", "/v1/queues", l.cookie()).status, 200);
  api->stop();
  config.agents.erase(config.agents.begin() + 1);  // ben leaves the configuration
  start();
  const Reply r = send(port(), "GET", "/v1/queues", l.cookie());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.str("code"), "unauthenticated");
  EXPECT_EQ(redis.command("EXISTS " + session_key(l.token)), "0");
}

TEST_F(SessionApiTest, ALeadReleasesAnotherAgentsClaimAnAgentCannot) {
  store->enqueue({make_mention("1")});
  start();
  ASSERT_TRUE(store->claim("care", "ana"));
  const Login ben = login(kBenKey);
  const Reply refused = send(port(), "POST", "/v1/mentions/mastodon:1/release", ben.cookie_and_csrf());
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.str("code"), "conflict");
  EXPECT_EQ(store->get("mastodon:1", false)->state.at("owner"), "ana");

  const Login lee = login(kLeeKey);
  const Reply released = send(port(), "POST", "/v1/mentions/mastodon:1/release", lee.cookie_and_csrf());
  ASSERT_EQ(released.status, 200) << released.body;
  const auto rec = store->get("mastodon:1", true);
  EXPECT_EQ(rec->state.at("state"), "queued");
  EXPECT_EQ(rec->state.count("owner"), 0u);
  const Event& last = rec->events.back();
  EXPECT_EQ(last.type, "released");
  EXPECT_EQ(last.actor, "lee");
  EXPECT_EQ(last.fields.at("owner"), "ana");
  // Nobody holds it now: a lead's release is 409 not_claimed like anyone's.
  EXPECT_EQ(send(port(), "POST", "/v1/mentions/mastodon:1/release", lee.cookie_and_csrf()).str("code"), "not_claimed");
  // And the next claim gets it first.
  EXPECT_EQ(store->claim("care", "ben")->uid, "mastodon:1");
}

TEST_F(SessionApiTest, WrongKeysAtLoginAreLimitedPerAddress) {
  start();
  for (int i = 0; i < AuthFailures::kPerMinute; ++i) {
    const Reply r = send(port(), "POST", "/v1/session", {}, R"({"key": "guess"})", "127.0.0.3");
    EXPECT_EQ(r.status, 401) << i;
    EXPECT_EQ(r.str("code"), "unauthenticated");
    EXPECT_TRUE(r.header("set-cookie").empty());
  }
  const Reply over = send(port(), "POST", "/v1/session", {}, R"({"key": "guess"})", "127.0.0.3");
  EXPECT_EQ(over.status, 429);
  EXPECT_FALSE(over.header("retry-after").empty());
  EXPECT_EQ(over.str("code"), "unauthenticated");
  // Another address is not limited; a valid key from the limited one still logs in.
  EXPECT_EQ(send(port(), "POST", "/v1/session", {}, R"({"key": "guess"})", "127.0.0.4").status, 401);
  EXPECT_EQ(send(port(), "POST", "/v1/session", {}, std::string(R"({"key": ")") + kAnaKey + "\"}", "127.0.0.3").status,
            201);
}

TEST_F(SessionApiTest, PublicMetricsAreLimitedPerAddress) {
  config.api_metrics = MetricsAccess::open;
  start();
  for (int i = 0; i < ApiRoutes::kPublicMetricsPerMinute; ++i)
    ASSERT_EQ(send(port(), "GET", "/metrics", {}, "", "127.0.0.5").status, 200) << i;
  const Reply over = send(port(), "GET", "/metrics", {}, "", "127.0.0.5");
  EXPECT_EQ(over.status, 429);
  EXPECT_FALSE(over.header("retry-after").empty());
  EXPECT_EQ(send(port(), "GET", "/metrics", {}, "", "127.0.0.6").status, 200);
}

}  // namespace
}  // namespace carewatch
