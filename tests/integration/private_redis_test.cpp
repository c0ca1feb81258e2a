// PrivateRedis: a real redis-server child process in a directory of ours.
#include "daemon/store/private_redis.h"

#include <gtest/gtest.h>

#include "tests/support/daemon_process.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/store/redis_connection.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string run(const RedisEndpoint& ep, const std::vector<std::string>& argv) {
  RedisConnection c(ep, 1000ms, 5000ms);
  return c.command(argv).text();
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

class PrivateRedisTest : public ::testing::Test {
 protected:
  PrivateRedisTest() : dir_(testing::make_temp_dir("cw-private-redis")) {}
  ~PrivateRedisTest() override { testing::remove_tree(dir_); }
  PrivateRedisOptions options(const std::string& sub = "data") {
    PrivateRedisOptions o;
    o.dir = dir_ + "/" + sub;  // created by PrivateRedis
    return o;
  }
  std::string dir_;
};

TEST_F(PrivateRedisTest, StartsOnAUnixSocketWithAofInItsDirectory) {
  PrivateRedis redis(options());
  EXPECT_GT(redis.pid(), 0);
  EXPECT_EQ(redis.port(), 0);
  EXPECT_EQ(redis.socket_path(), dir_ + "/data/redis.sock");
  const RedisEndpoint ep = redis.endpoint();
  EXPECT_EQ(ep.unix_socket, redis.socket_path());
  EXPECT_EQ(run(ep, {"PING"}), "PONG");
  EXPECT_EQ(run(ep, {"CONFIG", "GET", "appendonly"}), "appendonly yes");
  EXPECT_EQ(run(ep, {"CONFIG", "GET", "appendfsync"}), "appendfsync everysec");
  EXPECT_EQ(run(ep, {"CONFIG", "GET", "port"}), "port 0");  // no TCP listener
  EXPECT_EQ(run(ep, {"CONFIG", "GET", "save"}), "save ");
  EXPECT_EQ(run(ep, {"CONFIG", "GET", "dir"}), "dir " + dir_ + "/data");
  EXPECT_TRUE(fs::exists(dir_ + "/data/redis.sock"));
  EXPECT_TRUE(fs::exists(dir_ + "/data/redis.log"));
  EXPECT_TRUE(fs::exists(dir_ + "/data/appendonlydir"));
  EXPECT_EQ(fs::status(redis.socket_path()).permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(PrivateRedisTest, TcpModeListensOnLoopback) {
  auto o = options();
  o.tcp = true;
  o.appendfsync = "always";
  PrivateRedis redis(o);
  EXPECT_GT(redis.port(), 0);
  const RedisEndpoint ep = redis.endpoint();
  EXPECT_EQ(ep.host, "127.0.0.1");
  EXPECT_EQ(ep.port, redis.port());
  EXPECT_TRUE(ep.unix_socket.empty());
  EXPECT_EQ(run(ep, {"PING"}), "PONG");
  EXPECT_EQ(run(ep, {"CONFIG", "GET", "appendfsync"}), "appendfsync always");
  RedisEndpoint unix_ep;
  unix_ep.unix_socket = redis.socket_path();
  EXPECT_EQ(run(unix_ep, {"PING"}), "PONG");  // the socket is there too
}

TEST_F(PrivateRedisTest, StopIsCleanAndStartKeepsTheData) {
  PrivateRedis redis(options());
  const pid_t first = redis.pid();
  EXPECT_EQ(run(redis.endpoint(), {"SET", "k", "v"}), "OK");
  redis.stop();
  EXPECT_EQ(redis.pid(), -1);
  EXPECT_FALSE(alive(first));
  EXPECT_FALSE(fs::exists(redis.socket_path()));
  EXPECT_NE(testing::file_text(dir_ + "/data/redis.log").find("ready to exit"), std::string::npos);
  EXPECT_THROW(run(redis.endpoint(), {"PING"}), RedisUnavailable);
  redis.stop();  // idempotent

  redis.start();
  EXPECT_GT(redis.pid(), 0);
  EXPECT_NE(redis.pid(), first);
  EXPECT_EQ(run(redis.endpoint(), {"GET", "k"}), "v");
}

TEST_F(PrivateRedisTest, KillHardThenStartRecoversFromTheAof) {
  auto o = options();
  o.appendfsync = "always";
  PrivateRedis redis(o);
  EXPECT_EQ(run(redis.endpoint(), {"SET", "k", "v"}), "OK");
  const pid_t first = redis.pid();
  redis.kill_hard();
  EXPECT_FALSE(alive(first));
  redis.start();
  EXPECT_EQ(run(redis.endpoint(), {"GET", "k"}), "v");
}

TEST_F(PrivateRedisTest, DestructorStopsTheServer) {
  pid_t pid = -1;
  {
    PrivateRedis redis(options());
    pid = redis.pid();
    EXPECT_TRUE(alive(pid));
  }
  EXPECT_FALSE(alive(pid));
}

TEST_F(PrivateRedisTest, StopsEvenWhenTheParentBlocksSigterm) {
  // The daemon blocks SIGTERM for its sigwait thread; the child must not inherit that.
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &term, &old), 0);
  PrivateRedis redis(options());
  ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &old, nullptr), 0);
  const pid_t pid = redis.pid();
  ASSERT_EQ(::kill(pid, SIGTERM), 0);  // redis exits cleanly on SIGTERM
  for (int i = 0; i < 500 && waitpid(pid, nullptr, WNOHANG) == 0; ++i) usleep(10'000);
  EXPECT_FALSE(alive(pid));
  redis.stop();  // already gone: nothing to do
}

TEST_F(PrivateRedisTest, MissingExecutableIsAClearError) {
  auto o = options();
  o.executable = "redis-server-that-does-not-exist";
  try {
    PrivateRedis redis(o);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("redis-server-that-does-not-exist"), std::string::npos) << what;
    EXPECT_NE(what.find("not found on PATH"), std::string::npos) << what;
  }
  o.executable = dir_ + "/nope/redis-server";
  try {
    PrivateRedis redis(o);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir_ + "/nope/redis-server"), std::string::npos) << e.what();
  }
}

TEST_F(PrivateRedisTest, ServerThatExitsAtOnceReportsItsStatusAndLog) {
  const std::string script = dir_ + "/fake-redis";
  {
    std::ofstream f(script);
    f << "#!/bin/sh\necho 'FATAL CONFIG FILE ERROR: pretend' >&2\nexit 3\n";
  }
  fs::permissions(script, fs::perms::owner_all);
  auto o = options();
  o.executable = script;
  try {
    PrivateRedis redis(o);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("exited with status 3"), std::string::npos) << what;
    EXPECT_NE(what.find("FATAL CONFIG FILE ERROR: pretend"), std::string::npos) << what;
  }
}

TEST_F(PrivateRedisTest, RejectsBadOptions) {
  auto o = options();
  o.appendfsync = "sometimes";
  EXPECT_THROW(PrivateRedis{o}, std::runtime_error);
  o = options();
  o.dir = "";
  EXPECT_THROW(PrivateRedis{o}, std::runtime_error);
  o = options(std::string(120, 'x'));
  try {
    PrivateRedis redis(o);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("too long"), std::string::npos) << e.what();
  }
}

// Mentions and replies live in these files: only their owner may read them, including files an
// older version left readable.
TEST_F(PrivateRedisTest, DataDirectoryIs0700AndItsFiles0600) {
  fs::create_directories(dir_ + "/data");
  fs::permissions(dir_ + "/data", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                      fs::perms::others_read | fs::perms::others_exec);
  std::ofstream(dir_ + "/data/left-by-an-older-version.aof") << "x";
  fs::permissions(dir_ + "/data/left-by-an-older-version.aof",
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  auto o = options();
  o.appendfsync = "always";
  PrivateRedis redis(o);
  EXPECT_EQ(run(redis.endpoint(), {"SET", "k", "v"}), "OK");
  EXPECT_EQ(run(redis.endpoint(), {"BGREWRITEAOF"}).find("ERR"), std::string::npos);
  for (int i = 0; i < 200 && run(redis.endpoint(), {"INFO", "persistence"}).find("aof_rewrite_in_progress:1") !=
                                 std::string::npos; ++i)
    usleep(10'000);
  const auto rw = fs::perms::owner_read | fs::perms::owner_write;
  EXPECT_EQ(fs::status(dir_ + "/data").permissions(), fs::perms::owner_all);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_ + "/data")) {
    if (e.is_directory()) {
      EXPECT_EQ(e.status().permissions(), fs::perms::owner_all) << e.path();
    } else if (e.is_regular_file()) {
      EXPECT_EQ(e.status().permissions(), rw) << e.path();
      ++files;
    }
  }
  EXPECT_GE(files, 4u);  // the log, the old file, the AOF manifest and its base / incremental files
}

// A redis-server this object did not start is neither replaced nor stopped.
TEST_F(PrivateRedisTest, NeverStartsBesideNorStopsAServerItDidNotStart) {
  PrivateRedis running(options());
  EXPECT_EQ(run(running.endpoint(), {"SET", "k", "v"}), "OK");
  try {
    PrivateRedis second(options());
    FAIL() << "a second server was started on the same directory";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("not started by this process (pid " + std::to_string(running.pid()) + ")"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find(running.socket_path()), std::string::npos) << what;
  }
  EXPECT_EQ(run(running.endpoint(), {"GET", "k"}), "v");

  // Ours dies behind our back and another process's server takes the socket: stopping ours must
  // not reach it.
  PrivateRedis ours(options("ours"));
  ASSERT_EQ(::kill(ours.pid(), SIGKILL), 0);
  RedisEndpoint ours_ep;
  ours_ep.unix_socket = ours.socket_path();
  for (int i = 0; i < 500; ++i) {
    try {
      run(ours_ep, {"PING"});
      usleep(10'000);
    } catch (const RedisUnavailable&) {
      break;  // gone (not reaped: `ours` still holds its pid)
    }
  }
  PrivateRedis foreign(options("ours"));
  ours.stop();
  EXPECT_EQ(ours.pid(), -1);
  EXPECT_EQ(run(foreign.endpoint(), {"PING"}), "PONG");
  EXPECT_TRUE(alive(foreign.pid()));
}

TEST(TestRedisFixture, RunsCommandsAndCleansUp) {
  std::string dir;
  {
    testing::TestRedis redis;
    dir = redis.dir();
    EXPECT_GT(redis.endpoint().port, 0);
    EXPECT_EQ(redis.command("SET a 1"), "OK");
    EXPECT_EQ(redis.command("INCR a"), "2");
    EXPECT_EQ(redis.command("GET missing"), "(nil)");
    EXPECT_EQ(redis.command("RPUSH l x y"), "2");
    EXPECT_EQ(redis.command("LRANGE l 0 -1"), "x y");
    EXPECT_EQ(redis.command("NOSUCHCOMMAND").rfind("(error) ERR", 0), 0u);
    EXPECT_TRUE(fs::exists(dir));
  }
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace carewatch
