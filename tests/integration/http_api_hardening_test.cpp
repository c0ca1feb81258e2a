// The HTTP API under a hung Redis and under connection exhaustion, over real HTTP on loopback
// against a real redis-server (TestRedis). A hung Redis is a SIGSTOPped one. The time bounds
// below are correctness bounds (an answer comes, and comes without waiting out a stall), far
// above what the work takes: not performance figures.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "daemon/api/api_key.h"
#include "daemon/api/http_api.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::TestRedis;

constexpr const char* kKey = "hardening-key";
constexpr auto kCommandTimeout = 1000ms;
constexpr auto kHeaderDeadline = 5s;  // the server's, see daemon/api/http_api.cpp

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A raw TCP connection to the API from a chosen loopback address (all of 127/8 is local), so
// a test can be one client or many.
class RawConnection {
 public:
  RawConnection(const std::string& from, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, from.c_str(), &local.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      throw std::runtime_error("bind " + from + ": " + strerror(errno));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
      throw std::runtime_error("connect from " + from + ": " + strerror(errno));
    // A server that never answers fails the test instead of hanging it.
    timeval tv{20, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(const std::string& data) {
    if (::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(data.size()))
      throw std::runtime_error(std::string("send: ") + strerror(errno));
  }

  struct Outcome {
    std::string data;       // everything read
    bool closed = false;    // EOF or reset
    bool reset = false;     // ECONNRESET
    bool timed_out = false; // nothing more within the receive timeout, still open
    int status() const {
      if (data.rfind("HTTP/1.1 ", 0) != 0 || data.size() < 12) return 0;
      return std::stoi(data.substr(9, 3));
    }
    bool has_header(const std::string& name) const { return data.find("\r\n" + name + ": ") != std::string::npos; }
  };

  // Reads until the server closes the connection (or the receive timeout passes).
  Outcome read_to_end() {
    Outcome out;
    char buf[4096];
    while (true) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        out.data.append(buf, static_cast<size_t>(n));
      } else if (n == 0) {
        out.closed = true;
        return out;
      } else if (errno == EINTR) {
        continue;
      } else {
        if (errno == EAGAIN || errno == EWOULDBLOCK) out.timed_out = true;
        else out.closed = true, out.reset = errno == ECONNRESET;
        return out;
      }
    }
  }

 private:
  int fd_ = -1;
};

// One whole request with "Connection: close"; the answer read to the end.
RawConnection::Outcome request(int port, const std::string& method, const std::string& target,
                               const std::string& from = "127.0.0.1") {
  RawConnection c(from, port);
  c.send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kKey +
         "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  return c.read_to_end();
}

// A request whose headers never end: what a slow or hostile client leaves open.
constexpr const char* kHalfSent = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Never-Ends: ";

class HttpApiHardeningTest : public ::testing::Test {
 protected:
  HttpApiHardeningTest() {
    QueueStoreOptions o;
    o.prefix = "hard";
    o.lease = 60s;
    o.connect_timeout = 500ms;
    o.command_timeout = kCommandTimeout;
    o.connections = 4;
    store = std::make_unique<QueueStore>(redis.endpoint(), o);
    config.api_host = "127.0.0.1";
    config.api_port = 0;
    config.api_max_body = 1024;
    config.api_rate_limit_per_minute = 100'000;
    config.agents = {{"agent", sha256_hex(kKey)}};
    api = std::make_unique<HttpApi>(config, *store, metrics, [] { return true; });
    api->start();
  }
  ~HttpApiHardeningTest() override { resume_redis(); }

  void stop_redis() {
    ASSERT_EQ(::kill(redis.server().pid(), SIGSTOP), 0);
    redis_stopped = true;
  }
  void resume_redis() {
    if (redis_stopped) ::kill(redis.server().pid(), SIGCONT);
    redis_stopped = false;
  }
  int port() const { return api->port(); }

  TestRedis redis;
  bool redis_stopped = false;
  std::unique_ptr<QueueStore> store;
  Config config;
  Metrics metrics;
  std::unique_ptr<HttpApi> api;  // last: stopped before the store goes away
};

TEST_F(HttpApiHardeningTest, AHungRedisGivesPrompt503sNeverStallsHealthzAndTheApiRecovers) {
  Mention m = testing::test_mention("hung-1", "my bag is lost", now_ms() - 60'000, now_ms() - 58'000);
  m.decision.category = Category::complaint;
  m.decision.queue = "care";
  m.decision.priority = 1;
  ASSERT_EQ(store->enqueue({m}).at(0), EnqueueOutcome::queued);
  ASSERT_EQ(request(port(), "GET", "/v1/queues").status(), 200);

  stop_redis();
  // More API calls than the server has threads, each waiting on the stopped Redis.
  constexpr int kCalls = 16;
  struct Result {
    int status = 0;
    bool retry_after = false;
    double seconds = 0;
  };
  std::vector<Result> results(kCalls);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i)
    callers.emplace_back([&, i] {
      const auto t = Clock::now();
      const auto out = request(port(), "GET", "/v1/queues");
      results[i] = {out.status(), out.has_header("Retry-After"), seconds_since(t)};
    });
  std::this_thread::sleep_for(200ms);  // the calls are in flight

  auto t = Clock::now();
  const auto health = request(port(), "GET", "/healthz");
  const double health_s = seconds_since(t);
  EXPECT_EQ(health.status(), 200) << health.data;
  EXPECT_LT(health_s, 2.0) << "/healthz waited on the hung Redis";

  t = Clock::now();
  const auto ready = request(port(), "GET", "/readyz");
  EXPECT_EQ(ready.status(), 503) << ready.data;
  // "redis unavailable", or "requests are waiting for Redis" when it queued behind the calls.
  EXPECT_NE(ready.data.find("edis"), std::string::npos) << ready.data;
  EXPECT_LT(seconds_since(t), 4.0) << "/readyz waited out the hung Redis";

  for (auto& c : callers) c.join();
  for (int i = 0; i < kCalls; ++i) {
    SCOPED_TRACE("call " + std::to_string(i));
    EXPECT_EQ(results[i].status, 503);
    EXPECT_TRUE(results[i].retry_after);
    // One command timeout, or two for a call that first waited for a route worker.
    EXPECT_LT(results[i].seconds, 4.0);
  }

  // A single call while Redis still hangs: 503 with Retry-After within about the command timeout.
  t = Clock::now();
  const auto one = request(port(), "POST", "/v1/queues/care/claim");
  EXPECT_EQ(one.status(), 503) << one.data;
  EXPECT_TRUE(one.has_header("Retry-After")) << one.data;
  EXPECT_LT(seconds_since(t), 3.0);

  // Redis is back: the timed-out connections were dropped, the next calls reconnect.
  resume_redis();
  const auto queues = request(port(), "GET", "/v1/queues");
  EXPECT_EQ(queues.status(), 200) << queues.data;
  const auto claim = request(port(), "POST", "/v1/queues/care/claim");
  EXPECT_EQ(claim.status(), 200) << claim.data;
  EXPECT_NE(claim.data.find(m.uid), std::string::npos) << claim.data;
  EXPECT_EQ(request(port(), "GET", "/readyz").status(), 200);
}

TEST_F(HttpApiHardeningTest, HalfSentConnectionsFromOneAddressAreLimitedAndClosedAfterTheHeaderDeadline) {
  ::testing::internal::CaptureStderr();
  constexpr int kConnections = 100;  // over the per-address limit (64), under the total (512)
  std::vector<std::unique_ptr<RawConnection>> half;
  const auto opened = Clock::now();
  for (int i = 0; i < kConnections; ++i) {
    half.push_back(std::make_unique<RawConnection>("127.0.0.1", port()));
    half.back()->send(kHalfSent);
  }

  // Another client is still served at once.
  const auto health = request(port(), "GET", "/healthz", "127.0.0.2");
  EXPECT_EQ(health.status(), 200) << health.data;

  int refused = 0, closed = 0;
  for (int i = 0; i < kConnections; ++i) {
    SCOPED_TRACE("connection " + std::to_string(i));
    const auto out = half[i]->read_to_end();
    EXPECT_FALSE(out.timed_out) << "still open: neither refused nor closed after the header deadline";
    if (out.status() == 503) {
      ++refused;
      EXPECT_TRUE(out.has_header("Retry-After")) << out.data;
    } else {
      EXPECT_TRUE(out.closed);
      EXPECT_EQ(out.data, "");
      ++closed;
    }
  }
  EXPECT_EQ(refused, kConnections - 64);
  EXPECT_EQ(closed, 64);
  // The header deadline, not the 30 s idle timeout, closed them.
  EXPECT_LT(seconds_since(opened), std::chrono::duration<double>(kHeaderDeadline).count() + 5.0);

  // The address is served again once its connections are gone.
  EXPECT_EQ(request(port(), "GET", "/healthz").status(), 200);
  api->stop();
  const std::string log = ::testing::internal::GetCapturedStderr();
  size_t summaries = 0, lines = 0;
  for (size_t p = 0; (p = log.find("refused connections", p)) != std::string::npos; ++p) ++summaries;
  for (char c : log) lines += c == '\n';
  EXPECT_EQ(summaries, 1u) << log;
  EXPECT_NE(log.find("127.0.0.1 " + std::to_string(kConnections - 64)), std::string::npos) << log;
  EXPECT_LT(lines, 5u) << "refusals are logged one line per connection:\n" << log;
}

TEST_F(HttpApiHardeningTest, OverTheTotalConnectionLimitTheAnswerIs503NotAReset) {
  // 600 connections from 10 addresses (60 each, under the per-address limit): the server holds
  // 512 and answers the rest; this process holds both ends.
  rlimit files{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &files), 0);
  files.rlim_cur = std::max<rlim_t>(files.rlim_cur, std::min<rlim_t>(files.rlim_max, 4096));
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &files), 0);
  ASSERT_GE(files.rlim_cur, 1400u) << "this test needs 1400 open files (ulimit -n)";

  constexpr int kAddresses = 10, kPerAddress = 60, kLimit = 512;
  std::vector<std::unique_ptr<RawConnection>> half;
  const auto opened = Clock::now();
  for (int a = 0; a < kAddresses; ++a)
    for (int i = 0; i < kPerAddress; ++i) {
      half.push_back(std::make_unique<RawConnection>("127.0.0." + std::to_string(10 + a), port()));
      half.back()->send(kHalfSent);
    }

  // A fresh client gets an answer while every slot is taken: a 503, not a reset.
  const auto full = request(port(), "GET", "/healthz", "127.0.0.2");
  EXPECT_FALSE(full.reset);
  EXPECT_EQ(full.status(), 503) << full.data;
  EXPECT_TRUE(full.has_header("Retry-After")) << full.data;

  int refused = 0, closed = 0;
  for (auto& c : half) {
    const auto out = c->read_to_end();
    EXPECT_FALSE(out.timed_out);
    if (out.status() == 503) ++refused;
    else if (out.closed && out.data.empty()) ++closed;
  }
  EXPECT_EQ(refused, kAddresses * kPerAddress - kLimit);
  EXPECT_EQ(closed, kLimit);
  EXPECT_LT(seconds_since(opened), std::chrono::duration<double>(kHeaderDeadline).count() + 5.0);
  half.clear();

  // The header deadline freed the slots.
  EXPECT_EQ(request(port(), "GET", "/healthz", "127.0.0.2").status(), 200);
}

}  // namespace
}  // namespace carewatch
