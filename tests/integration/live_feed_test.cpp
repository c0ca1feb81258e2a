// GET /v1/live over real HTTP on a real Redis: the stream's head and first events, a mention
// event and fresh queue depths after each change, a burst that sends only the queues, the
// ping, authentication and roles, the per-agent limit (a closed tab frees its place), and a
// server that stops with streams open.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "daemon/api/api_json.h"
#include "daemon/api/api_key.h"
#include "daemon/api/http_api.h"
#include "daemon/api/live_feed.h"
#include "daemon/api/live_pump.h"
#include "daemon/store/stats_store.h"
#include "mention/common/time.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// One HTTP connection read as raw bytes: a live stream is never finished, so it is read until
// what the test waits for shows up (chunk sizes included; an SSE frame is never split across
// chunks, so a frame is found whole).
class RawClient {
 public:
  RawClient(int port, const std::string& request) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
    size_t sent = 0;
    while (sent < request.size()) {
      const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      sent += static_cast<size_t>(n);
    }
  }
  ~RawClient() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Reads until `needle` shows up at or after `from`; its position, or npos after `timeout`.
  size_t wait_for(const std::string& needle, std::chrono::milliseconds timeout, size_t from = 0) {
    const auto end = Clock::now() + timeout;
    while (true) {
      const size_t at = got_.find(needle, from);
      if (at != std::string::npos) return at;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
      if (left <= 0ms || !read_some(left)) return std::string::npos;
    }
  }
  // True when the server closes the connection within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    while (!eof_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
      if (left <= 0ms) return false;
      read_some(left);
    }
    return true;
  }
  const std::string& got() const { return got_; }
  int status() const { return got_.size() > 12 ? std::atoi(got_.substr(9, 3).c_str()) : 0; }

 private:
  bool read_some(std::chrono::milliseconds timeout) {
    if (eof_) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    got_.append(buf, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool eof_ = false;
  std::string got_;
};

std::string live_request(const std::string& key) {
  std::string r = "GET /v1/live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  if (!key.empty()) r += "Authorization: Bearer " + key + "\r\n";
  return r + "\r\n";
}


class LiveFeedTest : public ::testing::Test {
 protected:
  LiveFeedTest() {
    QueueStoreOptions o;
    o.prefix = "live";
    o.connect_timeout = 500ms;
    o.command_timeout = 2000ms;
    store = std::make_unique<QueueStore>(redis.endpoint(), o);
    config.api_host = "127.0.0.1";
    config.api_port = 0;
    config.agents = {{"ana", sha256_hex("ana-secret-key")}, {"ben", sha256_hex("ben-secret-key")},
                     {"vic", sha256_hex("vic-secret-key")}};
    config.agents[2].role = AgentRole::viewer;
    api = std::make_unique<HttpApi>(config, *store, metrics, [] { return true; });
    api->start();
  }
  std::unique_ptr<RawClient> open(const std::string& key = "ana-secret-key") {
    return std::make_unique<RawClient>(api->port(), live_request(key));
  }

  testing::TestRedis redis;
  std::unique_ptr<QueueStore> store;
  Config config;
  Metrics metrics;
  std::unique_ptr<HttpApi> api;
};

TEST_F(LiveFeedTest, StreamStartsWithItsHeadRetryAndTheQueues) {
  store->enqueue({testing::routed_complaint("1")});
  auto c = open();
  const size_t body = c->wait_for("\r\n\r\n", 5s);
  ASSERT_NE(body, std::string::npos) << c->got();
  EXPECT_EQ(c->status(), 200) << c->got();
  const std::string head = c->got().substr(0, body);
  EXPECT_NE(head.find("Content-Type: text/event-stream; charset=utf-8"), std::string::npos) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-store"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Security-Policy:"), std::string::npos) << head;
  ASSERT_NE(c->wait_for("retry: 2000\n\n", 5s, body), std::string::npos) << c->got();
  const size_t q = c->wait_for("event: queues\ndata: {\"queues\":[{\"queue\":\"care\"", 5s, body);
  ASSERT_NE(q, std::string::npos) << c->got();
  EXPECT_NE(c->got().find("\"waiting\":1", q), std::string::npos) << c->got();
}

TEST_F(LiveFeedTest, EachChangeSendsTheEventAndFreshQueuesWithinASecond) {
  auto c = open();
  ASSERT_NE(c->wait_for("event: queues\ndata: {\"queues\":[]}\n\n", 5s), std::string::npos) << c->got();
  const size_t mark = c->got().size();
  const auto t0 = Clock::now();
  store->enqueue({testing::routed_complaint("7")});
  const size_t m = c->wait_for("event: mention\ndata: {\"uid\":\"mastodon:7\",\"type\":\"queued\"", 10s, mark);
  ASSERT_NE(m, std::string::npos) << c->got();
  const size_t q = c->wait_for("event: queues\ndata: {\"queues\":[{\"queue\":\"care\"", 10s, mark);
  ASSERT_NE(q, std::string::npos) << c->got();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  std::printf("[ figures  ] queues event %lld ms after the enqueue\n", static_cast<long long>(took.count()));
  EXPECT_NE(c->got().find("\"waiting\":1", q), std::string::npos) << c->got();
  EXPECT_NE(c->got().find(R"("actor":"brand-tag")", m), std::string::npos) << c->got();

  // A claim through the API: its event, and the queue now shows it claimed.
  const size_t mark2 = c->got().size();
  const auto claimed = store->claim("care", "ben");
  ASSERT_TRUE(claimed);
  ASSERT_NE(c->wait_for("\"type\":\"claimed\",\"actor\":\"ben\"", 10s, mark2), std::string::npos) << c->got();
  const size_t q2 = c->wait_for("event: queues\ndata: ", 10s, mark2);
  ASSERT_NE(q2, std::string::npos);
  ASSERT_NE(c->wait_for("\"claimed\":1", 10s, q2), std::string::npos) << c->got();
}

TEST_F(LiveFeedTest, ABurstSendsOnlyTheQueues) {
  auto c = open();
  ASSERT_NE(c->wait_for("event: queues\ndata: {\"queues\":[]}\n\n", 5s), std::string::npos) << c->got();
  // Give the feed's reader time to be waiting on the stream (it starts with the first subscriber).
  std::this_thread::sleep_for(300ms);
  const size_t mark = c->got().size();
  // More than kMentionBurst events appended in one script call: one read gets them all.
  std::vector<std::vector<std::string>> events;
  const TimeMs at = now_ms();
  for (size_t i = 0; i < LivePump::kMentionBurst + 10; ++i)
    events.push_back({"type", "replied", "uid", "mastodon:burst" + std::to_string(i), "actor", "ana", "at",
                      std::to_string(at), "queue", "care"});
  StatsStore(store->pool(), "live").record(events, events.size());
  ASSERT_NE(c->wait_for("event: queues\n", 10s, mark), std::string::npos) << c->got();
  // One more event afterwards comes as a mention again: what came before it was read.
  store->enqueue({testing::routed_complaint("after")});
  ASSERT_NE(c->wait_for("\"uid\":\"mastodon:after\"", 10s, mark), std::string::npos) << c->got();
  EXPECT_EQ(c->got().find("burst", mark), std::string::npos) << "the burst's events were sent one by one";
}

TEST_F(LiveFeedTest, PingsKeepAnIdleStreamOpen) {
  // The pump's timing is its own; the server's is 15 s. A pump on a feed of its own, fast.
  LiveFeed feed;
  LivePump pump(feed, *store, &now_ms, LiveTiming{std::chrono::milliseconds(50), std::chrono::milliseconds(200)});
  pump.start();
  auto client = feed.join("ana").client;
  std::string got;
  const auto end = Clock::now() + 10s;
  while (Clock::now() < end && got.find(": ping\n\n: ping\n\n") == std::string::npos) {
    got += client->take();
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(got.find("event: queues\n"), std::string::npos) << got;  // sent when the first subscriber came
  EXPECT_NE(got.find(": ping\n\n: ping\n\n"), std::string::npos) << got;
  pump.stop();
}

TEST_F(LiveFeedTest, NeedsAKeyAndViewersMayListen) {
  auto none = open("");
  ASSERT_NE(none->wait_for("\r\n\r\n", 5s), std::string::npos);
  EXPECT_EQ(none->status(), 401) << none->got();
  auto wrong = open("not-a-key");
  ASSERT_NE(wrong->wait_for("\r\n\r\n", 5s), std::string::npos);
  EXPECT_EQ(wrong->status(), 401) << wrong->got();
  auto viewer = open("vic-secret-key");
  ASSERT_NE(viewer->wait_for("event: queues\n", 5s), std::string::npos) << viewer->got();
  EXPECT_EQ(viewer->status(), 200);
}

TEST_F(LiveFeedTest, PerAgentLimitAndAClosedTabFreesItsPlace) {
  std::vector<std::unique_ptr<RawClient>> tabs;
  for (size_t i = 0; i < LiveFeed::kPerAgent; ++i) {
    tabs.push_back(open());
    ASSERT_NE(tabs.back()->wait_for("event: queues\n", 5s), std::string::npos) << i << tabs.back()->got();
  }
  auto over = open();
  ASSERT_NE(over->wait_for("\r\n\r\n", 5s), std::string::npos);
  EXPECT_EQ(over->status(), 429) << over->got();
  EXPECT_NE(over->got().find("Retry-After: "), std::string::npos) << over->got();
  EXPECT_NE(over->got().find("already has 8 live connections"), std::string::npos) << over->got();
  auto other = open("ben-secret-key");  // another agent still gets in
  ASSERT_NE(other->wait_for("event: queues\n", 5s), std::string::npos) << other->got();

  // One tab closes: the server notices at once (it watches the connection) and frees the place.
  tabs.front()->close();
  bool in = false;
  for (int i = 0; i < 50 && !in; ++i) {
    auto again = open();
    if (again->wait_for("\r\n\r\n", 5s) == std::string::npos) break;
    in = again->status() == 200;
    if (!in) std::this_thread::sleep_for(100ms);
    else tabs.front() = std::move(again);
  }
  EXPECT_TRUE(in) << "a closed live connection kept its place";
}

TEST_F(LiveFeedTest, StopClosesOpenStreams) {
  auto a = open();
  auto b = open("ben-secret-key");
  ASSERT_NE(a->wait_for("event: queues\n", 5s), std::string::npos);
  ASSERT_NE(b->wait_for("event: queues\n", 5s), std::string::npos);
  api->stop();
  EXPECT_TRUE(a->closed_within(5s));
  EXPECT_TRUE(b->closed_within(5s));
}

TEST_F(LiveFeedTest, HealthzIsAnsweredWhileStreamsAreOpen) {
  std::vector<std::unique_ptr<RawClient>> streams;
  for (const char* key : {"ana-secret-key", "ben-secret-key", "vic-secret-key"}) {
    streams.push_back(open(key));
    ASSERT_NE(streams.back()->wait_for("event: queues\n", 5s), std::string::npos);
  }
  RawClient h(api->port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  ASSERT_NE(h.wait_for("{\"status\":\"ok\"}", 5s), std::string::npos) << h.got();
  RawClient q(api->port(), "GET /v1/queues HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ana-secret-key\r\n"
                           "Connection: close\r\n\r\n");
  ASSERT_NE(q.wait_for("{\"queues\":", 5s), std::string::npos) << q.got();  // route workers are free too
}

}  // namespace
}  // namespace carewatch
