// The figures aggregates against the raw computation, on a real redis-server: GET /v1/stats
// answered from {cw}:fig:* (through ApiRoutes::handle) must equal latency_stats_json over every
// event, for every grouping and for windows that start and end anywhere.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "daemon/api/api_key.h"
#include "daemon/api/api_routes.h"
#include "daemon/store/stats_store.h"
#include "daemon/telemetry/latency_stats.h"
#include "daemon/tools/stats_history.h"
#include "mention/common/time.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::TestRedis;

constexpr const char* kAliceKey = "alice-figures-key";
constexpr const char* kLeadKey = "lead-figures-key";
constexpr const char* kAgent07Key = "agent07-figures-key";

class FiguresTest : public ::testing::Test {
 protected:
  FiguresTest() {
    QueueStoreOptions o;
    o.lease = 60s;
    o.connect_timeout = 500ms;
    o.command_timeout = 20000ms;
    store = std::make_unique<QueueStore>(redis.endpoint(), o);
    config.store = o;
    config.api_rate_limit_per_minute = 1'000'000;
    config.agents = {{"alice", sha256_hex(kAliceKey), AgentRole::agent},
                     {"agent07", sha256_hex(kAgent07Key), AgentRole::agent},
                     {"lead", sha256_hex(kLeadKey), AgentRole::lead}};
    routes = std::make_unique<ApiRoutes>(config, *store, metrics, [] { return true; }, [this] { return now; });
  }

  ApiResponse get(const std::string& target, const char* key = kLeadKey) {
    ApiRequest r;
    r.method = "GET";
    r.target = target;
    r.authorization = std::string("Bearer ") + key;
    r.client_address = "127.0.0.1";
    return routes->handle(r);
  }

  // latency_stats_json over every event of the stream, for the window the route answered.
  std::string raw(GroupBy by, TimeMs since, TimeMs until, const FigureFilter& filter = {}) {
    const auto [from, to] = StatsStore::align(since, until, now);
    LatencyAccumulator acc(by, from, to - 1, filter);
    std::string after = "0-0";
    for (;;) {
      const auto page = store->events_after(after, 10'000);
      if (page.empty()) break;
      for (const Event& e : page) acc.add(e);
      after = page.back().id;
    }
    return latency_stats_json(acc.result(), by, from, to);
  }

  TestRedis redis;
  std::unique_ptr<QueueStore> store;
  Config config;
  Metrics metrics;
  TimeMs now = now_ms();
  std::unique_ptr<ApiRoutes> routes;
};

Mention make_mention(const std::string& id, const std::string& queue, TimeMs posted) {
  Mention m;
  m.platform = "mastodon";
  m.native_id = id;
  m.uid = make_uid(m.platform, id);
  m.source = "brand-tag";
  m.text = "order " + id + " never arrived";
  m.author.handle = "customer" + id;
  m.posted_at = posted;
  m.seen_at = posted + 2'000;
  m.decision.category = Category::complaint;
  m.decision.priority = 1;
  m.decision.queue = queue;
  return m;
}

const char* const kGroupings[] = {"none", "queue", "platform", "priority", "agent"};

TEST_F(FiguresTest, GeneratedHistoryEqualsTheRawComputationForAnyWindowAndGrouping) {
  StatsHistoryOptions h;
  h.mentions = 3000;
  h.agents = 12;
  h.start_ms = now - 3 * StatsStore::kDay;
  h.end_ms = now - 2 * 3'600'000;
  h.seed = 5;
  StatsStore figures(store->pool(), config.store.prefix);
  size_t events = 0;
  generate_stats_history(h, 5'000, [&](EventBatch& b) {
    figures.record(b, 100);
    events += b.size();
  });
  ASSERT_GT(events, 10'000u);

  std::mt19937_64 rng(3);
  std::vector<std::pair<TimeMs, TimeMs>> windows = {{h.start_ms - 60'000, now}, {now - StatsStore::kDay, now}};
  for (int i = 0; i < 6; ++i) {
    std::uniform_int_distribution<TimeMs> t(h.start_ms, now);
    TimeMs a = t(rng), b = t(rng);
    if (a > b) std::swap(a, b);
    if (b - a < 60'000) b = a + 60'000;
    windows.push_back({a, b});
  }
  size_t nonempty = 0;
  for (const auto& [since, until] : windows) {
    for (const char* by : kGroupings) {
      const std::string target = std::string("/v1/stats?by=") + by + "&since=" + format_iso8601(since) +
                                 "&until=" + format_iso8601(until);
      const ApiResponse r = get(target);
      ASSERT_EQ(r.status, 200) << target << ": " << r.body;
      EXPECT_EQ(r.body, raw(*group_by_from_string(by), since, until)) << target;
      if (r.body.find("\"count\":0,") == std::string::npos || r.body.find("\"count\":1") != std::string::npos)
        ++nonempty;
    }
  }
  EXPECT_GT(nonempty, 10u);  // the windows held samples, not only empty groups

  // The whole history has first responses that moved (a late, earlier brand reply) and hand-offs.
  const ApiResponse all = get("/v1/stats?by=agent&since=" + format_iso8601(h.start_ms - 60'000));
  EXPECT_NE(all.body.find("\"group\":\"brand:acme\""), std::string::npos);
  rapidjson::Document d;
  d.Parse(all.body.c_str());
  long long handoffs = 0, claims = 0;
  for (const auto& g : d["groups"].GetArray()) {
    handoffs += g["counts"]["handoffs"].GetInt64();
    claims += g["counts"]["claims"].GetInt64();
  }
  EXPECT_GT(handoffs, 0);
  EXPECT_GT(claims, 2500);
}

TEST_F(FiguresTest, FilteredAgentFiguresEqualTheRawComputation) {
  StatsHistoryOptions h;
  h.mentions = 2000;
  h.agents = 8;
  h.start_ms = now - 2 * StatsStore::kDay;
  h.end_ms = now - 3'600'000;
  h.seed = 11;
  StatsStore figures(store->pool(), config.store.prefix);
  generate_stats_history(h, 5'000, [&](EventBatch& b) { figures.record(b, 100); });

  struct Case {
    const char *query, *queue, *platform, *priority;
  };
  const Case cases[] = {{"&queue=care", "care", nullptr, nullptr},
                        {"&platform=reddit", nullptr, "reddit", nullptr},
                        {"&priority=2", nullptr, nullptr, "p2"},
                        {"&queue=billing&platform=mastodon&priority=0", "billing", "mastodon", "p0"},
                        {"&queue=nowhere", "nowhere", nullptr, nullptr}};
  const std::pair<TimeMs, TimeMs> windows[] = {{h.start_ms - 60'000, now}, {now - 30 * 3'600'000 + 7 * 60'000, now - 5 * 3'600'000 - 13 * 60'000}};
  long long claims_by_queue = 0;
  for (const auto& [since, until] : windows) {
    for (const Case& c : cases) {
      FigureFilter f;
      if (c.queue) f.queue = c.queue;
      if (c.platform) f.platform = c.platform;
      if (c.priority) f.priority = c.priority;
      const std::string target = "/v1/stats?by=agent&since=" + format_iso8601(since) + "&until=" + format_iso8601(until) + c.query;
      const ApiResponse r = get(target);
      ASSERT_EQ(r.status, 200) << target << ": " << r.body;
      EXPECT_EQ(r.body, raw(GroupBy::agent, since, until, f)) << target;
      EXPECT_EQ(r.body.find("\"kind\":\"source\""), std::string::npos) << target;  // sources are not an agent's work
      if (std::string(c.query) == "&queue=care" && since < h.start_ms) {
        rapidjson::Document d;
        d.Parse(r.body.c_str());
        for (const auto& g : d["groups"].GetArray()) claims_by_queue += g["counts"]["claims"].GetInt64();
      }
      if (std::string(c.query) == "&queue=nowhere") {
        EXPECT_NE(r.body.find("\"groups\":[]"), std::string::npos) << r.body;
      }
    }
  }
  EXPECT_GT(claims_by_queue, 300);  // one queue of three holds a share of the claims, not none

  // The filters narrow the agent figures only, and say what was wrong.
  EXPECT_EQ(get("/v1/stats?by=queue&queue=care").status, 400);
  const ApiResponse bad = get("/v1/stats?by=agent&priority=7");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("priority"), std::string::npos) << bad.body;
}

// Every key matching `pattern`.
std::vector<std::string> scan(QueueStore& store, const std::string& pattern) {
  std::vector<std::string> out;
  std::string cursor = "0";
  do {
    const RedisReply r = store.pool().command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    cursor = r.elements.at(0).str;
    for (const auto& k : r.elements.at(1).elements) out.push_back(k.str);
  } while (cursor != "0");
  return out;
}

TEST_F(FiguresTest, EveryFiguresKeyExpires) {
  StatsHistoryOptions h;
  h.mentions = 500;
  h.agents = 6;
  h.start_ms = now - 2 * StatsStore::kDay;
  h.end_ms = now - 3'600'000;
  StatsStore figures(store->pool(), config.store.prefix);
  generate_stats_history(h, 400, [&](EventBatch& b) { figures.record(b, 50); });
  ASSERT_EQ(get("/v1/stats?window=2d&by=agent").status, 200);  // seals the blocks that have ended
  const auto keys = scan(*store, "{cw}:fig:*");
  size_t sealed = 0;
  for (const std::string& k : keys) {
    const long long ttl = store->pool().command({"PTTL", k}).integer;
    EXPECT_GT(ttl, 0) << k;
    sealed += k.ends_with(":s");
    EXPECT_EQ(k.find(":all"), std::string::npos) << k << ": the whole is read from the priority groups";
  }
  EXPECT_GT(keys.size(), 500u);
  EXPECT_GT(sealed, 50u);
}

TEST_F(FiguresTest, SealedCopiesGiveTheSameFiguresAndALateCorrectionUnsealsItsBlock) {
  StatsHistoryOptions h;
  h.mentions = 2000;
  h.agents = 10;
  h.start_ms = now - 3 * StatsStore::kDay;
  h.end_ms = now - 2 * 3'600'000;
  h.seed = 9;
  StatsStore figures(store->pool(), config.store.prefix);
  generate_stats_history(h, 5'000, [&](EventBatch& b) { figures.record(b, 100); });
  const std::string target = "/v1/stats?by=agent&since=" + format_iso8601(h.start_ms - 60'000);
  const ApiResponse first = get(target);  // from the hashes; seals the blocks that have ended
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body, raw(GroupBy::agent, h.start_ms - 60'000, now));
  // A whole day inside the window now has its sealed copy, and the copy gives the same figures.
  const StatsStore::Block day{'d', (h.start_ms / StatsStore::kDay + 1) * StatsStore::kDay};
  const std::string copy = figures.key(day, "ag") + ":s";
  EXPECT_EQ(store->pool().command({"EXISTS", copy}).integer, 1) << copy;
  EXPECT_EQ(store->pool().command({"EXISTS", figures.key(day, "ag")}).integer, 1);
  EXPECT_EQ(get(target).body, first.body);
  for (const char* by : kGroupings) {
    const std::string t = std::string("/v1/stats?by=") + by + "&since=" + format_iso8601(h.start_ms - 60'000);
    const ApiResponse once = get(t);
    EXPECT_EQ(get(t).body, once.body) << t;
    EXPECT_EQ(once.body, raw(*group_by_from_string(by), h.start_ms - 60'000, now)) << t;
  }

  // A brand reply seen now, made before a first response counted in that day: the sample moves
  // out of the day, whose sealed copy goes with the write.
  std::string uid, where;
  for (const std::string& k : scan(*store, "{cw}:fig:frt:*")) {
    const std::string v = store->pool().command({"GET", k}).str;
    const TimeMs at = std::stoll(v.substr(0, v.find('|')));
    if (at >= day.start && at < day.start + StatsStore::kDay) {
      uid = k.substr(std::string("{cw}:fig:frt:").size());
      where = v;
      break;
    }
  }
  ASSERT_FALSE(uid.empty());
  const std::string last_id = store->pool().command({"XREVRANGE", "{cw}:events", "+", "-", "COUNT", "1"})
                                  .elements.at(0).elements.at(0).str;
  const TimeMs at = std::max<TimeMs>(now, std::stoll(last_id.substr(0, last_id.find('-')))) + 1;
  figures.record({{"type", "replied", "uid", uid, "actor", "brand:acme", "at", std::to_string(at), "queue", "care",
                   "platform", "mastodon", "priority", "1", "native", "1", "frt_ms", "0"}});
  EXPECT_EQ(store->pool().command({"EXISTS", copy}).integer, 0) << "written into after " << where;
  now = at + 1;
  for (const char* by : kGroupings) {
    const std::string t = std::string("/v1/stats?by=") + by + "&since=" + format_iso8601(h.start_ms - 60'000) +
                          "&until=" + format_iso8601(now);
    const ApiResponse moved = get(t);
    EXPECT_EQ(moved.body, raw(*group_by_from_string(by), h.start_ms - 60'000, now)) << t;
    EXPECT_EQ(get(t).body, moved.body) << t;  // sealed again, the same
  }
  EXPECT_EQ(store->pool().command({"EXISTS", copy}).integer, 1);
}

TEST_F(FiguresTest, TheScriptsCountWhatTheyEmit) {
  const TimeMs posted = now_ms() - 90'000;
  store->enqueue({make_mention("1", "care", posted), make_mention("2", "care", posted),
                  make_mention("3", "sales", posted)});
  const auto c1 = store->claim("care", "alice");
  ASSERT_TRUE(c1);
  ASSERT_EQ(store->submit_reply(c1->uid, "alice", "sorry, on it", QueueStore::new_reply_id(), true).status,
            OpStatus::ok);
  ASSERT_EQ(store->resolve(c1->uid, "alice").status, OpStatus::ok);
  const auto c2 = store->claim("care", "agent07");
  ASSERT_TRUE(c2);
  ASSERT_EQ(store->release(c2->uid, "agent07").status, OpStatus::ok);
  // A brand reply made before alice's reply, seen after it: the first response moves.
  ASSERT_EQ(store->record_native_reply(c1->uid, "mastodon:brand-1", posted + 10'000, "brand:acme").status,
            OpStatus::ok);
  now = now_ms() + 1;
  for (const char* by : kGroupings) {
    const ApiResponse r = get(std::string("/v1/stats?window=1h&by=") + by);
    ASSERT_EQ(r.status, 200) << r.body;
    const TimeMs until = StatsStore::align(now, now, now).second;
    EXPECT_EQ(r.body, raw(*group_by_from_string(by), until - 3'600'000, until)) << by;
  }
  rapidjson::Document d;
  const ApiResponse r = get("/v1/stats?window=1h&by=agent");
  d.Parse(r.body.c_str());
  bool alice = false;
  for (const auto& g : d["groups"].GetArray()) {
    if (std::string(g["group"].GetString()) != "alice") continue;
    alice = true;
    EXPECT_EQ(g["counts"]["claims"].GetInt64(), 1);
    EXPECT_EQ(g["counts"]["replies"].GetInt64(), 1);
    EXPECT_EQ(g["counts"]["resolutions"].GetInt64(), 1);
    EXPECT_EQ(g["first_response"]["count"].GetInt64(), 0);  // moved to the brand's reply
    EXPECT_EQ(g["resolution"]["count"].GetInt64(), 1);
  }
  EXPECT_TRUE(alice) << r.body;
  const ApiResponse none = get("/v1/stats?window=1h");
  d.Parse(none.body.c_str());
  EXPECT_EQ(d["groups"][0]["first_response"]["count"].GetInt64(), 1) << none.body;
  EXPECT_DOUBLE_EQ(d["groups"][0]["first_response"]["p50_s"].GetDouble(), 10.0) << none.body;
  EXPECT_EQ(d["groups"][0]["detection_delay"]["count"].GetInt64(), 3);
}

TEST_F(FiguresTest, AnAgentSeesOnlyTheirOwnAgentGroup) {
  StatsHistoryOptions h;
  h.mentions = 300;
  h.agents = 8;
  h.start_ms = now - 6 * 3'600'000;
  h.end_ms = now - 3'600'000;
  StatsStore figures(store->pool(), config.store.prefix);
  generate_stats_history(h, 1'000, [&](EventBatch& b) { figures.record(b); });
  auto groups = [&](const char* key) {
    rapidjson::Document d;
    const ApiResponse r = get("/v1/stats?window=1d&by=agent", key);
    EXPECT_EQ(r.status, 200) << r.body;
    d.Parse(r.body.c_str());
    std::vector<std::string> out;
    for (const auto& g : d["groups"].GetArray())
      out.push_back(std::string(g["kind"].GetString()) + ":" + g["group"].GetString());
    return out;
  };
  const auto lead = groups(kLeadKey);
  const auto agent07 = groups(kAgent07Key);
  size_t lead_agents = 0;
  for (const auto& g : lead) lead_agents += g.rfind("agent:", 0) == 0;
  EXPECT_EQ(lead_agents, 8u);
  std::vector<std::string> want;
  for (const auto& g : lead)
    if (g.rfind("agent:", 0) != 0 || g == "agent:agent07") want.push_back(g);
  EXPECT_EQ(agent07, want);
  EXPECT_EQ(groups(kAliceKey).size(), want.size() - 1);  // no group of alice's own: brand and sources only
}

TEST_F(FiguresTest, BadParametersAreNamed) {
  EXPECT_EQ(get("/v1/stats?since=yesterday").status, 400);
  EXPECT_NE(get("/v1/stats?since=yesterday").body.find("since"), std::string::npos);
  EXPECT_NE(get("/v1/stats?until=later").body.find("until"), std::string::npos);
  EXPECT_NE(get("/v1/stats?window=1h&since=2026-11-01T00:00:00Z").body.find("window"), std::string::npos);
  EXPECT_EQ(get("/v1/stats?since=2030-01-01T00:00:00Z&until=2029-01-01T00:00:00Z").status, 400);
  EXPECT_EQ(get("/v1/stats?by=colour").status, 400);
}

TEST(StatsStoreBlocks, AWindowIsReadAsDaysHoursAndMinutes) {
  const std::int64_t day = StatsStore::kDay, hour = StatsStore::kHour, minute = StatsStore::kMinute;
  const std::int64_t t0 = 1'795'305'600'000;  // 2026-11-22T00:00:00Z
  auto b = StatsStore::blocks(t0 + 23 * hour + 58 * minute, t0 + 3 * day + 1 * hour + 2 * minute);
  std::string shape;
  for (const auto& x : b) shape += x.level;
  EXPECT_EQ(shape, "mm" "dd" "h" "mm");  // 23:58, 23:59, two days, 00:00-01:00, 01:00, 01:01
  EXPECT_EQ(b.front().start, t0 + 23 * hour + 58 * minute);
  // 30 days from an unaligned minute: at most 59 + 23 + 30 + 23 + 59.
  EXPECT_LE(StatsStore::blocks(t0 + 17 * minute + 5 * hour, t0 + 30 * day + 17 * minute + 5 * hour).size(), 194u);
  // Alignment: minutes near now, hours beyond a week back, days beyond 61 days.
  const std::int64_t now = t0 + 100 * day + 7 * hour + 30 * minute + 5'000;
  EXPECT_EQ(StatsStore::align(now - 2 * hour - 1, now, now),
            std::make_pair(now - 5'000 - 2 * hour, now - 5'000 + minute));
  EXPECT_EQ(StatsStore::align(now - 10 * day, now, now).first, t0 + 90 * day + 7 * hour);
  EXPECT_EQ(StatsStore::align(now - 70 * day, now, now).first, t0 + 30 * day);
}

}  // namespace
}  // namespace carewatch
