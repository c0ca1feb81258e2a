// SpikeWatch against a real redis-server, on an injected clock: counts land in their buckets, a
// spike is raised once even with two daemons watching, "over" follows, and a restarted watcher
// neither raises it again nor forgets it.
#include "daemon/alerts/spike_watch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::TestRedis;

constexpr TimeMs kT0 = 1'795'341'600'000;  // 2026-11-22T10:00:00Z, a bucket start
constexpr TimeMs kBucket = 5 * 60 * 1000;

// The outbox as detectors see it: keeps each key once.
class ListSink : public AlertSink {
 public:
  void raise(const Alert& alert) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++raises;
    for (const auto& a : alerts)
      if (a.key == alert.key) return;
    alerts.push_back(alert);
  }
  std::vector<Alert> alerts;
  int raises = 0;

 private:
  std::mutex mutex_;
};

struct Fixture {
  TestRedis redis;
  QueueStore store{redis.endpoint(), QueueStoreOptions{}};
  std::atomic<TimeMs> now{kT0};
  ListSink sink;
  int next_id = 0;

  SpikeWatchOptions options(const std::string& instance) {
    SpikeWatchOptions o;
    o.instance_id = instance;
    o.tags = {"outage"};
    o.clock = [this] { return now.load(); };
    return o;
  }

  // `n` new mentions posted in the current bucket (and one duplicate, which does not count).
  void post(SpikeWatch& watch, int n) {
    std::vector<Mention> batch;
    for (int i = 0; i < n; ++i) {
      const std::string id = std::to_string(++next_id);
      Mention m = testing::test_mention(id, "the app is down again " + id, now - 1000, now);
      m.decision.category = Category::complaint;
      m.decision.tags = {"outage", "other"};
      batch.push_back(m);
    }
    std::vector<EnqueueOutcome> outcomes = store.enqueue(batch);
    batch.push_back(batch.front());
    outcomes.push_back(EnqueueOutcome::duplicate);
    watch.count(batch, outcomes);
  }
};

std::vector<std::string> keys_of(const std::vector<Alert>& alerts) {
  std::vector<std::string> out;
  for (const auto& a : alerts) out.push_back(a.key);
  return out;
}

const AlertFact* fact(const Alert& a, const std::string& label) {
  for (const auto& f : a.facts)
    if (f.label == label) return &f;
  return nullptr;
}

TEST(SpikeWatch, CountsLandInTheirBuckets) {
  Fixture f;
  SpikeWatch watch(f.store, f.sink, nullptr, f.options("a"));
  f.now = kT0 + 30'000;
  f.post(watch, 3);
  f.now = kT0 + kBucket + 30'000;
  f.post(watch, 2);
  const std::string b0 = "{cw}:spk:" + std::to_string(kT0);
  const std::string b1 = "{cw}:spk:" + std::to_string(kT0 + kBucket);
  EXPECT_EQ(f.redis.command("HGET " + b0 + " mastodon|complaint"), "3");
  EXPECT_EQ(f.redis.command("HGET " + b0 + " tag:outage"), "3");
  EXPECT_EQ(f.redis.command("HEXISTS " + b0 + " tag:other"), "0");  // no route names it
  EXPECT_EQ(f.redis.command("HGET " + b1 + " mastodon|complaint"), "2");
  EXPECT_EQ(f.redis.command("GET {cw}:spk:since"), std::to_string(kT0));
  // Kept for the history (28 days) and a day more from the bucket's start.
  const long long ttl = std::stoll(f.redis.command("PTTL " + b0));
  EXPECT_GT(ttl, 28LL * 24 * 3600 * 1000 - 24LL * 3600 * 1000);
  EXPECT_LE(ttl, 29LL * 24 * 3600 * 1000);
  EXPECT_EQ(f.redis.command("LLEN {cw}:spks:" + std::to_string(kT0) + ":mastodon|complaint"), "3");
}

TEST(SpikeWatch, RaisedOnceWithTwoWatchersThenOver) {
  Fixture f;
  SpikeWatch a(f.store, f.sink, nullptr, f.options("a"));
  SpikeWatch b(f.store, f.sink, nullptr, f.options("b"));
  // Each step: 90 s into bucket i (bucket i - 1 closed and settled), both tick, then mentions.
  auto step = [&](int i, int mentions) {
    f.now = kT0 + i * kBucket + 90'000;
    a.tick();
    b.tick();
    f.post(i % 2 ? a : b, mentions);
  };
  for (int i = 0; i < 16; ++i) step(i, 2);
  EXPECT_TRUE(f.sink.alerts.empty());
  step(16, 30);
  step(17, 2);  // evaluates bucket 16
  ASSERT_EQ(f.sink.alerts.size(), 2u) << ::testing::PrintToString(keys_of(f.sink.alerts));
  EXPECT_EQ(f.sink.raises, 2);  // the watcher without the lease raised nothing
  const std::string start16 = std::to_string(kT0 + 16 * kBucket);
  const Alert& spike = f.sink.alerts[0];
  EXPECT_EQ(spike.kind, AlertKind::spike);
  EXPECT_EQ(spike.key, "spike:mastodon|complaint:" + start16);
  EXPECT_EQ(spike.platform, "mastodon");
  EXPECT_EQ(spike.category, "complaint");
  EXPECT_NE(spike.title.find("30 mastodon complaint mentions in 5 min"), std::string::npos) << spike.title;
  ASSERT_NE(fact(spike, "Count"), nullptr);
  EXPECT_EQ(fact(spike, "Count")->value, "30");
  EXPECT_NE(fact(spike, "p-value"), nullptr);
  EXPECT_NE(fact(spike, "Baseline"), nullptr);
  EXPECT_NE(fact(spike, "Ratio"), nullptr);
  ASSERT_EQ(spike.mentions.size(), 5u);
  EXPECT_EQ(spike.mentions[0].category, "complaint");
  EXPECT_FALSE(spike.mentions[0].text.empty());
  const Alert& tag = f.sink.alerts[1];
  EXPECT_EQ(tag.key, "spike:tag:outage:" + start16);
  EXPECT_EQ(tag.tags, std::vector<std::string>{"outage"});
  EXPECT_TRUE(tag.platform.empty());

  // Back to usual: over after three quiet buckets (17, 18, 19), evaluated in step 20.
  step(18, 2);
  step(19, 2);
  EXPECT_EQ(f.sink.alerts.size(), 2u);
  step(20, 2);
  ASSERT_EQ(f.sink.alerts.size(), 4u) << ::testing::PrintToString(keys_of(f.sink.alerts));
  EXPECT_EQ(f.sink.alerts[2].kind, AlertKind::spike_over);
  EXPECT_EQ(f.sink.alerts[2].key, "spike_over:mastodon|complaint:" + start16);
  EXPECT_EQ(f.sink.alerts[3].key, "spike_over:tag:outage:" + start16);

  // The spike log the console's volume charts read: one record per spike, with its window,
  // count and, now that it is over, its end.
  SpikeStore log(f.store.pool(), "cw", std::chrono::hours(24));
  const auto marks = log.marks(kT0, kT0 + 30 * kBucket);
  ASSERT_EQ(marks.size(), 2u);
  for (const auto& m : marks) {
    EXPECT_EQ(m.bucket, kT0 + 16 * kBucket);
    EXPECT_LE(m.at, m.bucket);
    EXPECT_EQ(m.until, kT0 + 17 * kBucket);
    EXPECT_GE(m.count, 30);
    EXPECT_GT(m.expected, 0.0);
    EXPECT_EQ(m.ended, kT0 + 20 * kBucket) << m.series;
  }
  std::set<std::string> series;
  for (const auto& m : marks) series.insert(m.series);
  EXPECT_EQ(series, (std::set<std::string>{"mastodon|complaint", "tag:outage"}));
  const auto& masto = marks[0].series == "mastodon|complaint" ? marks[0] : marks[1];
  EXPECT_EQ(masto.platform, "mastodon");
  EXPECT_EQ(masto.category, "complaint");
  EXPECT_TRUE(masto.tag.empty());
  EXPECT_TRUE(log.marks(kT0 + 17 * kBucket, kT0 + 30 * kBucket).empty());  // by the window's start

  // A restarted daemon (same instance id) evaluates nothing twice.
  const int raises = f.sink.raises;
  SpikeWatch again(f.store, f.sink, nullptr, f.options("a"));
  EXPECT_EQ(again.tick(), 0u);
  // A burst within the cooldown of the spike is not raised (its state is in Redis).
  f.post(again, 40);
  f.now = kT0 + 21 * kBucket + 90'000;
  EXPECT_EQ(again.tick(), 0u);
  EXPECT_EQ(f.sink.raises, raises);
  EXPECT_EQ(log.marks(kT0, kT0 + 30 * kBucket), marks);
}

TEST(SpikeWatch, TheSpikeLogKeepsOneRecordPerSeriesAndBucketAndStaysBounded) {
  Fixture f;
  SpikeStore log(f.store.pool(), "cw", std::chrono::hours(24));
  SpikeStore::Mark m;
  m.series = "reddit|question";
  m.platform = "reddit";
  m.category = "question";
  m.at = kT0;
  m.bucket = kT0 + kBucket;
  m.until = kT0 + 2 * kBucket;
  m.count = 12;
  m.expected = 1.5;
  log.log_spike(m, kT0 + 3 * kBucket);
  m.count = 14;  // the same bucket evaluated again after a lost lease
  log.log_spike(m, kT0 + 3 * kBucket);
  auto got = log.marks(kT0 - kBucket, kT0 + kBucket);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], m);
  log.log_over("reddit|question", m.bucket, kT0 + 9 * kBucket);
  log.log_over("reddit|question", m.bucket, kT0 + 12 * kBucket);  // the first end stays
  log.log_over("mastodon|praise", m.bucket, kT0 + 9 * kBucket);   // no such spike: nothing
  got = log.marks(kT0, kT0 + kBucket);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].ended, kT0 + 9 * kBucket);
  // A record from before the retention goes when the next is written; a member that is not a
  // record is skipped by the reader.
  SpikeStore::Mark later = m;
  later.bucket = later.at = kT0 + SpikeStore::kLogRetention + kBucket;
  later.until = later.bucket + kBucket;
  log.log_spike(later, later.bucket + kBucket);
  f.redis.command("ZADD {cw}:spk:log " + std::to_string(later.bucket) + " not-json");
  EXPECT_TRUE(log.marks(kT0, kT0 + kBucket).empty());
  EXPECT_EQ(log.marks(later.at, later.at + kBucket).size(), 1u);
  EXPECT_EQ(f.redis.command("ZCARD {cw}:spk:log"), "2");
}

TEST(SpikeWatch, StartTicksOnItsOwnThreadUntilStopped) {
  Fixture f;
  SpikeWatchOptions o = f.options("a");
  o.tick_every = 10ms;
  SpikeWatch watch(f.store, f.sink, nullptr, o);
  f.now = kT0 + 30'000;
  f.post(watch, 2);
  f.now = kT0 + kBucket + 90'000;  // bucket 0 closed and settled
  watch.start();
  // Waits (at most 5 s) for the thread to evaluate bucket 0: the state records it.
  std::string last;
  for (int i = 0; i < 500 && last != std::to_string(kT0); ++i) {
    std::this_thread::sleep_for(10ms);
    last = f.redis.command("HGET {cw}:spk:state ~last");
  }
  EXPECT_EQ(f.redis.command("GET {cw}:lease:spikes"), "a");
  watch.stop();
  EXPECT_EQ(last, std::to_string(kT0));
  EXPECT_EQ(f.redis.command("EXISTS {cw}:lease:spikes"), "0");  // given up for another daemon
  watch.stop();  // twice is harmless
}

}  // namespace
}  // namespace carewatch
