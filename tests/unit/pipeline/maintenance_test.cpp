// The maintenance loops (reaper, trimmer, latency follower) one round at a time, against a real
// redis-server.
#include "daemon/pipeline/maintenance.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <thread>

#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using std::chrono::milliseconds;

Mention queued(const std::string& id) {
  Mention m = testing::test_mention(id, "refund " + id, now_ms() - 10'000, now_ms() - 9'000);
  m.decision.category = Category::complaint;
  m.decision.priority = 1;
  m.decision.queue = "care";
  return m;
}

class MaintenanceTest : public ::testing::Test {
 protected:
  testing::TestRedis redis;
  boost::asio::io_context io;
  Metrics metrics;

  QueueStoreOptions store_options(milliseconds lease) {
    QueueStoreOptions o;
    o.lease = lease;
    return o;
  }
  MaintenanceOptions options(const std::string& instance) {
    MaintenanceOptions o;
    o.instance_id = instance;
    return o;
  }
};

TEST_F(MaintenanceTest, TheReaperGivesExpiredClaimsBackOnlyWhileItHoldsTheLease) {
  QueueStore store(redis.endpoint(), store_options(milliseconds(100)));
  store.enqueue(std::vector<Mention>{queued("1"), queued("2")});
  ASSERT_TRUE(store.claim("care", "agent-a"));
  ASSERT_TRUE(store.claim("care", "agent-a"));
  std::this_thread::sleep_for(milliseconds(250));  // both leases expire

  Maintenance other(io, store, metrics, options("other-daemon"));
  Maintenance mine(io, store, metrics, options("this-daemon"));
  EXPECT_EQ(other.reap_once(), 2u);  // takes the reaper lease
  EXPECT_NE(metrics.render().find("carewatch_claims_expired_total 2\n"), std::string::npos);
  ASSERT_TRUE(store.claim("care", "agent-b"));
  std::this_thread::sleep_for(milliseconds(250));
  EXPECT_EQ(mine.reap_once(), 0u);   // the other daemon holds the lease
  EXPECT_EQ(other.reap_once(), 1u);
}

TEST_F(MaintenanceTest, TheFollowerObservesOnlyWhatHappensAfterItStarts) {
  QueueStore store(redis.endpoint(), store_options(std::chrono::minutes(5)));
  store.enqueue(std::vector<Mention>{queued("1")});
  Maintenance maintenance(io, store, metrics, options("this-daemon"));
  maintenance.start();  // takes the stream's position; the loops wait for io.run()
  EXPECT_EQ(maintenance.follow_once(), 0u);
  store.enqueue(std::vector<Mention>{queued("2")});
  auto claimed = store.claim("care", "agent-a");
  ASSERT_TRUE(claimed);
  EXPECT_GE(maintenance.follow_once(), 2u);  // ingested/queued of "2", claimed
  const std::string text = metrics.render();
  EXPECT_NE(text.find("carewatch_queue_wait_seconds_count{queue=\"care\",platform=\"mastodon\",priority=\"p1\",agent=\"agent-a\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(maintenance.follow_once(), 0u);
  maintenance.stop();
}

TEST_F(MaintenanceTest, TheTrimmerDropsEventsPastTheRetention) {
  QueueStore store(redis.endpoint(), store_options(std::chrono::minutes(5)));
  store.enqueue(std::vector<Mention>{queued("1")});
  ASSERT_FALSE(store.events(0, now_ms() + 1000).empty());
  std::this_thread::sleep_for(milliseconds(20));
  MaintenanceOptions o = options("this-daemon");
  o.retention = milliseconds(1);
  Maintenance maintenance(io, store, metrics, o);
  maintenance.trim_once();
  EXPECT_TRUE(store.events(0, now_ms() + 1000).empty());
}

}  // namespace
}  // namespace carewatch
