// The source watch against a real redis-server, with an injected clock: polls recorded by the
// daemon polling a source, decisions made by whichever daemon holds the "sources" lease, one
// alert per episode and one recovered, whatever the number of watchers, restarts or failures of
// the sink or of Redis.
#include "daemon/alerts/source_watch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::TestRedis;

constexpr TimeMs kMin = 60 * 1000;
constexpr TimeMs kHour = 60 * kMin;
constexpr TimeMs kDay = 24 * kHour;
constexpr TimeMs kT0 = 1795305600000;  // 2026-11-22T00:00:00Z

// An alert sink as the outbox behaves: a key raised twice is delivered once. Counts every call.
class CollectingSink : public AlertSink {
 public:
  void raise(const Alert& a) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    if (fail_next_) {
      fail_next_ = false;
      throw RedisUnavailable("sink: redis away");
    }
    if (keys_.emplace(a.key, alerts_.size()).second) alerts_.push_back(a);
  }
  std::vector<Alert> alerts() {
    std::lock_guard lock(mutex_);
    return alerts_;
  }
  size_t calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  void fail_next() {
    std::lock_guard lock(mutex_);
    fail_next_ = true;
  }

 private:
  std::mutex mutex_;
  std::vector<Alert> alerts_;
  std::map<std::string, size_t> keys_;
  size_t calls_ = 0;
  bool fail_next_ = false;
};

std::vector<std::string> kinds(const std::vector<Alert>& alerts) {
  std::vector<std::string> out;
  for (const auto& a : alerts) out.push_back(to_string(a.kind));
  return out;
}

PollSample ok(TimeMs at, size_t new_mentions = 0) {
  PollSample p;
  p.at = at;
  p.ok = true;
  p.new_mentions = new_mentions;
  p.newest_posted_at = new_mentions ? at - 2000 : 0;
  return p;
}

PollSample failed(TimeMs at) {
  PollSample p;
  p.at = at;
  p.error = "GET https://mastodon.example/api/v1/timelines/tag/acme: HTTP 503";
  return p;
}

// One daemon: its queue store (pool, leases), its sink and its watch of the same two sources.
struct Daemon {
  QueueStore store;
  CollectingSink sink;
  SourceWatch watch;
  Daemon(const RedisEndpoint& ep, const std::string& id, std::chrono::milliseconds lease_ttl = 30s,
         SourceWatchConfig config = {})
      : store(ep, store_options()),
        watch(store, sink,
              {{"masto", "mastodon", true, false, 60s}, {"replay", "replay", true, true, 60s}, {"off", "rss", false, false, 60s}},
              config, {id, lease_ttl, 10s, 1000}) {}
  static QueueStoreOptions store_options() {
    QueueStoreOptions o;
    o.prefix = "t";
    o.connect_timeout = 500ms;
    o.command_timeout = 5000ms;
    return o;
  }
};

class SourceWatchTest : public ::testing::Test {
 protected:
  TestRedis redis;
};

TEST_F(SourceWatchTest, AFailingSourceRaisesOneDownThenOneRecoveredEvenWithTwoWatchers) {
  // A short lease: the two daemons take turns deciding, so only the episodes kept in Redis keep
  // them from alerting twice.
  Daemon a(redis.endpoint(), "daemon-a", 1ms), b(redis.endpoint(), "daemon-b", 1ms);
  a.watch.record_poll("masto", ok(kT0));
  TimeMs t = kT0;
  const TimeMs first_failure = kT0 + kMin;
  for (t = first_failure; t <= first_failure + 30 * kMin; t += kMin) {
    a.watch.record_poll("masto", failed(t));  // only a polls it
    a.watch.tick(t);
    b.watch.tick(t + 5000);
    if (t - first_failure < 15 * kMin) {
      ASSERT_TRUE(a.sink.alerts().empty() && b.sink.alerts().empty()) << (t - first_failure) / kMin << " min";
    }
  }
  const auto down = a.sink.alerts().empty() ? b.sink.alerts() : a.sink.alerts();
  ASSERT_EQ(a.sink.alerts().size() + b.sink.alerts().size(), 1u);
  EXPECT_EQ(a.sink.calls() + b.sink.calls(), 1u);
  EXPECT_EQ(down[0].kind, AlertKind::source_down);
  EXPECT_EQ(down[0].key, "source_down:masto:" + std::to_string(first_failure));
  EXPECT_EQ(down[0].source, "masto");
  EXPECT_EQ(down[0].platform, "mastodon");
  EXPECT_NE(down[0].detail.find("HTTP 503"), std::string::npos) << down[0].detail;

  a.watch.record_poll("masto", ok(t));
  for (int i = 0; i < 5; ++i, t += kMin) {
    a.watch.tick(t);
    b.watch.tick(t + 5000);
  }
  std::vector<Alert> all = a.sink.alerts();
  for (const auto& x : b.sink.alerts()) all.push_back(x);
  EXPECT_EQ(kinds(all).size(), 2u) << ::testing::PrintToString(kinds(all));
  EXPECT_EQ(a.sink.calls() + b.sink.calls(), 2u);
  const auto recovered = std::find_if(all.begin(), all.end(), [](const Alert& x) { return x.kind == AlertKind::source_recovered; });
  ASSERT_NE(recovered, all.end());
  EXPECT_EQ(recovered->key, "source_recovered:masto:down:" + std::to_string(first_failure));

  // A restarted daemon (a new watch on the same Redis) alerts nothing again.
  Daemon c(redis.endpoint(), "daemon-c");
  c.watch.tick(t + 10 * kMin - 30000);
  EXPECT_EQ(c.sink.calls(), 0u);
}

TEST_F(SourceWatchTest, OnlyTheLeaseHolderDecides) {
  Daemon a(redis.endpoint(), "daemon-a"), b(redis.endpoint(), "daemon-b");
  a.watch.record_poll("masto", failed(kT0));
  a.watch.record_poll("masto", failed(kT0 + 20 * kMin));
  a.watch.tick(kT0 + 20 * kMin);
  b.watch.tick(kT0 + 20 * kMin);
  EXPECT_EQ(a.sink.calls(), 1u);
  EXPECT_EQ(b.sink.calls(), 0u);
  // a stops (its lease released); the source's poll lease moved to b, which polls it now.
  a.watch.stop();
  b.watch.record_poll("masto", ok(kT0 + 21 * kMin));
  b.watch.tick(kT0 + 22 * kMin);
  EXPECT_EQ(b.sink.calls(), 1u);
  std::vector<Alert> all = a.sink.alerts();
  for (const auto& x : b.sink.alerts()) all.push_back(x);
  EXPECT_EQ(kinds(all), (std::vector<std::string>{"source_down", "source_recovered"}));
}

// A source bringing a mention every 10 minutes for two days, then none while its polls succeed.
TEST_F(SourceWatchTest, ASilentSourceRaisesOneSilentThenOneRecovered) {
  Daemon a(redis.endpoint(), "daemon-a", 1ms), b(redis.endpoint(), "daemon-b", 1ms);
  TimeMs t = kT0;
  for (; t <= kT0 + 2 * kDay; t += kMin) {
    const bool mention = (t - kT0) % (10 * kMin) == 0;
    a.watch.record_poll("masto", ok(t, mention ? 2 : 0));
    a.watch.record_poll("replay", ok(t, mention ? 1 : 0));
    if ((t - kT0) % (10 * kMin) == 0) {  // tick less often than polls: the buffer carries them
      a.watch.tick(t);
      b.watch.tick(t);
    }
  }
  ASSERT_EQ(a.sink.calls() + b.sink.calls(), 0u);
  const TimeMs last = kT0 + 2 * kDay;
  for (; t <= last + 3 * kHour; t += kMin) {
    a.watch.record_poll("masto", ok(t));
    a.watch.record_poll("replay", ok(t));  // a finite replay file that ended: no alarm
    a.watch.tick(t);
    b.watch.tick(t + 1000);
    // Quiet while every tick so far came before two hours of silence: b's tick a second after
    // the two hours may already raise it when b holds the 1 ms lease.
    if (t + 1000 <= last + 2 * kHour) {
      ASSERT_EQ(a.sink.calls() + b.sink.calls(), 0u) << (t - last) / kMin << " min";
    }
  }
  std::vector<Alert> all = a.sink.alerts();
  for (const auto& x : b.sink.alerts()) all.push_back(x);
  ASSERT_EQ(kinds(all), std::vector<std::string>{"source_silent"});
  EXPECT_EQ(all[0].key, "source_silent:masto:" + std::to_string(last));
  EXPECT_NE(all[0].detail.find("expired token or a changed API"), std::string::npos);

  a.watch.record_poll("masto", ok(t, 1));
  a.watch.tick(t);
  b.watch.tick(t + kMin);
  a.watch.tick(t + 2 * kMin);
  all = a.sink.alerts();
  for (const auto& x : b.sink.alerts()) all.push_back(x);
  // Either daemon may have raised either alert (1 ms leases): compare without their order.
  std::vector<std::string> raised = kinds(all);
  std::sort(raised.begin(), raised.end());
  EXPECT_EQ(raised, (std::vector<std::string>{"source_recovered", "source_silent"}));
  EXPECT_EQ(a.sink.calls() + b.sink.calls(), 2u);
}

TEST_F(SourceWatchTest, AnAlertTheSinkCouldNotStoreIsRaisedAgainOnce) {
  Daemon a(redis.endpoint(), "daemon-a");
  a.watch.record_poll("masto", failed(kT0));
  a.watch.record_poll("masto", failed(kT0 + 16 * kMin));
  a.sink.fail_next();
  EXPECT_THROW(a.watch.tick(kT0 + 16 * kMin), RedisUnavailable);
  EXPECT_TRUE(a.sink.alerts().empty());
  a.watch.tick(kT0 + 16 * kMin + 10000);
  a.watch.tick(kT0 + 16 * kMin + 20000);
  EXPECT_EQ(kinds(a.sink.alerts()), std::vector<std::string>{"source_down"});
  EXPECT_EQ(a.sink.calls(), 2u);
}

TEST_F(SourceWatchTest, PollsRecordedWhileRedisIsAwayAreKeptUntilItIsBack) {
  Daemon a(redis.endpoint(), "daemon-a");
  a.watch.record_poll("masto", ok(kT0, 1));
  a.watch.tick(kT0);
  redis.server().stop();
  for (TimeMs t = kT0 + kMin; t <= kT0 + 20 * kMin; t += kMin) {
    PollSample p = failed(t);
    p.redis = true;
    a.watch.record_poll("masto", p);
  }
  EXPECT_THROW(a.watch.tick(kT0 + 20 * kMin), RedisUnavailable);
  redis.server().start();
  a.watch.record_poll("masto", ok(kT0 + 21 * kMin));
  a.watch.tick(kT0 + 21 * kMin);
  EXPECT_TRUE(a.sink.alerts().empty()) << "Redis came back before the watch could judge: up again, no alert";
  SourceHealthStore store(a.store.pool(), "t");
  const SourceHealthRecord rec = store.load("masto");
  EXPECT_EQ(rec.fields.at("last_ok_at"), std::to_string(kT0 + 21 * kMin));
  EXPECT_EQ(rec.fields.at("last_redis"), "1");
  EXPECT_EQ(rec.fields.at("failing_since"), "0");
  EXPECT_EQ(rec.fields.at("last_mention_at"), std::to_string(kT0));
  EXPECT_GE(rec.version, 2);
}

TEST_F(SourceWatchTest, DisabledWatchOrSourceAlertsNothing) {
  SourceWatchConfig off;
  off.enabled = false;
  Daemon a(redis.endpoint(), "daemon-a", 30s, off);
  a.watch.record_poll("masto", failed(kT0));
  a.watch.record_poll("masto", failed(kT0 + kHour));
  a.watch.tick(kT0 + kHour);
  EXPECT_EQ(a.sink.calls(), 0u);
  EXPECT_EQ(SourceHealthStore(a.store.pool(), "t").load("masto").version, 0) << "nothing recorded";

  SourceWatchConfig per_source;
  per_source.overrides["masto"].enabled = false;
  Daemon b(redis.endpoint(), "daemon-b", 30s, per_source);
  b.watch.record_poll("masto", failed(kT0));
  b.watch.record_poll("masto", failed(kT0 + kHour));
  b.watch.record_poll("off", failed(kT0));  // a source not enabled: ignored
  b.watch.record_poll("off", failed(kT0 + kHour));
  b.watch.tick(kT0 + kHour);
  EXPECT_EQ(b.sink.calls(), 0u);
  EXPECT_EQ(SourceHealthStore(b.store.pool(), "t").load("off").version, 0);
}

// Pollers record from their own threads while the watch writes and decides.
TEST_F(SourceWatchTest, PollsRecordedFromManyThreadsWhileTickingAllLand) {
  Daemon a(redis.endpoint(), "daemon-a");
  constexpr int kThreads = 4, kPolls = 200;
  std::atomic<int> running{kThreads};
  std::vector<std::thread> pollers;
  for (int i = 0; i < kThreads; ++i)
    pollers.emplace_back([&a, &running, i] {
      for (int n = 0; n < kPolls; ++n) a.watch.record_poll("masto", failed(kT0 + (n * kThreads + i) * 1000));
      --running;
    });
  while (running > 0) a.watch.tick(kT0);
  for (auto& t : pollers) t.join();
  a.watch.tick(kT0 + 1000 * kThreads * kPolls);
  const SourceHealthRecord rec = SourceHealthStore(a.store.pool(), "t").load("masto");
  EXPECT_EQ(rec.fields.at("failed_polls"), std::to_string(kThreads * kPolls));
  EXPECT_LE(std::stoll(rec.fields.at("failing_since")), kT0 + 1000 * (kThreads - 1))
      << "the first poll recorded, whichever thread's it was";
  EXPECT_EQ(rec.fields.at("last_poll_at"), std::to_string(kT0 + 1000 * (kThreads * kPolls - 1)));
}

TEST_F(SourceWatchTest, StartRunsTicksOnItsOwnThreadUntilStop) {
  Daemon a(redis.endpoint(), "daemon-a");
  const TimeMs now = now_ms();
  a.watch.record_poll("masto", failed(now - 20 * kMin));
  a.watch.record_poll("masto", failed(now - kMin));
  a.watch.start();
  for (int i = 0; i < 200 && a.sink.calls() == 0; ++i) std::this_thread::sleep_for(25ms);
  a.watch.stop();
  EXPECT_EQ(kinds(a.sink.alerts()), std::vector<std::string>{"source_down"});
}

}  // namespace
}  // namespace carewatch
