// The scheduler against a real redis-server, with connectors scripted by the test (the Connector
// interface is the scheduler's edge; no platform is involved).
#include "daemon/pipeline/scheduler.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "rules/default_rules.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Answers polls from a script; once the script runs out, an empty batch each time. Records the
// cursor of every poll and when it came.
class ScriptedConnector final : public Connector {
 public:
  explicit ScriptedConnector(bool finite = false) : finite_(finite) {}
  void add(PollResult r) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(r));
  }
  bool finite() const override { return finite_; }
  PollResult poll(const std::string& cursor) override {
    std::lock_guard lock(mutex_);
    polls_.push_back({cursor, Clock::now()});
    changed_.notify_all();
    if (script_.empty()) return PollResult::ok(Batch{});
    PollResult r = std::move(script_.front());
    script_.pop_front();
    return r;
  }
  // Waits (up to 20 s) until at least `n` polls happened; returns the polls so far.
  std::vector<std::pair<std::string, Clock::time_point>> wait_polls(size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(20), [&] { return polls_.size() >= n; });
    return polls_;
  }
  size_t polls() {
    std::lock_guard lock(mutex_);
    return polls_.size();
  }

 private:
  const bool finite_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<PollResult> script_;
  std::vector<std::pair<std::string, Clock::time_point>> polls_;
};

Mention mention(const std::string& id) {
  return testing::test_mention(id, "my order " + id + " never arrived and support does not answer",
                               now_ms() - 5000, now_ms());
}

Batch batch_of(std::vector<Mention> mentions, std::string next_cursor) {
  Batch b;
  b.mentions = std::move(mentions);
  b.next_cursor = std::move(next_cursor);
  return b;
}

template <typename Pred>
bool eventually(Pred pred) {
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return pred();
}

class SchedulerTest : public ::testing::Test {
 protected:
  testing::TestRedis redis;
  QueueStore store{redis.endpoint(), QueueStoreOptions{}};
  RulesHolder rules{default_rules()};
  Metrics metrics;

  SchedulerOptions options(milliseconds max_backoff = std::chrono::minutes(5)) {
    SchedulerOptions o;
    o.instance_id = "test-instance";
    o.max_backoff = max_backoff;
    return o;
  }
  static ScheduledSource source(const std::string& name, std::unique_ptr<Connector> c,
                                milliseconds interval = milliseconds(20), bool enabled = true) {
    ScheduledSource s;
    s.config.name = name;
    s.config.type = "scripted";
    s.config.interval = interval;
    s.config.enabled = enabled;
    s.connector = std::move(c);
    return s;
  }
  bool metric_line(const std::string& line) { return metrics.render().find(line + "\n") != std::string::npos; }
};

TEST_F(SchedulerTest, StoresTheCursorAfterTheBatchAndPollsFromIt) {
  auto c = std::make_unique<ScriptedConnector>();
  auto* conn = c.get();
  conn->add(PollResult::ok(batch_of({mention("1"), mention("2")}, "page-2")));
  conn->add(PollResult::ok(batch_of({mention("3")}, "page-3")));
  std::vector<ScheduledSource> sources;
  sources.push_back(source("tag", std::move(c)));
  Scheduler scheduler(store, rules, metrics, std::move(sources), options());
  scheduler.start();
  const auto polls = conn->wait_polls(3);
  scheduler.stop();
  ASSERT_GE(polls.size(), 3u);
  EXPECT_EQ(polls[0].first, "");
  EXPECT_EQ(polls[1].first, "page-2");
  EXPECT_EQ(polls[2].first, "page-3");
  EXPECT_EQ(store.get_cursor("tag"), "page-3");
  for (const char* uid : {"mastodon:1", "mastodon:2", "mastodon:3"}) EXPECT_TRUE(store.get(uid, false)) << uid;
  EXPECT_TRUE(metric_line(R"(carewatch_source_up{source="tag"} 1)"));
}

// A failed poll stores nothing and keeps the cursor: the next poll asks for the same page.
TEST_F(SchedulerTest, ARetriedErrorKeepsTheCursorAndMarksTheSourceDown) {
  store.set_cursor("tag", "page-5");
  auto c = std::make_unique<ScriptedConnector>();
  auto* conn = c.get();
  conn->add(PollResult::fail({PollError::Kind::retry, "HTTP 503", milliseconds(10)}));
  std::vector<ScheduledSource> sources;
  sources.push_back(source("tag", std::move(c)));
  Scheduler scheduler(store, rules, metrics, std::move(sources), options());
  scheduler.start();
  ASSERT_TRUE(eventually([&] { return metric_line(R"(carewatch_poll_errors_total{source="tag",kind="retry"} 1)"); }));
  const auto polls = conn->wait_polls(2);
  scheduler.stop();
  ASSERT_GE(polls.size(), 2u);
  EXPECT_EQ(polls[0].first, "page-5");
  EXPECT_EQ(polls[1].first, "page-5");
  EXPECT_EQ(store.get_cursor("tag"), "page-5");
}

// A fatal error (a rejected token, a cursor the connector cannot read) is not retried on the
// backoff: the source stays down and is tried again only after max_backoff.
TEST_F(SchedulerTest, AFatalErrorIsRetriedOnlyOnTheSlowSchedule) {
  auto c = std::make_unique<ScriptedConnector>();
  auto* conn = c.get();
  conn->add(PollResult::fail({PollError::Kind::fatal, "HTTP 401: the access token was rejected", std::nullopt}));
  conn->add(PollResult::fail({PollError::Kind::fatal, "cursor: unreadable", std::nullopt, true}));
  std::vector<ScheduledSource> sources;
  sources.push_back(source("tag", std::move(c)));
  const milliseconds slow(400);
  Scheduler scheduler(store, rules, metrics, std::move(sources), options(slow));
  scheduler.start();
  ASSERT_TRUE(eventually([&] { return metric_line(R"(carewatch_source_up{source="tag"} 0)"); }));
  const auto polls = conn->wait_polls(3);
  scheduler.stop();
  ASSERT_GE(polls.size(), 3u);
  EXPECT_GE(polls[1].second - polls[0].second, slow);
  EXPECT_GE(polls[2].second - polls[1].second, slow);
  EXPECT_TRUE(metric_line(R"(carewatch_poll_errors_total{source="tag",kind="fatal"} 2)"));
}

TEST_F(SchedulerTest, AllExhaustedWaitsForEveryEnabledFiniteSourceOnly) {
  auto finite = std::make_unique<ScriptedConnector>(true);
  auto* replay = finite.get();
  Batch first = batch_of({mention("1")}, "10");
  first.more = true;
  replay->add(PollResult::ok(std::move(first)));
  Batch last = batch_of({mention("2")}, "20");
  last.exhausted = true;
  replay->add(PollResult::ok(std::move(last)));
  std::vector<ScheduledSource> sources;
  sources.push_back(source("replay", std::move(finite)));
  sources.push_back(source("endless", std::make_unique<ScriptedConnector>(false)));
  sources.push_back(source("off", std::make_unique<ScriptedConnector>(true), milliseconds(20), false));
  Scheduler scheduler(store, rules, metrics, std::move(sources), options());
  EXPECT_FALSE(scheduler.all_exhausted());
  scheduler.start();
  EXPECT_TRUE(eventually([&] { return scheduler.all_exhausted(); }));
  scheduler.stop();
  EXPECT_EQ(store.get_cursor("replay"), "20");
  EXPECT_TRUE(store.get("mastodon:2", false));
}

TEST_F(SchedulerTest, ASourceLeasedByAnotherDaemonIsNotPolled) {
  ASSERT_TRUE(store.acquire_lease("poll:tag", "other-daemon", std::chrono::minutes(1)));
  auto c = std::make_unique<ScriptedConnector>();
  auto* conn = c.get();
  std::vector<ScheduledSource> sources;
  sources.push_back(source("tag", std::move(c)));
  sources.push_back(source("mine", std::make_unique<ScriptedConnector>()));
  Scheduler scheduler(store, rules, metrics, std::move(sources), options());
  scheduler.start();
  ASSERT_TRUE(eventually([&] { return metric_line(R"(carewatch_polls_total{source="mine",result="ok"} 3)"); }));
  scheduler.stop();
  EXPECT_EQ(conn->polls(), 0u);
}

// Redis away: pollers pause without storing anything and carry on from the same cursor.
TEST_F(SchedulerTest, RedisAwayPausesAndResumesFromTheSameCursor) {
  store.set_cursor("tag", "page-1");
  auto c = std::make_unique<ScriptedConnector>();
  auto* conn = c.get();
  std::vector<ScheduledSource> sources;
  sources.push_back(source("tag", std::move(c)));
  Scheduler scheduler(store, rules, metrics, std::move(sources), options());
  redis.server().stop();
  scheduler.start();
  ASSERT_TRUE(eventually([&] { return metric_line(R"(carewatch_poll_errors_total{source="tag",kind="redis"} 1)"); }));
  EXPECT_EQ(conn->polls(), 0u);  // no lease, no cursor: nothing polled while Redis is away
  EXPECT_TRUE(eventually([&] { return metric_line(R"(carewatch_source_up{source="tag"} 0)"); }));
  conn->add(PollResult::ok(batch_of({mention("9")}, "page-2")));
  redis.server().start();
  ASSERT_TRUE(eventually([&] {
    try {
      return store.get_cursor("tag") == std::optional<std::string>("page-2");
    } catch (const RedisUnavailable&) {
      return false;
    }
  }));
  EXPECT_TRUE(eventually([&] { return metric_line(R"(carewatch_source_up{source="tag"} 1)"); }));
  scheduler.stop();
  EXPECT_EQ(conn->wait_polls(1).front().first, "page-1");
}

}  // namespace
}  // namespace carewatch

namespace carewatch {
namespace {

// Every poll is reported to on_poll (the detectors' input): an ok poll with its batch and what became
// of each mention, a failed one with its error and whether it is fatal.
TEST_F(SchedulerTest, EveryPollIsReportedWithItsOutcome) {
  auto c = std::make_unique<ScriptedConnector>();
  auto* conn = c.get();
  conn->add(PollResult::ok(batch_of({mention("1"), mention("2")}, "page-2")));
  conn->add(PollResult::ok(batch_of({mention("2"), mention("3")}, "page-3")));  // "2" again: a duplicate
  conn->add(PollResult::fail({PollError::Kind::fatal, "HTTP 401 invalid token", std::nullopt}));
  std::vector<ScheduledSource> sources;
  sources.push_back(source("tag", std::move(c)));
  std::mutex mutex;
  struct Seen {
    bool ok, fatal;
    std::string source, type, error;
    std::vector<std::string> uids;
    std::vector<EnqueueOutcome> outcomes;
    TimeMs at;
  };
  std::vector<Seen> seen;
  SchedulerOptions o = options(milliseconds(50));
  o.on_poll = [&](const PollReport& r) {
    Seen s{r.ok, r.fatal, r.source, r.type, r.error, {}, {}, r.at};
    if (r.mentions)
      for (const auto& m : *r.mentions) s.uids.push_back(m.uid);
    if (r.outcomes) s.outcomes = *r.outcomes;
    std::lock_guard lock(mutex);
    seen.push_back(std::move(s));
  };
  Scheduler scheduler(store, rules, metrics, std::move(sources), o);
  scheduler.start();
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return seen.size() >= 3;
  }));
  scheduler.stop();
  std::lock_guard lock(mutex);
  EXPECT_TRUE(seen[0].ok);
  EXPECT_EQ(seen[0].source, "tag");
  EXPECT_EQ(seen[0].type, "scripted");
  EXPECT_GT(seen[0].at, 0);
  EXPECT_EQ(seen[0].uids, (std::vector<std::string>{"mastodon:1", "mastodon:2"}));
  ASSERT_EQ(seen[1].outcomes.size(), 2u);
  EXPECT_EQ(seen[1].outcomes[0], EnqueueOutcome::duplicate);
  EXPECT_NE(seen[1].outcomes[1], EnqueueOutcome::duplicate);
  EXPECT_FALSE(seen[2].ok);
  EXPECT_TRUE(seen[2].fatal);
  EXPECT_EQ(seen[2].error, "HTTP 401 invalid token");
  EXPECT_TRUE(seen[2].uids.empty());
}

}  // namespace
}  // namespace carewatch
