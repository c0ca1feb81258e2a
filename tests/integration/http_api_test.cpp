// The agent HTTP API over real HTTP, against a real redis-server started per test
// (tests/support/api_fixture.h).
#include "daemon/api/http_api.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/api/api_json.h"
#include "daemon/api/api_key.h"
#include "daemon/api/api_routes.h"
#include "daemon/api/auth_failures.h"
#include "mention/mention_json.h"
#include "tests/support/api_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using testing::bearer;
using Client = testing::HttpClient;
using Reply = testing::HttpReply;

constexpr const char* kAliceKey = "alice-secret-key";
constexpr const char* kBobKey = "bob-secret-key";

Reply call(int port, const std::string& method, const std::string& target, const std::string& key = "",
           const std::string& body = "") {
  return testing::http_send(port, method, target, bearer(key), body);
}


std::vector<std::string> strings_of(const rapidjson::Value& array, const char* field) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.push_back(v[field].GetString());
  return out;
}

const rapidjson::Value* find_by(const rapidjson::Value& array, const char* field, const std::string& value) {
  for (const auto& v : array.GetArray())
    if (v.HasMember(field) && v[field].IsString() && value == v[field].GetString()) return &v;
  return nullptr;
}

class HttpApiTest : public testing::ApiFixture {
 protected:
  HttpApiTest() : ApiFixture("api") {
    config.api_max_body = 1024;
    config.agents = {{"alice", sha256_hex(kAliceKey)}, {"bob", sha256_hex(kBobKey)}};
    config.sla_first_response = {{0, 15min}, {1, 1h}, {2, 4h}, {3, 24h}};
    config.sla = first_response_policies(config.sla_first_response, config.sla_warn_at);  // as parse_config does
  }

  Reply get(const std::string& target, const std::string& key = kAliceKey) {
    return call(port(), "GET", target, key);
  }
  Reply post(const std::string& target, const std::string& key = kAliceKey, const std::string& body = "") {
    return call(port(), "POST", target, key, body);
  }
};

TEST_F(HttpApiTest, V1RoutesNeedAValidBearerKey) {
  start();
  const Reply none = get("/v1/queues", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.header("www-authenticate").find("Bearer"), std::string::npos);
  EXPECT_NE(none.error().find("API key"), std::string::npos) << none.body;
  EXPECT_EQ(none.header("content-type"), "application/json");

  const Reply wrong = get("/v1/queues", "not-a-key");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.error(), "invalid API key");

  Client c(port());
  EXPECT_EQ(c.send("GET", "/v1/queues", {{"Authorization", std::string("Basic ") + kAliceKey}}).status, 401);
  // Unknown /v1 paths say nothing without a key.
  EXPECT_EQ(get("/v1/no-such-thing", "").status, 401);

  EXPECT_EQ(get("/v1/queues", kAliceKey).status, 200);
  EXPECT_EQ(get("/v1/queues", kBobKey).status, 200);
  EXPECT_EQ(get("/healthz", "").status, 200);
}

TEST_F(HttpApiTest, QueuesShowDepthPerQueueAndPriority) {
  store->enqueue({testing::routed_complaint("1", 1), testing::routed_complaint("2", 1), testing::routed_complaint("3", 0),
                  testing::routed_complaint("4", 2, "sales")});
  start();
  const Reply r = get("/v1/queues");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto d = r.json();
  const auto& queues = d["queues"];
  ASSERT_EQ(queues.Size(), 2u) << r.body;
  const auto* care = find_by(queues, "queue", "care");
  const auto* sales = find_by(queues, "queue", "sales");
  ASSERT_TRUE(care && sales) << r.body;
  EXPECT_EQ((*care)["waiting"].GetInt64(), 3);
  EXPECT_EQ((*care)["claimed"].GetInt64(), 0);
  EXPECT_GE((*care)["oldest_age_s"].GetDouble(), 0.0);
  // Every priority 0..3 is listed, in order, empty ones with zeros.
  const auto& prios = (*care)["priorities"];
  ASSERT_EQ(prios.Size(), 4u) << r.body;
  const std::int64_t expected_care[] = {1, 2, 0, 0};
  for (unsigned p = 0; p < 4; ++p) {
    EXPECT_EQ(prios[p]["priority"].GetInt(), static_cast<int>(p));
    EXPECT_EQ(prios[p]["waiting"].GetInt64(), expected_care[p]) << "p" << p;
    EXPECT_EQ(prios[p]["claimed"].GetInt64(), 0);
  }
  EXPECT_EQ(prios[2]["oldest_age_s"].GetDouble(), 0.0);
  EXPECT_EQ((*sales)["waiting"].GetInt64(), 1);
  EXPECT_EQ((*sales)["priorities"][2]["waiting"].GetInt64(), 1);
}

TEST_F(HttpApiTest, ClaimGivesTheMostUrgentFirstThen204) {
  store->enqueue({testing::routed_complaint("low", 1), testing::routed_complaint("urgent", 0)});
  start();
  const Reply first = post("/v1/queues/care/claim");
  ASSERT_EQ(first.status, 200) << first.body;
  const auto a = first.json();
  EXPECT_STREQ(a["uid"].GetString(), "mastodon:urgent");
  EXPECT_STREQ(a["queue"].GetString(), "care");
  EXPECT_EQ(a["priority"].GetInt(), 0);
  TimeMs lease = 0;
  ASSERT_TRUE(a["lease_until"].IsString());
  EXPECT_TRUE(parse_iso8601(a["lease_until"].GetString(), lease)) << a["lease_until"].GetString();
  EXPECT_GT(lease, now_ms());
  ASSERT_TRUE(a["mention"].IsObject()) << first.body;  // embedded, not a string
  EXPECT_STREQ(a["mention"]["text"].GetString(), "order urgent never arrived");
  EXPECT_STREQ(a["mention"]["decision"]["queue"].GetString(), "care");

  const Reply second = post("/v1/queues/care/claim", kBobKey);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_STREQ(second.json()["uid"].GetString(), "mastodon:low");
  EXPECT_EQ(second.json()["priority"].GetInt(), 1);

  const Reply empty = post("/v1/queues/care/claim");
  EXPECT_EQ(empty.status, 204);
  EXPECT_TRUE(empty.body.empty());

  const auto q = get("/v1/queues").json();
  const auto* care = find_by(q["queues"], "queue", "care");
  ASSERT_TRUE(care);
  EXPECT_EQ((*care)["waiting"].GetInt64(), 0);
  EXPECT_EQ((*care)["claimed"].GetInt64(), 2);
}

TEST_F(HttpApiTest, OnlyTheHolderActsOnAClaim) {
  store->enqueue({testing::routed_complaint("1", 1)});
  start();
  ASSERT_EQ(post("/v1/queues/care/claim", kAliceKey).status, 200);

  for (const char* op : {"renew", "release", "resolve"}) {
    const Reply r = post(std::string("/v1/mentions/mastodon:1/") + op, kBobKey);
    EXPECT_EQ(r.status, 409) << op << " " << r.body;
    EXPECT_NE(r.error().find("alice"), std::string::npos) << r.body;
    EXPECT_STREQ(r.json()["code"].GetString(), "conflict");
  }
  const Reply bob_reply = post("/v1/mentions/mastodon:1/reply", kBobKey, R"({"text": "hi"})");
  EXPECT_EQ(bob_reply.status, 409) << bob_reply.body;

  const Reply renew = post("/v1/mentions/mastodon:1/renew", kAliceKey);
  ASSERT_EQ(renew.status, 200) << renew.body;
  EXPECT_STREQ(renew.json()["status"].GetString(), "ok");
  TimeMs lease = 0;
  EXPECT_TRUE(parse_iso8601(renew.json()["lease_until"].GetString(), lease));
  EXPECT_GT(lease, now_ms());

  const Reply missing = post("/v1/mentions/mastodon:404/renew", kAliceKey);
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.error().find("mastodon:404"), std::string::npos) << missing.body;

  ASSERT_EQ(post("/v1/mentions/mastodon:1/release", kAliceKey).status, 200);
  const Reply released = post("/v1/mentions/mastodon:1/resolve", kAliceKey);
  EXPECT_EQ(released.status, 409) << released.body;
  EXPECT_STREQ(released.json()["code"].GetString(), "not_claimed");

  // Released: the next claim, by anyone, gets it again.
  const Reply again = post("/v1/queues/care/claim", kBobKey);
  ASSERT_EQ(again.status, 200);
  EXPECT_STREQ(again.json()["uid"].GetString(), "mastodon:1");
}

TEST_F(HttpApiTest, ReplyThenResolveAndTheMentionShowsItsHistory) {
  store->enqueue({testing::routed_complaint("7", 0)});
  start();
  ASSERT_EQ(post("/v1/queues/care/claim").status, 200);

  const Reply no_text = post("/v1/mentions/mastodon:7/reply", kAliceKey, R"({"message": "hi"})");
  EXPECT_EQ(no_text.status, 400);
  EXPECT_NE(no_text.error().find("text"), std::string::npos) << no_text.body;
  EXPECT_EQ(post("/v1/mentions/mastodon:7/reply", kAliceKey, R"({"text": ""})").status, 400);
  EXPECT_EQ(post("/v1/mentions/mastodon:7/reply", kAliceKey, R"({"text": 5})").status, 400);
  const Reply not_json = post("/v1/mentions/mastodon:7/reply", kAliceKey, "text=hi");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_NE(not_json.error().find("body"), std::string::npos) << not_json.body;

  const Reply reply = post("/v1/mentions/mastodon%3A7/reply", kAliceKey, R"({"text": "So sorry, DM us", "external": true})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const Reply resolve = post("/v1/mentions/mastodon:7/resolve", kAliceKey);
  ASSERT_EQ(resolve.status, 200) << resolve.body;
  EXPECT_STREQ(resolve.json()["uid"].GetString(), "mastodon:7");

  const Reply r = get("/v1/mentions/mastodon%3A7");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto d = r.json();
  EXPECT_STREQ(d["uid"].GetString(), "mastodon:7");
  ASSERT_TRUE(d["mention"].IsObject());
  EXPECT_STREQ(d["mention"]["text"].GetString(), "order 7 never arrived");
  const auto& state = d["state"];
  EXPECT_FALSE(state.HasMember("json"));
  EXPECT_STREQ(state["state"].GetString(), "resolved");
  EXPECT_STREQ(state["resolved_by"].GetString(), "alice");
  EXPECT_STREQ(state["last_reply"].GetString(), "So sorry, DM us");
  TimeMs replied_at = 0;
  ASSERT_TRUE(state["first_reply_at"].IsString());
  EXPECT_TRUE(parse_iso8601(state["first_reply_at"].GetString(), replied_at));

  const auto& events = d["events"];
  EXPECT_EQ(strings_of(events, "type"),
            (std::vector<std::string>{"ingested", "queued", "claimed", "replied", "resolved"}));
  for (size_t i = 2; i < events.Size(); ++i) EXPECT_STREQ(events[i]["actor"].GetString(), "alice");
  TimeMs at = 0;
  EXPECT_TRUE(parse_iso8601(events[3]["at"].GetString(), at));
  EXPECT_EQ(at, replied_at);
  EXPECT_STREQ(events[3]["queue"].GetString(), "care");
  ASSERT_TRUE(events[3]["frt_ms"].IsInt64()) << r.body;
  EXPECT_GE(events[3]["frt_ms"].GetInt64(), 60'000);

  // Posted a minute ago, answered now: within the 15 min p0 target.
  EXPECT_STREQ(d["sla"]["status"].GetString(), "met") << r.body;
  EXPECT_EQ(d["sla"]["target_s"].GetDouble(), 900.0);

  const Reply missing = get("/v1/mentions/mastodon:nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.error().find("mastodon:nope"), std::string::npos);
}

// The mention's state and events as GET /v1/mentions/{uid} shows them.
rapidjson::Document mention_doc(int port, const std::string& uid) {
  const Reply r = call(port, "GET", "/v1/mentions/" + uid, kAliceKey);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json();
}

TEST_F(HttpApiTest, ReplyWithInvalidUtf8Is400NamingTheOffsetAndStoresNothing) {
  store->enqueue({testing::routed_complaint("8", 0)});
  start();
  ASSERT_EQ(post("/v1/queues/care/claim").status, 200);
  const std::string body = "{\"text\": \"sorry \xff\xfe\"}";  // 0xff is byte 16 of the body
  const Reply bad = post("/v1/mentions/mastodon:8/reply", kAliceKey, body);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.error(), "body: invalid UTF-8 at byte offset 16");
  // An escape that spells a lone surrogate is as invalid as the bytes.
  const Reply escaped = post("/v1/mentions/mastodon:8/reply", kAliceKey, R"({"text": "ok \udc00"})");
  EXPECT_EQ(escaped.status, 400) << escaped.body;

  const auto d = mention_doc(port(), "mastodon:8");  // valid JSON, nothing of the reply in it
  EXPECT_FALSE(d["state"].HasMember("last_reply")) << "stored";
  EXPECT_FALSE(d["state"].HasMember("first_reply_at"));
  EXPECT_EQ(strings_of(d["events"], "type"), (std::vector<std::string>{"ingested", "queued", "claimed"}));
}

TEST_F(HttpApiTest, WhitespaceReplyIs400AndRecordsNoFirstResponse) {
  store->enqueue({testing::routed_complaint("9", 0)});
  start();
  ASSERT_EQ(post("/v1/queues/care/claim").status, 200);
  for (const std::string text : {"   ", "\\n\\t ", "\u00a0\u3000\u200b"}) {
    const Reply r = post("/v1/mentions/mastodon:9/reply", kAliceKey, R"({"text": ")" + text + R"("})");
    EXPECT_EQ(r.status, 400) << text << " " << r.body;
    EXPECT_EQ(r.error(), "text: expected something to say, got only white space");
  }
  const auto d = mention_doc(port(), "mastodon:9");
  EXPECT_FALSE(d["state"].HasMember("first_reply_at")) << "counted as the first response";
  EXPECT_STREQ(d["sla"]["status"].GetString(), "ok") << "not met";
  // Text around the spaces is a reply.
  EXPECT_EQ(post("/v1/mentions/mastodon:9/reply", kAliceKey, R"({"text": "  ok  ", "external": true})").status, 200);
}

TEST_F(HttpApiTest, ClaimOnAnUnknownQueueIs404NamingTheQueues) {
  store->enqueue({testing::routed_complaint("1", 1, "care"), testing::routed_complaint("2", 1, "sales")});
  start();
  const Reply r = post("/v1/queues/no-such-queue/claim");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.error(), "queue no-such-queue does not exist; queues: care, sales");
  // An existing queue that is empty is still 204.
  ASSERT_EQ(post("/v1/queues/sales/claim").status, 200);
  EXPECT_EQ(post("/v1/queues/sales/claim").status, 204);
}

TEST_F(HttpApiTest, PathAndQueryStringsAreCheckedOnce) {
  start();
  const Reply queue = post("/v1/queues/care%20team/claim");
  EXPECT_EQ(queue.status, 400) << queue.body;
  EXPECT_EQ(queue.error().rfind("queue: expected a queue name", 0), 0u) << queue.body;
  const Reply uid = get("/v1/mentions/mastodon:%C3%A9%FF");
  EXPECT_EQ(uid.status, 400) << uid.body;
  EXPECT_EQ(uid.error(), "path segment 3: invalid UTF-8 at byte offset 11");
  const Reply query = get("/v1/stats?window=%FE");
  EXPECT_EQ(query.status, 400) << query.body;
  EXPECT_EQ(query.error(), "window: invalid UTF-8 at byte offset 0");
}

TEST_F(HttpApiTest, RepeatedBadKeysFromOneAddressAre429WhileAGoodKeyWorks) {
  start();
  Client from(port(), "127.0.0.1");
  for (int i = 0; i < AuthFailures::kPerMinute; ++i) EXPECT_EQ(from.send("GET", "/v1/queues", bearer("guess")).status, 401) << i;
  const Reply limited = from.send("GET", "/v1/queues", bearer("guess"));
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_GE(std::stoi(limited.header("retry-after")), 1);
  EXPECT_EQ(limited.body.find("guess"), std::string::npos);
  EXPECT_EQ(from.send("GET", "/v1/queues", bearer("")).status, 429) << "a missing key is a failure too";
  // A valid key from the same address still works; another address has its own budget.
  EXPECT_EQ(from.send("GET", "/v1/queues", bearer(kAliceKey)).status, 200);
  Client other(port(), "127.0.0.2");
  EXPECT_EQ(other.send("GET", "/v1/queues", bearer("guess")).status, 401);
}

TEST_F(HttpApiTest, MetricsAccessPerSetting) {
  start();  // the default: "key"
  EXPECT_EQ(get("/metrics", "").status, 401);
  EXPECT_EQ(get("/metrics", "not-a-key").status, 401);
  const Reply keyed = get("/metrics", kBobKey);
  EXPECT_EQ(keyed.status, 200);
  EXPECT_NE(keyed.body.find("carewatch_http_requests_total"), std::string::npos);
  api.reset();

  config.api_metrics = MetricsAccess::open;
  start();
  EXPECT_EQ(get("/metrics", "").status, 200);
  api.reset();

  config.api_metrics = MetricsAccess::off;
  start();
  const Reply off = get("/metrics", kAliceKey);
  EXPECT_EQ(off.status, 404);
  EXPECT_EQ(off.error(), "/metrics is off (api.metrics is \"off\")");
  EXPECT_EQ(get("/healthz", "").status, 200);
}

TEST_F(HttpApiTest, StatsPerAgentOverAWindow) {
  store->enqueue({testing::routed_complaint("a", 1), testing::routed_complaint("b", 1)});
  config.agents[0].role = AgentRole::lead;  // a lead sees every agent's group; an agent their own
  start();
  const std::string a = post("/v1/queues/care/claim", kAliceKey).json()["uid"].GetString();
  const std::string b = post("/v1/queues/care/claim", kBobKey).json()["uid"].GetString();
  ASSERT_EQ(post("/v1/mentions/" + a + "/reply", kAliceKey, R"({"text": "on it", "external": true})").status, 200);
  ASSERT_EQ(post("/v1/mentions/" + a + "/resolve", kAliceKey).status, 200);
  ASSERT_EQ(post("/v1/mentions/" + b + "/reply", kBobKey, R"({"text": "looking", "external": true})").status, 200);

  const Reply r = get("/v1/stats?window=1h&by=agent");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto d = r.json();
  EXPECT_EQ(d["window_s"].GetDouble(), 3600.0);
  EXPECT_STREQ(d["by"].GetString(), "agent");
  const auto* alice = find_by(d["groups"], "group", "alice");
  const auto* bob = find_by(d["groups"], "group", "bob");
  ASSERT_TRUE(alice && bob) << r.body;
  EXPECT_EQ((*alice)["queue_wait"]["count"].GetInt(), 1);
  EXPECT_EQ((*alice)["first_response"]["count"].GetInt(), 1);
  EXPECT_EQ((*alice)["resolution"]["count"].GetInt(), 1);
  EXPECT_GE((*alice)["first_response"]["p50_s"].GetDouble(), 60.0);
  EXPECT_EQ((*bob)["first_response"]["count"].GetInt(), 1);
  EXPECT_EQ((*bob)["resolution"]["count"].GetInt(), 0);
  EXPECT_EQ((*alice)["counts"]["claims"].GetInt(), 1);
  EXPECT_EQ((*alice)["counts"]["resolutions"].GetInt(), 1);

  const Reply own = get("/v1/stats?window=1h&by=agent", kBobKey);
  const auto o = own.json();
  EXPECT_TRUE(find_by(o["groups"], "group", "bob")) << own.body;
  EXPECT_FALSE(find_by(o["groups"], "group", "alice")) << own.body;

  const Reply all = get("/v1/stats");
  ASSERT_EQ(all.status, 200) << all.body;
  const auto whole = all.json();
  ASSERT_EQ(whole["groups"].Size(), 1u) << all.body;
  EXPECT_EQ(whole["groups"][0]["first_response"]["count"].GetInt(), 2);
}

TEST_F(HttpApiTest, BadStatsParametersAre400NamingThem) {
  start();
  const Reply window = get("/v1/stats?window=fast&by=agent");
  EXPECT_EQ(window.status, 400);
  EXPECT_NE(window.error().find("window"), std::string::npos) << window.body;
  EXPECT_NE(window.error().find("fast"), std::string::npos) << window.body;
  EXPECT_EQ(get("/v1/stats?window=0s").status, 400);

  const Reply by = get("/v1/stats?window=1h&by=colour");
  EXPECT_EQ(by.status, 400);
  EXPECT_NE(by.error().find("by"), std::string::npos) << by.body;
  EXPECT_NE(by.error().find("colour"), std::string::npos) << by.body;
}

TEST_F(HttpApiTest, UnknownRoutesAre404AndWrongMethods405) {
  start();
  const Reply unknown = get("/v1/nothing-here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.error().find("/v1/nothing-here"), std::string::npos) << unknown.body;
  EXPECT_EQ(get("/nothing", "").status, 404);
  EXPECT_EQ(get("/v1/mentions/a/b/c").status, 404);

  const Reply wrong = get("/v1/queues/care/claim");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "POST");
  EXPECT_NE(wrong.error().find("GET"), std::string::npos) << wrong.body;
  EXPECT_EQ(post("/v1/queues").status, 405);
  EXPECT_EQ(call(port(), "DELETE", "/v1/mentions/mastodon:1", kAliceKey).status, 405);
  EXPECT_EQ(get("/v1/mentions/bad%zzuid").status, 400);
}

TEST_F(HttpApiTest, OversizedBodyIs413) {
  store->enqueue({testing::routed_complaint("1", 1)});
  start();
  ASSERT_EQ(post("/v1/queues/care/claim").status, 200);
  const std::string big = R"({"text": ")" + std::string(4096, 'x') + R"("})";
  const Reply r = post("/v1/mentions/mastodon:1/reply", kAliceKey, big);
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.error().find("1024"), std::string::npos) << r.body;
  // Nothing was recorded, and the server still answers.
  const Reply small = post("/v1/mentions/mastodon:1/reply", kAliceKey, R"({"text": "short", "external": true})");
  EXPECT_EQ(small.status, 200) << small.body;
  EXPECT_EQ(store->get("mastodon:1")->state.at("replies"), "1");
}

TEST_F(HttpApiTest, MalformedHttpIs400AndTheConnectionCloses) {
  start();
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port())));
  timeval tv{20, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  net::write(socket, net::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")));
  std::string received;
  beast::error_code ec;
  std::array<char, 4096> buf{};
  while (!ec) {
    const size_t n = socket.read_some(net::buffer(buf), ec);
    received.append(buf.data(), n);
  }
  EXPECT_EQ(ec, net::error::eof) << ec.message();  // the server closed it
  EXPECT_EQ(received.rfind("HTTP/1.1 400", 0), 0u) << received;
  EXPECT_NE(received.find(R"({"error":"malformed HTTP request)"), std::string::npos) << received;
  EXPECT_EQ(get("/healthz", "").status, 200);
}

TEST_F(HttpApiTest, RateLimitPerAgentIs429WithRetryAfter) {
  config.api_rate_limit_per_minute = 2;
  start();
  EXPECT_EQ(get("/v1/queues", kAliceKey).status, 200);
  EXPECT_EQ(get("/v1/queues", kAliceKey).status, 200);
  const Reply limited = get("/v1/queues", kAliceKey);
  EXPECT_EQ(limited.status, 429);
  ASSERT_FALSE(limited.header("retry-after").empty());
  EXPECT_GE(std::stoi(limited.header("retry-after")), 1);
  EXPECT_NE(limited.error().find("alice"), std::string::npos) << limited.body;
  // Another agent has its own budget; health checks have none.
  EXPECT_EQ(get("/v1/queues", kBobKey).status, 200);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get("/healthz", "").status, 200);
}

TEST_F(HttpApiTest, HealthReadinessAndMetrics) {
  store->enqueue({testing::routed_complaint("1", 1), testing::routed_complaint("2", 1)});
  ready = false;
  start();
  const Reply health = get("/healthz", "");
  EXPECT_EQ(health.status, 200);
  EXPECT_STREQ(health.json()["status"].GetString(), "ok");

  const Reply not_ready = get("/readyz", "");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_NE(not_ready.error().find("not ready"), std::string::npos) << not_ready.body;
  ready = true;
  EXPECT_EQ(get("/readyz", "").status, 200);

  EXPECT_EQ(get("/v1/queues").status, 200);
  const Reply m = get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u) << m.header("content-type");
  EXPECT_NE(m.body.find("# TYPE carewatch_http_requests_total counter"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find(R"(carewatch_http_requests_total{route="/v1/queues",status="200"} 1)"), std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find(R"(carewatch_http_requests_total{route="/readyz",status="503"} 1)"), std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find(R"(carewatch_queue_waiting{queue="care",priority="p1"} 2)"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find(R"(carewatch_queue_oldest_age_seconds{queue="care",priority="p1"})"), std::string::npos)
      << m.body;

  // Routes are counted by pattern, not by raw path.
  get("/v1/mentions/mastodon:1");
  get("/v1/mentions/mastodon:2");
  const std::string text = get("/metrics").body;
  EXPECT_NE(text.find(R"(carewatch_http_requests_total{route="/v1/mentions/{uid}",status="200"} 2)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("mastodon:1"), std::string::npos) << text;
}

TEST_F(HttpApiTest, RedisAwayIs503ThenServesAgain) {
  store->enqueue({testing::routed_complaint("1", 1)});
  start();
  ASSERT_EQ(get("/v1/queues").status, 200);

  redis.server().stop();
  const Reply down = get("/v1/queues");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.error(), "redis unavailable");
  EXPECT_EQ(post("/v1/queues/care/claim").status, 503);
  EXPECT_EQ(get("/readyz", "").status, 503);
  EXPECT_EQ(get("/healthz", "").status, 200);
  EXPECT_EQ(get("/metrics").status, 200);

  redis.server().start();
  const Reply up = get("/v1/queues");
  ASSERT_EQ(up.status, 200) << up.body;
  const auto doc = up.json();
  const auto* care = find_by(doc["queues"], "queue", "care");
  ASSERT_TRUE(care) << up.body;
  EXPECT_EQ((*care)["waiting"].GetInt64(), 1);  // AOF kept the queue
  EXPECT_EQ(get("/readyz", "").status, 200);
  EXPECT_EQ(post("/v1/queues/care/claim").status, 200);
}

TEST_F(HttpApiTest, KeepAliveServesManyRequestsOnOneConnection) {
  start();
  Client c(port());
  for (int i = 0; i < 5; ++i) {
    const Reply r = c.send("GET", i % 2 ? "/healthz" : "/v1/queues", bearer(kAliceKey));
    EXPECT_EQ(r.status, 200) << i;
    EXPECT_NE(r.header("connection"), "close");
  }
}

TEST_F(HttpApiTest, StopClosesOpenConnectionsAndReturns) {
  start();
  Client idle(port());
  ASSERT_EQ(idle.send("GET", "/healthz").status, 200);  // kept alive, now idle
  Client silent(port());                                 // connected, never sends
  api->stop();
  EXPECT_THROW(idle.send("GET", "/healthz"), boost::system::system_error);
  api->stop();  // idempotent
}

TEST_F(HttpApiTest, StartFailsClearlyWhenThePortIsTaken) {
  start();
  Config other = config;
  other.api_port = port();
  HttpApi second(other, *store, metrics, [] { return true; });
  try {
    second.start();
    FAIL() << "expected start() to throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(port())), std::string::npos) << e.what();
  }
}

TEST(JsonErrorTest, EscapesTheMessage) {
  EXPECT_EQ(json_error("say \"hi\""), R"({"error":"say \"hi\""})");
}

}  // namespace
}  // namespace carewatch
