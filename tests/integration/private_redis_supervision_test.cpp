// The daemon's private redis-server is killed (-9) in the middle of a replay: the daemon reaps
// it, logs how it ended, starts it again on the same data, and the replay finishes by itself
// with every mention stored once and queued at most once.
#include <signal.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "connectors/replay/synthetic_mentions.h"
#include "daemon/store/private_redis.h"
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

long long integer(RedisConnection& c, const std::vector<std::string>& argv) {
  return c.command(argv).integer;
}

long long count_keys(RedisConnection& c, const std::string& pattern) {
  return integer(c, {"EVAL", "return #redis.call('KEYS', ARGV[1])", "0", pattern});
}

// Events of a type in the events stream.
long long count_events(RedisConnection& c, const std::string& type) {
  return integer(c, {"EVAL",
                     "local n = 0 for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do "
                     "for i = 1, #e[2], 2 do if e[2][i] == 'type' and e[2][i+1] == ARGV[1] then n = n + 1 end end end "
                     "return n",
                     "1", "{cw}:events", type});
}

// Entries in every queue stream (all priorities), and how many distinct uids they hold.
std::pair<long long, long long> queue_entries(RedisConnection& c) {
  const RedisReply r = c.command(
      {"EVAL",
       "local n, seen, distinct = 0, {}, 0 "
       "for _, q in ipairs(redis.call('SMEMBERS', '{cw}:queues')) do for p = 0, 3 do "
       "for _, e in ipairs(redis.call('XRANGE', '{cw}:q:' .. q .. ':p' .. p, '-', '+')) do "
       "for i = 1, #e[2], 2 do if e[2][i] == 'uid' then n = n + 1 "
       "if not seen[e[2][i+1]] then seen[e[2][i+1]] = true distinct = distinct + 1 end end end end end end "
       "return {n, distinct}",
       "0"});
  return {r.elements.at(0).integer, r.elements.at(1).integer};
}

long redis_pid(RedisConnection& c) {
  const std::string info = c.command({"INFO", "server"}).str;
  const auto at = info.find("process_id:");
  return at == std::string::npos ? -1 : std::atol(info.c_str() + at + 11);
}

class PrivateRedisSupervision : public ::testing::Test {
 protected:
  void SetUp() override { dir = testing::make_temp_dir("cw-supervision"); }
  void TearDown() override { testing::remove_tree(dir); }
  std::string dir;
};

TEST_F(PrivateRedisSupervision, KillNineMidReplayIsRecoveredWithNothingLostAndNothingDoubled) {
  const size_t total = 20000;
  {
    std::ofstream f(dir + "/mentions.jsonl");
    write_synthetic_mentions(f, total, 11);
  }
  std::ofstream(dir + "/carewatch.json") << R"({"state_dir": "state", "api": {"listen": "127.0.0.1:0"},
  "redis": {"appendfsync": "always"},
  "sources": [{"name": "bulk", "type": "replay", "interval": "100ms",
               "options": {"path": "mentions.jsonl", "pace": "full", "batch_size": 100}}]})";
  RedisEndpoint ep;
  ep.unix_socket = dir + "/state/redis/redis.sock";

  DaemonProcess daemon(kBinary, {"run", "--config", dir + "/carewatch.json", "--exit-when-done"}, dir);
  ASSERT_TRUE(daemon.wait_for_output("API listening", 60s * kSlow)) << daemon.stderr_text();
  long killed = -1;
  {
    RedisConnection c(ep, 1000ms, 5000ms);
    const auto until = std::chrono::steady_clock::now() + 120s * kSlow;
    while (count_keys(c, "{cw}:seen:*") < 2000 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(5ms);
    killed = redis_pid(c);
    ASSERT_GT(killed, 0);
    ASSERT_LT(count_keys(c, "{cw}:seen:*"), static_cast<long long>(total)) << "the replay ended before the kill";
    ASSERT_EQ(::kill(static_cast<pid_t>(killed), SIGKILL), 0);
  }
  // Its parent, the daemon, reaps it (no zombie) while the replay still runs.
  const std::string proc = "/proc/" + std::to_string(killed);
  for (auto until = std::chrono::steady_clock::now() + 10s * kSlow;
       fs::exists(proc) && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(fs::exists(proc)) << "the killed redis-server was not reaped";
  EXPECT_TRUE(daemon.running());
  ASSERT_EQ(daemon.wait(300s * kSlow), 0) << daemon.stderr_text();
  const std::string log = daemon.stderr_text();
  EXPECT_NE(log.find("private redis-server was killed by signal 9; restarting it"), std::string::npos) << log;
  EXPECT_NE(log.find("\"pid\":\"" + std::to_string(killed)), std::string::npos) << log;  // the exit names it
  EXPECT_NE(log.find("private redis-server restarted"), std::string::npos) << log;

  // The data the restarted server kept: each mention once, none queued twice.
  PrivateRedisOptions o;
  o.dir = dir + "/state/redis";
  PrivateRedis redis(o);
  RedisConnection c(redis.endpoint(), 1000ms, 30000ms);
  EXPECT_EQ(count_keys(c, "{cw}:m:*"), static_cast<long long>(total));
  EXPECT_EQ(count_events(c, "ingested"), static_cast<long long>(total));
  const auto [entries, distinct] = queue_entries(c);
  EXPECT_GT(entries, 0);
  EXPECT_EQ(entries, distinct) << "a mention was queued twice";
  EXPECT_EQ(count_events(c, "queued"), entries);
  redis.stop();
}

}  // namespace
}  // namespace carewatch
