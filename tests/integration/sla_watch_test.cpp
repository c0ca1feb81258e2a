// SLA timers against a real redis-server: warnings and breaches written exactly once per mention,
// target and threshold with two watches (two daemons' pools) on one Redis, a reply before a
// threshold means no event, follow-ups wait on next_response, the at-risk list and its route.
// The watches run on a fake clock: mentions are posted "now" and the clock moves on.
#include "daemon/alerts/sla_watch.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <map>
#include <thread>
#include <tuple>

#include "daemon/api/api_key.h"
#include "daemon/api/api_routes.h"
#include "daemon/store/queue_store.h"
#include "daemon/store/sla_store.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::TestRedis;

constexpr long long kMin = 60'000;
constexpr const char* kKey = "sla-agent-key";

QueueStoreOptions store_options() {
  QueueStoreOptions o;
  o.prefix = "sla";
  o.lease = 60s;
  o.connect_timeout = 500ms;
  o.command_timeout = 5000ms;
  return o;
}

// p0: first response 10m, next response 30m, resolution 2h; p1: first response 1h; warnings
// at 0.5 and 0.8.
SlaPolicies test_policies() {
  SlaPolicies p;
  p.fallback.warnings = {0.5, 0.8};
  p.fallback.targets[0].first_response = 10min;
  p.fallback.targets[0].next_response = 30min;
  p.fallback.targets[0].resolution = 2h;
  p.fallback.targets[1].first_response = 1h;
  return p;
}

class SlaWatchTest : public ::testing::Test {
 protected:
  SlaWatchTest()
      : store(redis.endpoint(), store_options()), sla(store.pool(), "sla"), posted(now_ms()), clock(posted) {}

  Mention mention(const std::string& id, int priority = 0, const std::string& queue = "care") {
    Mention m = testing::test_mention(id, "my order " + id + " never arrived", posted, posted + 1000, "ana");
    m.decision.category = Category::complaint;
    m.decision.priority = priority;
    m.decision.queue = queue;
    return m;
  }

  SlaWatchOptions watch_options() {
    SlaWatchOptions o;
    o.batch = 7;  // several round trips per tick
    return o;
  }
  SlaWatch::Clock fake_clock() {
    return [this] { return clock.load(); };
  }

  // (uid, type, target, fraction) -> how many such events {P}:events holds.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, int> sla_events() {
    std::map<std::tuple<std::string, std::string, std::string, std::string>, int> out;
    for (const auto& e : store.events_after("", 1'000'000))
      if (e.type == "sla_warning" || e.type == "sla_breached")
        ++out[{e.uid, e.type, e.fields.at("target"), e.fields.at("fraction")}];
    return out;
  }

  std::string redis_text(const std::string& cmd) { return redis.command(cmd); }

  TestRedis redis;
  QueueStore store;
  SlaStore sla;
  SlaPolicies policies = test_policies();
  const TimeMs posted;
  std::atomic<TimeMs> clock;
};

TEST_F(SlaWatchTest, TwoWatchesOnOneRedisWriteEachThresholdExactlyOnce) {
  std::vector<Mention> batch;
  for (int i = 0; i < 30; ++i) batch.push_back(mention("m" + std::to_string(i)));
  store.enqueue(batch);

  // A second daemon: its own pool on the same Redis. Hold 0: both watches take the same mentions
  // and race on every threshold.
  QueueStore other_store(redis.endpoint(), store_options());
  SlaStore other_sla(other_store.pool(), "sla");
  SlaWatchOptions o = watch_options();
  o.hold = 0ms;
  Metrics metrics;
  SlaWatch a(sla, policies, &metrics, o, fake_clock());
  SlaWatch b(other_sla, policies, &metrics, o, fake_clock());  // one registry: the figures are the sum

  size_t warnings = 0, breaches = 0;
  for (long long minute : {1, 5, 6, 8, 9, 10, 11, 20, 61, 100, 121, 200}) {
    clock = posted + minute * kMin;
    SlaTickReport ra, rb;
    std::thread ta([&] { ra = a.tick(); });
    std::thread tb([&] { rb = b.tick(); });
    ta.join();
    tb.join();
    warnings += ra.warnings + rb.warnings;
    breaches += ra.breaches + rb.breaches;
  }
  const auto events = sla_events();
  for (const auto& m : batch) {
    for (const char* f : {"0.5", "0.8"}) {
      EXPECT_EQ((events.count({m.uid, "sla_warning", "first_response", f}) ? events.at({m.uid, "sla_warning", "first_response", f}) : 0), 1) << m.uid << " " << f;
      EXPECT_EQ((events.count({m.uid, "sla_warning", "resolution", f}) ? events.at({m.uid, "sla_warning", "resolution", f}) : 0), 1) << m.uid << " " << f;
    }
    EXPECT_EQ(events.at({m.uid, "sla_breached", "first_response", "1"}), 1) << m.uid;
    EXPECT_EQ(events.at({m.uid, "sla_breached", "resolution", "1"}), 1) << m.uid;
  }
  EXPECT_EQ(events.size(), 30u * 6);
  EXPECT_EQ(warnings, 30u * 4);
  EXPECT_EQ(breaches, 30u * 2);
  EXPECT_NE(metrics.render().find("carewatch_sla_breaches_total{queue=\"care\",target=\"first_response\"} 30"),
            std::string::npos)
      << metrics.render();

  // The events carry what happened, on the mention's own history too.
  const auto rec = store.get("mastodon:m0", true);
  ASSERT_TRUE(rec);
  const Event* breach = nullptr;
  for (const auto& e : rec->events)
    if (e.type == "sla_breached" && e.fields.at("target") == "first_response") breach = &e;
  ASSERT_NE(breach, nullptr);
  EXPECT_EQ(breach->actor, "sla");
  EXPECT_EQ(breach->fields.at("target_ms"), std::to_string(10 * kMin));
  EXPECT_EQ(breach->fields.at("due_at"), std::to_string(posted + 10 * kMin));
  EXPECT_EQ(breach->fields.at("queue"), "care");
  // Every clock still runs (nothing answered): the mentions stay in the SLA sets.
  EXPECT_EQ(sla.open_count(), 30);
}

TEST_F(SlaWatchTest, AReplyBeforeAThresholdMeansNoEventAndTheMentionLeaves) {
  store.enqueue({mention("early", 1), mention("late", 1)});  // p1: first response 1h, no resolution
  SlaWatch watch(sla, policies, nullptr, watch_options(), fake_clock());
  clock = posted + kMin;
  watch.tick();
  ASSERT_TRUE(store.claim("care", "ana"));
  ASSERT_TRUE(store.claim("care", "ana"));
  // Answered in the first minute (recorded as made elsewhere: first_reply_at is now).
  ASSERT_EQ(store.submit_reply("mastodon:early", "ana", "sorry!", QueueStore::new_reply_id(), true).status, OpStatus::ok);
  clock = posted + 45 * kMin;  // past 0.5 and 0.8 of 1h... for "late" only
  // A reply racing in after the watch evaluated but before it wrote: the script re-checks.
  const auto due = sla.take_due(clock, 10, 0ms);
  ASSERT_EQ(due.size(), 2u);
  for (const auto& d : due) {
    const SlaEvaluation e = evaluate_sla(d.state, clock, policies);
    std::vector<SlaFire> fires;
    for (const auto& t : e.response()->thresholds)
      if (t.due) fires.push_back({t.breach, "first_response", t.token(), t.at, e.response()->target_ms, 0, true});
    if (d.uid == "mastodon:early") {
      EXPECT_TRUE(fires.empty());
    } else {
      ASSERT_EQ(fires.size(), 1u);  // 0.5 (at 30m); 0.8 is at 48m
      ASSERT_EQ(store.submit_reply("mastodon:late", "ana", "on it", QueueStore::new_reply_id(), true).status,
                OpStatus::ok);
      EXPECT_EQ(sla.update(d.uid, "care", clock, clock + kMin, std::nullopt, fires), std::vector<bool>{false});
    }
  }
  clock = posted + 3 * 60 * kMin;
  const SlaTickReport r = watch.tick();
  EXPECT_EQ(r.warnings + r.breaches, 0u);
  EXPECT_TRUE(sla_events().empty());
  EXPECT_EQ(sla.open_count(), 0);  // every clock stopped: both left
  EXPECT_EQ(redis_text("ZCARD {sla}:sla:due:care"), "0");
}

TEST_F(SlaWatchTest, AFollowUpWaitsOnTheNextResponseTarget) {
  store.enqueue({mention("first")});
  // The brand answered "first" natively (post "brand1"); the customer writes again under it.
  ASSERT_EQ(store.record_native_reply("mastodon:first", "mastodon:brand1", posted + kMin, "brand:acme").status,
            OpStatus::ok);
  Mention again = mention("again");
  again.parent_id = "brand1";
  Mention unrelated = mention("unrelated");
  unrelated.parent_id = "someone-else";
  store.enqueue({again, unrelated});
  EXPECT_EQ(store.get("mastodon:again", false)->state["follow_up"], "1");
  EXPECT_EQ(store.get("mastodon:unrelated", false)->state.count("follow_up"), 0u);

  SlaWatch watch(sla, policies, nullptr, watch_options(), fake_clock());
  clock = posted + 16 * kMin;  // next response 30m: 0.5 at 15m; first response 10m: breached
  watch.tick();
  const auto events = sla_events();
  EXPECT_EQ(events.count({"mastodon:again", "sla_warning", "next_response", "0.5"}), 1u);
  EXPECT_EQ(events.count({"mastodon:again", "sla_breached", "first_response", "1"}), 0u);
  EXPECT_EQ(events.count({"mastodon:unrelated", "sla_breached", "first_response", "1"}), 1u);
  // "first" was answered at 1 minute: no response event, its resolution clock runs on.
  for (const auto& [k, n] : events) {
    if (std::get<0>(k) == "mastodon:first") {
      EXPECT_EQ(std::get<2>(k), "resolution");
    }
  }
}

TEST_F(SlaWatchTest, AtRiskListsOpenMentionsMostUrgentFirst) {
  // p1 (1h), p0 (10m), p0 follow-up-less in "sales", and one answered.
  store.enqueue({mention("slow", 1), mention("fast", 0), mention("sales", 0, "sales"), mention("done", 1)});
  ASSERT_TRUE(store.claim("care", "ana"));  // fast (p0)
  ASSERT_TRUE(store.claim("care", "ana"));  // slow or done (p1, oldest first): slow
  ASSERT_TRUE(store.claim("care", "ana"));
  ASSERT_EQ(store.submit_reply("mastodon:done", "ana", "fixed", QueueStore::new_reply_id(), true).status, OpStatus::ok);
  SlaWatch watch(sla, policies, nullptr, watch_options(), fake_clock());
  clock = posted + 2 * kMin;
  watch.tick();

  Config config;
  config.agents = {{"ana", sha256_hex(kKey)}};
  config.api_rate_limit_per_minute = 10'000;
  config.sla = policies;
  Metrics metrics;
  ApiRoutes routes(config, store, metrics, nullptr, [this] { return clock.load(); });
  auto get = [&](const std::string& target) {
    ApiRequest req;
    req.method = "GET";
    req.target = target;
    req.authorization = std::string("Bearer ") + kKey;
    return routes.handle(req);
  };

  clock = posted + 12 * kMin;  // p0 first responses are 2 min overdue
  const ApiResponse all = get("/v1/sla/at-risk");
  ASSERT_EQ(all.status, 200) << all.body;
  rapidjson::Document d;
  d.Parse(all.body.c_str());
  const auto& items = d["items"];
  // "done" was answered (p1 has no resolution target): not at risk.
  ASSERT_EQ(items.Size(), 3u) << all.body;
  EXPECT_STREQ(items[0]["uid"].GetString(), "mastodon:fast");
  EXPECT_STREQ(items[1]["uid"].GetString(), "mastodon:sales");
  EXPECT_STREQ(items[2]["uid"].GetString(), "mastodon:slow");
  EXPECT_EQ(items[0]["remaining_ms"].GetInt64(), -2 * kMin);
  EXPECT_EQ(items[2]["remaining_ms"].GetInt64(), 48 * kMin);
  EXPECT_STREQ(items[0]["target"].GetString(), "first_response");
  EXPECT_STREQ(items[0]["queue"].GetString(), "care");
  EXPECT_EQ(items[0]["priority"].GetInt(), 0);
  EXPECT_STREQ(items[0]["state"].GetString(), "claimed");
  EXPECT_STREQ(items[0]["platform"].GetString(), "mastodon");
  EXPECT_STREQ(items[0]["text"].GetString(), "my order fast never arrived");
  EXPECT_STREQ(items[0]["author"].GetString(), "ana");
  EXPECT_STREQ(items[0]["deadline"].GetString(), format_iso8601(posted + 10 * kMin).c_str());
  EXPECT_STREQ(items[1]["state"].GetString(), "queued");

  const ApiResponse sales = get("/v1/sla/at-risk?queue=sales");
  ASSERT_EQ(sales.status, 200) << sales.body;
  d.Parse(sales.body.c_str());
  ASSERT_EQ(d["items"].Size(), 1u);
  EXPECT_STREQ(d["items"][0]["uid"].GetString(), "mastodon:sales");

  const ApiResponse one = get("/v1/sla/at-risk?limit=1");
  ASSERT_EQ(one.status, 200) << one.body;
  d.Parse(one.body.c_str());
  ASSERT_EQ(d["items"].Size(), 1u);
  EXPECT_STREQ(d["items"][0]["uid"].GetString(), "mastodon:fast");

  // Once the p0 mention is answered its response clock leaves the list at once (evaluated again
  // on each call); its resolution clock runs on, with hours left, behind "slow".
  ASSERT_EQ(store.submit_reply("mastodon:fast", "ana", "sorry", QueueStore::new_reply_id(), true).status, OpStatus::ok);
  const std::string after_reply = get("/v1/sla/at-risk?queue=care").body;
  d.Parse(after_reply.c_str());
  ASSERT_EQ(d["items"].Size(), 2u) << after_reply;
  EXPECT_STREQ(d["items"][0]["uid"].GetString(), "mastodon:slow");
  EXPECT_STREQ(d["items"][0]["target"].GetString(), "first_response");
  EXPECT_STREQ(d["items"][1]["uid"].GetString(), "mastodon:fast");
  EXPECT_STREQ(d["items"][1]["target"].GetString(), "resolution");

  for (const char* bad : {"0", "501", "ten", "-1", "1.5"}) {
    const ApiResponse r = get(std::string("/v1/sla/at-risk?limit=") + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(r.body.find("limit: expected an integer from 1 to 500, got"), std::string::npos) << r.body;
  }
  const ApiResponse bad_queue = get("/v1/sla/at-risk?queue=no%20spaces");
  EXPECT_EQ(bad_queue.status, 400);
  EXPECT_NE(bad_queue.body.find("queue: "), std::string::npos) << bad_queue.body;
  const ApiResponse unknown = get("/v1/sla/at-risk?queue=nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("queue nope does not exist"), std::string::npos) << unknown.body;
  ApiRequest anonymous;
  anonymous.method = "GET";
  anonymous.target = "/v1/sla/at-risk";
  EXPECT_EQ(routes.handle(anonymous).status, 401);
}

TEST_F(SlaWatchTest, ResolvedMentionsLeaveTheSlaSets) {
  store.enqueue({mention("r")});
  SlaWatch watch(sla, policies, nullptr, watch_options(), fake_clock());
  clock = posted + kMin;
  watch.tick();
  EXPECT_EQ(redis_text("ZCARD {sla}:sla:due:care"), "1");
  ASSERT_TRUE(store.claim("care", "ana"));
  ASSERT_EQ(store.resolve("mastodon:r", "ana").status, OpStatus::ok);
  // Looked at again within `recheck` (60s) at the latest; here at its next threshold (5m).
  clock = posted + 6 * kMin;
  const SlaTickReport r = watch.tick();
  EXPECT_EQ(r.closed, 1u);
  EXPECT_EQ(r.warnings, 0u);  // resolved before 0.5
  EXPECT_EQ(sla.open_count(), 0);
  EXPECT_EQ(redis_text("ZCARD {sla}:sla:due:care"), "0");
}

TEST_F(SlaWatchTest, StartAndStopRunTicksOnAThread) {
  store.enqueue({mention("t")});
  clock = posted + 11 * kMin;
  SlaWatchOptions o = watch_options();
  o.interval = 10ms;
  SlaWatch watch(sla, policies, nullptr, o, fake_clock());
  watch.start();
  for (int i = 0; i < 500 && sla_events().size() < 3; ++i) std::this_thread::sleep_for(10ms);
  watch.stop();
  EXPECT_EQ(sla_events().size(), 3u);  // first response 0.5, 0.8, breach
}

}  // namespace
}  // namespace carewatch
