// The events follower against a real redis-server: urgent mentions and SLA events become alerts
// exactly once, across a restart of the follower and with two daemons following.
#include "daemon/alerts/event_alerts.h"

#include <gtest/gtest.h>

#include <mutex>

#include "daemon/alerts/daily_digest.h"
#include "mention/mention_json.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using testing::TestRedis;

constexpr TimeMs kPosted = 1'795'341'600'000;  // 2026-11-22T10:00:00Z

struct CollectingSink : AlertSink {
  std::mutex mutex;
  std::vector<Alert> alerts;
  void raise(const Alert& a) override {
    std::lock_guard lock(mutex);
    alerts.push_back(a);
  }
};

Mention make(const std::string& id, int priority, std::vector<std::string> tags = {}) {
  Mention m = testing::test_mention(id, "the app eats my <b>messages</b> " + id, kPosted, kPosted + 1000, "ola");
  m.decision.category = Category::complaint;
  m.decision.priority = priority;
  m.decision.queue = "care";
  m.decision.tags = std::move(tags);
  return m;
}

class EventAlertsTest : public ::testing::Test {
 protected:
  TestRedis redis;
  QueueStore store{redis.endpoint(), QueueStoreOptions{}};
  CollectingSink sink;

  EventAlertsOptions options(const std::string& instance = "d1") {
    EventAlertsOptions o;
    o.instance_id = instance;
    o.urgent_tags = {"outage"};
    return o;
  }
};

TEST_F(EventAlertsTest, StartsAtTheNewestEventThenRaisesUrgentMentionsOnce) {
  store.enqueue(std::vector<Mention>{make("old", 0)});  // before alerts existed: not paged
  EventAlerts follower(store, sink, options());
  EXPECT_EQ(follower.tick(kPosted), 0u);
  store.enqueue(std::vector<Mention>{make("p0", 0), make("p2", 2), make("tagged", 2, {"outage"}),
                                     make("other-tag", 1, {"billing"})});
  EXPECT_EQ(follower.tick(kPosted), 2u);
  ASSERT_EQ(sink.alerts.size(), 2u);
  EXPECT_EQ(sink.alerts[0].key, "urgent:mastodon:p0");
  EXPECT_EQ(sink.alerts[1].key, "urgent:mastodon:tagged");
  EXPECT_EQ(sink.alerts[1].mentions.at(0).text, "the app eats my <b>messages</b> tagged");
  EXPECT_EQ(follower.tick(kPosted), 0u);  // nothing new
}

TEST_F(EventAlertsTest, ANewFollowerGoesOnFromTheStoredPosition) {
  {
    EventAlerts first(store, sink, options());
    first.tick(kPosted);
    store.enqueue(std::vector<Mention>{make("a", 0)});
    EXPECT_EQ(first.tick(kPosted), 1u);
    store.enqueue(std::vector<Mention>{make("b", 0)});  // arrives while no follower runs
  }
  store.release_lease("alert-events", "d1");
  EventAlerts second(store, sink, options("d2"));
  EXPECT_EQ(second.tick(kPosted), 1u);
  ASSERT_EQ(sink.alerts.size(), 2u);
  EXPECT_EQ(sink.alerts[1].key, "urgent:mastodon:b");
}

TEST_F(EventAlertsTest, OnlyTheLeaseHolderFollows) {
  EventAlerts d1(store, sink, options("d1")), d2(store, sink, options("d2"));
  d1.tick(kPosted);
  d2.tick(kPosted);
  store.enqueue(std::vector<Mention>{make("x", 0)});
  EXPECT_EQ(d2.tick(kPosted) + d1.tick(kPosted), 1u);
  EXPECT_EQ(sink.alerts.size(), 1u);
}

TEST_F(EventAlertsTest, SlaEventsBecomeWarningsAndBreaches) {
  EventAlerts follower(store, sink, options());
  follower.tick(kPosted);
  store.enqueue(std::vector<Mention>{make("slow", 1)});
  // The SLA watch writes these events (daemon/store/lua/sla_*.lua); written here as it does.
  for (const auto& [type, fraction] : {std::pair{"sla_warning", "0.5"}, std::pair{"sla_breached", "1"}})
    redis.command(std::string("XADD {cw}:events * type ") + type +
                  " uid mastodon:slow actor sla at 1 queue care platform mastodon priority 1 target first_response "
                  "fraction " + fraction + " target_ms 3600000");
  EXPECT_EQ(follower.tick(kPosted), 2u);
  ASSERT_EQ(sink.alerts.size(), 2u);
  EXPECT_EQ(sink.alerts[0].kind, AlertKind::sla_warning);
  EXPECT_EQ(sink.alerts[0].key, "sla:mastodon:slow:first_response:0.500");
  EXPECT_EQ(sink.alerts[0].queue, "care");
  EXPECT_EQ(sink.alerts[0].priority, 1);
  EXPECT_EQ(sink.alerts[1].kind, AlertKind::sla_breach);
  EXPECT_EQ(sink.alerts[1].title, "SLA breached: first response target (1h 00m) missed on a p1 mention in care");
}

TEST_F(EventAlertsTest, TheDailyDigestIsRaisedOncePerLocalDay) {
  store.enqueue(std::vector<Mention>{make("d1", 1), make("d2", 2)});
  DigestOptions o;
  o.instance_id = "d1";
  o.hour = 0;  // due at any time of the day: the events are stored at Redis's time, now
  o.time_zone = "Europe/Berlin";
  DailyDigest digest(store, sink, o);
  const TimeMs now = now_ms() + 1000;
  EXPECT_TRUE(digest.tick(now));
  EXPECT_FALSE(digest.tick(now + 1000));  // once a day
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].key, "digest:" + local_day(now, "Europe/Berlin", 0, 0).date);
  ASSERT_EQ(sink.alerts[0].facts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].facts[0].label, "care");
  EXPECT_EQ(sink.alerts[0].facts[0].value.rfind("2 queued, 0 answered", 0), 0u) << sink.alerts[0].facts[0].value;
  EXPECT_NE(sink.alerts[0].facts[0].value.find("now 2 waiting"), std::string::npos) << sink.alerts[0].facts[0].value;
}

}  // namespace
}  // namespace carewatch
