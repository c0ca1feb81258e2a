// A second `carewatch run` on the configuration of a running one (private Redis): it must exit at
// once naming the lock, and leave the first daemon and its redis-server alone. Likewise a port in
// use fails before any redis-server starts, and reset-cursor never starts a redis-server beside a
// daemon's.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "connectors/http/http_client.h"
#include "daemon/store/redis_connection.h"
#include "tests/support/daemon_process.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
namespace fs = std::filesystem;

const std::string kBinary = CAREWATCH_BINARY;
using testing::kSlow;

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_mode & 0777 : 0;
}

// The process id the redis-server on `socket` reports, or -1 when none answers.
long redis_pid(const std::string& socket) {
  try {
    RedisEndpoint ep;
    ep.unix_socket = socket;
    RedisConnection c(ep, 1000ms, 2000ms);
    const std::string info = c.command({"INFO", "server"}).str;
    const auto at = info.find("process_id:");
    return at == std::string::npos ? -1 : std::atol(info.c_str() + at + 11);
  } catch (const RedisUnavailable&) {
    return -1;
  }
}

class SecondCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("cw-second-copy");
    state_ = dir_ + "/state";
    std::ofstream(dir_ + "/m.jsonl") << R"({"id": "1", "platform": "x", "text": "my bag is lost"})" << "\n";
    port_ = testing::free_port();  // a fixed port: both copies ask for the same one
    config_ = dir_ + "/carewatch.json";
    std::ofstream(config_) << R"({"state_dir": "state", "api": {"listen": "127.0.0.1:)" << port_ << R"("},
  "sources": [{"name": "r", "type": "replay", "interval": "100ms", "options": {"path": "m.jsonl"}}]})";
  }
  void TearDown() override { testing::remove_tree(dir_); }

  int readyz() {
    HttpRequest req;
    req.url = "http://127.0.0.1:" + std::to_string(port_) + "/readyz";
    req.timeout = 5000ms;
    return make_cpprest_http_client()->send(req).status;
  }

  std::string socket() const { return state_ + "/redis/redis.sock"; }

  std::string dir_, state_, config_;
  int port_ = 0;
};

TEST_F(SecondCopyTest, SecondRunExitsAtOnceNamingTheLockAndTheFirstKeepsServing) {
  DaemonProcess first(kBinary, {"run", "--config", config_}, dir_);
  ASSERT_TRUE(first.wait_for_output("API listening", 60s * kSlow)) << first.stderr_text();
  const long first_redis = redis_pid(socket());
  ASSERT_GT(first_redis, 0);
  const auto until = std::chrono::steady_clock::now() + 30s * kSlow;
  while (readyz() != 200 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
  ASSERT_EQ(readyz(), 200);

  // The lock file names its holder; the state dir is the owner's alone.
  const std::string lock = state_ + "/carewatch.lock";
  EXPECT_EQ(testing::file_text(lock), std::to_string(first.pid()) + "\n");
  EXPECT_EQ(mode_of(state_), 0700u);
  EXPECT_EQ(mode_of(state_ + "/redis"), 0700u);

  DaemonProcess second(kBinary, {"run", "--config", config_}, dir_);
  ASSERT_EQ(second.wait(5s * kSlow), 1) << second.stderr_text();
  const std::string err = second.stderr_text();
  EXPECT_EQ(count(err, "\n"), 1u) << err;
  EXPECT_NE(err.find(lock), std::string::npos) << err;
  EXPECT_NE(err.find("pid " + std::to_string(first.pid())), std::string::npos) << err;
  EXPECT_NE(err.find("state dir " + state_), std::string::npos) << err;
  EXPECT_EQ(second.stdout_text(), "");

  // Nothing changed: the same redis-server answers, only one was ever started, the first serves.
  EXPECT_EQ(redis_pid(socket()), first_redis);
  EXPECT_EQ(count(testing::file_text(state_ + "/redis/redis.log"), "Server initialized"), 1u);
  EXPECT_EQ(readyz(), 200);
  EXPECT_TRUE(first.running());
  EXPECT_EQ(testing::file_text(lock), std::to_string(first.pid()) + "\n");
}

TEST_F(SecondCopyTest, PortInUseFailsBeforeAnyRedisServerStarts) {
  const int taken = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(taken, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  ASSERT_EQ(bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(taken, 1), 0);

  DaemonProcess daemon(kBinary, {"run", "--config", config_}, dir_);
  EXPECT_EQ(daemon.wait(5s * kSlow), 1) << daemon.stderr_text();
  close(taken);
  const std::string err = daemon.stderr_text();
  EXPECT_EQ(count(err, "\n"), 1u) << err;
  EXPECT_NE(err.find("api.listen"), std::string::npos) << err;
  EXPECT_NE(err.find("127.0.0.1:" + std::to_string(port_)), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(state_ + "/redis")) << "a redis-server was started";
}

TEST_F(SecondCopyTest, ResetCursorStartsNoRedisServerWhileTheLockIsHeld) {
  // A daemon holding the lock whose Redis does not answer (as between its lock and its Redis).
  fs::create_directories(state_);
  const int fd = open((state_ + "/carewatch.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  const std::string pid = std::to_string(getpid()) + "\n";
  ASSERT_EQ(write(fd, pid.data(), pid.size()), static_cast<ssize_t>(pid.size()));

  DaemonProcess reset(kBinary, {"reset-cursor", "--config", config_, "r"}, dir_);
  EXPECT_EQ(reset.wait(30s * kSlow), 1) << reset.stderr_text();
  close(fd);
  const std::string err = reset.stderr_text();
  EXPECT_NE(err.find(state_ + "/carewatch.lock is held by pid " + std::to_string(getpid())), std::string::npos)
      << err;
  EXPECT_FALSE(fs::exists(state_ + "/redis/redis.log")) << "a redis-server was started";
}

}  // namespace
}  // namespace carewatch
