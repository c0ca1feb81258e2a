// The cpprest HttpClient against the loopback fake server, and the fake server itself.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "connectors/http/http_client.h"
#include "connectors/http/retry_policy.h"
#include "tests/support/fake_http_server.h"

namespace carewatch {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;

TEST(CpprestHttpClient, GetArrivesWithQueryAndHeadersAsSent) {
  FakeHttpServer server;
  server.on("GET", "/api/v1/timelines/tag/acme", [](const FakeRequest&) { return FakeResponse{200, {}, "[]"}; });
  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.url = server.base_url() +
            "/api/v1/timelines/tag/acme?limit=40&types[]=mention&types[]=status&q=caf%C3%A9+au+lait&since_id=109";
  req.headers = {{"Authorization", "Bearer t0ken"}, {"User-Agent", "carewatch-test"}, {"Accept", "application/json"}};
  const HttpResponse res = http->send(req);
  ASSERT_EQ(res.status, 200) << res.error;
  EXPECT_EQ(res.body, "[]");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const FakeRequest& r = requests[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/api/v1/timelines/tag/acme");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"limit", "40"}, {"types[]", "mention"}, {"types[]", "status"}, {"q", "caf\xC3\xA9 au lait"}, {"since_id", "109"}};
  EXPECT_EQ(r.query_list, expected);
  EXPECT_EQ(r.query.at("types[]"), "status");
  EXPECT_EQ(r.headers.at("authorization"), "Bearer t0ken");
  EXPECT_EQ(r.headers.at("user-agent"), "carewatch-test");
  EXPECT_EQ(r.headers.at("accept"), "application/json");
  EXPECT_EQ(r.body, "");
}

TEST(CpprestHttpClient, PostBodyAndContentTypeArriveAsGiven) {
  FakeHttpServer server;
  server.on("POST", "/api/v1/statuses", [](const FakeRequest& r) {
    return FakeResponse{200, {}, R"({"id":"1","echo_length":)" + std::to_string(r.body.size()) + "}"};
  });
  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.method = "POST";
  req.url = server.base_url() + "/api/v1/statuses";
  req.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"Idempotency-Key", "reply-42"}};
  req.body = R"({"status":"@cleo sorry to hear that \u2014 DM us","in_reply_to_id":"1092"})";
  const HttpResponse res = http->send(req);
  ASSERT_EQ(res.status, 200) << res.error;
  EXPECT_EQ(res.body, R"({"id":"1","echo_length":)" + std::to_string(req.body.size()) + "}");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].body, req.body);
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(requests[0].headers.at("idempotency-key"), "reply-42");
  EXPECT_EQ(requests[0].headers.at("content-length"), std::to_string(req.body.size()));
}

TEST(CpprestHttpClient, StatusHeadersAndBinaryBodyComeBack) {
  std::string binary;
  for (int i = 0; i < 3 * 256; ++i) binary += static_cast<char>(i % 256);  // NULs, high bytes, invalid UTF-8
  FakeHttpServer server;
  server.on("GET", "/blob", [&](const FakeRequest&) {
    return FakeResponse{201,
                        {{"Content-Type", "application/octet-stream"},
                         {"X-RateLimit-Remaining", "0"},
                         {"X-RateLimit-Reset", "2026-11-22T10:05:00.000Z"}},
                        binary};
  });
  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.url = server.base_url() + "/blob";
  const HttpResponse res = http->send(req);
  ASSERT_EQ(res.status, 201) << res.error;
  EXPECT_EQ(res.error, "");
  EXPECT_EQ(res.body, binary);
  EXPECT_EQ(res.header("content-type"), "application/octet-stream");
  EXPECT_EQ(res.header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(res.header("x-ratelimit-reset"), "2026-11-22T10:05:00.000Z");
  for (const auto& [name, value] : res.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(name, lower);
  }
}

TEST(CpprestHttpClient, ErrorStatusesAreResponsesNotTransportErrors) {
  FakeHttpServer server;
  server.on("GET", "/limited",
            [](const FakeRequest&) { return FakeResponse{429, {{"Retry-After", "7"}}, R"({"error":"Too many requests"})"}; });
  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.url = server.base_url() + "/limited";
  const HttpResponse limited = http->send(req);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.error, "");
  const Verdict v = classify_response(req, limited, 0);
  EXPECT_EQ(v.outcome, Outcome::retry);
  ASSERT_TRUE(v.retry_after);
  EXPECT_EQ(*v.retry_after, std::chrono::seconds(7));

  req.url = server.base_url() + "/nowhere";
  const HttpResponse missing = http->send(req);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"error":"no handler"})");
  EXPECT_EQ(classify_response(req, missing, 0).outcome, Outcome::fatal);
}

TEST(CpprestHttpClient, ConnectionRefusedIsStatusZeroWithError) {
  int port = 0;
  {
    FakeHttpServer closed;
    port = closed.port();
  }
  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/instance";
  const HttpResponse res = http->send(req);
  EXPECT_EQ(res.status, 0);
  EXPECT_FALSE(res.error.empty());
  EXPECT_EQ(classify_response(req, res, 0).outcome, Outcome::retry);
}

TEST(CpprestHttpClient, MalformedUrlIsStatusZeroWithError) {
  auto http = make_cpprest_http_client();
  for (const std::string url : {"", "not a url", "/relative/path", "http://"}) {
    HttpRequest req;
    req.url = url;
    const HttpResponse res = http->send(req);
    EXPECT_EQ(res.status, 0) << url;
    EXPECT_FALSE(res.error.empty()) << url;
  }
}

// A handler that holds its answer until the test lets it go (or a safety limit passes).
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, std::chrono::seconds(30), [this] { return open_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(CpprestHttpClient, SlowServerTimesOutAsStatusZeroAndTheClientStillWorks) {
  Gate gate;
  FakeHttpServer server;
  server.on("GET", "/slow", [&](const FakeRequest&) {
    gate.wait();
    return FakeResponse{200, {}, "{}"};
  });
  server.on("GET", "/fast", [](const FakeRequest&) { return FakeResponse{200, {}, R"({"ok":true})"}; });
  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.url = server.base_url() + "/slow";
  req.timeout = std::chrono::milliseconds(300);
  const HttpResponse res = http->send(req);
  gate.open();
  EXPECT_EQ(res.status, 0);
  EXPECT_NE(res.error.find("timed out"), std::string::npos) << res.error;
  EXPECT_EQ(classify_response(req, res, 0).outcome, Outcome::retry);

  req.url = server.base_url() + "/fast";
  const HttpResponse again = http->send(req);
  EXPECT_EQ(again.status, 200) << again.error;
  EXPECT_EQ(again.body, R"({"ok":true})");
}

TEST(CpprestHttpClient, OversizedBodyIsRefused) {
  const std::string big(16 * 1024 * 1024 + 1, 'x');
  FakeHttpServer server;
  server.on("GET", "/huge", [&](const FakeRequest&) { return FakeResponse{200, {{"Content-Type", "text/plain"}}, big}; });
  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.url = server.base_url() + "/huge";
  const HttpResponse res = http->send(req);
  EXPECT_EQ(res.status, 0);
  EXPECT_TRUE(res.body.empty());
  EXPECT_NE(res.error.find(std::to_string(big.size())), std::string::npos) << res.error;
  EXPECT_NE(res.error.find("16777216"), std::string::npos) << res.error;
}

TEST(CpprestHttpClient, ConcurrentRequestsFromSeveralThreads) {
  FakeHttpServer server;
  server.on("GET", "/echo", [](const FakeRequest& r) { return FakeResponse{200, {}, r.query.at("n")}; });
  auto http = make_cpprest_http_client();
  constexpr int kThreads = 4, kEach = 10;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        HttpRequest req;
        const std::string n = std::to_string(t * 100 + i);
        req.url = server.base_url() + "/echo?n=" + n;
        const HttpResponse res = http->send(req);
        if (res.status == 200 && res.body == n) ++good;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), kThreads * kEach);
  EXPECT_EQ(server.requests().size(), static_cast<size_t>(kThreads * kEach));
}

TEST(FakeHttpServer, RecordsRepeatedAndEncodedQueryKeys) {
  FakeHttpServer server;
  server.on("GET", "/api/v1/notifications", [](const FakeRequest&) { return FakeResponse{200, {}, "[]"}; });
  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.url = server.base_url() +
            "/api/v1/notifications?types%5B%5D=mention&types%5B%5D=status&max_id=&tag=a%2Bb&note=x+y%21&flag";
  ASSERT_EQ(http->send(req).status, 200);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const FakeRequest& r = requests[0];
  EXPECT_EQ(r.target, "/api/v1/notifications?types%5B%5D=mention&types%5B%5D=status&max_id=&tag=a%2Bb&note=x+y%21&flag");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"types[]", "mention"}, {"types[]", "status"}, {"max_id", ""}, {"tag", "a+b"}, {"note", "x y!"}, {"flag", ""}};
  EXPECT_EQ(r.query_list, expected);
  EXPECT_EQ(r.query.size(), 5u);
  EXPECT_EQ(r.query.at("types[]"), "status");

  server.clear_requests();
  EXPECT_TRUE(server.requests().empty());
}

TEST(FakeHttpServer, UnknownRouteIs404JsonAndContentTypeDefaultsToJson) {
  FakeHttpServer server;
  server.on("GET", "/plain", [](const FakeRequest&) { return FakeResponse{200, {{"Content-Type", "text/plain"}}, "hi"}; });
  server.on("GET", "/json", [](const FakeRequest&) { return FakeResponse{200, {}, "{}"}; });
  auto http = make_cpprest_http_client();
  HttpRequest req;
  req.url = server.base_url() + "/plain";
  EXPECT_EQ(http->send(req).header("content-type"), "text/plain");
  req.url = server.base_url() + "/json";
  EXPECT_EQ(http->send(req).header("content-type"), "application/json");
  req.method = "POST";  // the route is per method
  const HttpResponse missing = http->send(req);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("content-type"), "application/json");
  EXPECT_EQ(missing.body, R"({"error":"no handler"})");
  ASSERT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.requests()[2].method, "POST");
}

TEST(FakeHttpServer, ServesANewConnectionWhileAnotherIsIdle) {
  FakeHttpServer server;
  server.on("GET", "/ping", [](const FakeRequest&) { return FakeResponse{200, {}, "pong"}; });
  // Two clients keep two separate keep-alive connections; the first stays open and idle.
  auto first = make_cpprest_http_client();
  auto second = make_cpprest_http_client();
  HttpRequest req;
  req.url = server.base_url() + "/ping";
  EXPECT_EQ(first->send(req).body, "pong");
  EXPECT_EQ(second->send(req).body, "pong");
  EXPECT_EQ(first->send(req).body, "pong");
  EXPECT_EQ(server.requests().size(), 3u);
}

}  // namespace
}  // namespace carewatch
