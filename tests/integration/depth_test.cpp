// Queue depth over time against a real redis-server: two daemons' samplers sharing it record one
// sample per minute (the first one's), the coarser steps keep the highest depths of their
// minutes, and GET /v1/stats/depth answers the series over HTTP.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/api/api_key.h"
#include "daemon/pipeline/depth_sampler.h"
#include "daemon/store/depth_store.h"
#include "mention/common/time.h"
#include "tests/support/api_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::bearer;
using testing::HttpReply;
using Outcome = DepthSampler::Outcome;

constexpr std::int64_t kMin = DepthStore::kMinute, kHour = DepthStore::kHour, kDay = DepthStore::kDay;


// [[t, waiting, claimed], ...] of one series.
using Points = std::vector<std::vector<std::int64_t>>;

class DepthTest : public testing::ApiFixture {
 protected:
  DepthTest() : ApiFixture("depth") {
    config.agents = {{"alice", sha256_hex("alice-key"), AgentRole::agent},
                     {"lena", sha256_hex("lena-key"), AgentRole::lead},
                     {"vic", sha256_hex("vic-key"), AgentRole::viewer}};
    // A second daemon: its own connections to the same Redis.
    other = std::make_unique<QueueStore>(redis.endpoint(), store->options());
  }

  void enqueue(const std::string& queue, int n) {
    std::vector<Mention> batch;
    for (int i = 0; i < n; ++i) batch.push_back(testing::routed_complaint(std::to_string(++next_id), 1, queue));
    for (auto outcome : store->enqueue(batch)) ASSERT_EQ(outcome, EnqueueOutcome::queued);
  }

  // The series of an answer, queue -> points.
  static std::map<std::string, Points> series(const HttpReply& r) {
    std::map<std::string, Points> out;
    const auto d = r.json();
    EXPECT_TRUE(d.IsObject() && d.HasMember("series") && d["series"].IsArray()) << r.body;
    if (!d.IsObject() || !d.HasMember("series")) return out;
    for (const auto& s : d["series"].GetArray()) {
      Points& points = out[s["queue"].GetString()];
      for (const auto& p : s["points"].GetArray()) {
        std::vector<std::int64_t> v;
        for (const auto& x : p.GetArray()) v.push_back(x.GetInt64());
        points.push_back(v);
      }
    }
    return out;
  }

  HttpReply depth(const std::string& query, const std::string& key = "lena-key") {
    return get("/v1/stats/depth?" + query, bearer(key));
  }
  static std::string window(std::int64_t since, std::int64_t until) {
    return "since=" + format_iso8601(since) + "&until=" + format_iso8601(until);
  }

  std::unique_ptr<QueueStore> other;
  int next_id = 0;
};

TEST_F(DepthTest, TwoDaemonsRecordOneSamplePerMinuteAndTheStepsKeepTheHighestDepths) {
  DepthSampler a(*store), b(*other);
  const std::int64_t now = now_ms();
  const std::int64_t m = now - now % kHour - 3 * kHour;  // an hour start, three hours back

  // Minute 0: care 2 waiting, billing 1. A samples first; B's sample of the same minute is refused.
  enqueue("care", 2);
  enqueue("billing", 1);
  EXPECT_EQ(Outcome::recorded, a.sample(m + 5'000));
  EXPECT_EQ(Outcome::taken, b.sample(m + 40'000));
  // Minute 1: care 5 waiting; this time B is first.
  enqueue("care", 3);
  EXPECT_EQ(Outcome::recorded, b.sample(m + kMin + 1'000));
  EXPECT_EQ(Outcome::taken, a.sample(m + kMin + 1'200));
  // Minute 2: 4 claimed, 1 waiting.
  std::vector<std::string> claimed;
  for (int i = 0; i < 4; ++i) {
    auto c = store->claim("care", "alice");
    ASSERT_TRUE(c);
    claimed.push_back(c->uid);
  }
  EXPECT_EQ(Outcome::recorded, a.sample(m + 2 * kMin + 59'000));
  // Minute 3: three given back: 4 waiting, 1 claimed.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(store->release(claimed[static_cast<size_t>(i)], "alice").status, OpStatus::ok);
  EXPECT_EQ(Outcome::recorded, b.sample(m + 3 * kMin));
  EXPECT_EQ(Outcome::taken, b.sample(m + 3 * kMin + 30'000));
  // Minute 4: no daemon ran. Minute 5: 5 waiting, 1 claimed.
  enqueue("care", 1);
  EXPECT_EQ(Outcome::taken, a.sample(m + 3 * kMin + 59'999));
  EXPECT_EQ(Outcome::recorded, a.sample(m + 5 * kMin + 1'000));
  EXPECT_EQ(Outcome::taken, b.sample(m + 5 * kMin + 2'000));

  // One hash per level; the minute's holds per sampled minute its marker (the queues counted)
  // and one field per queue.
  const std::string minute_key = "{depth}:depth:m:" + std::to_string(m - m % (6 * kHour));
  EXPECT_EQ(redis.command("HLEN " + minute_key), std::to_string(5 * 3));
  EXPECT_EQ(redis.command("HGET " + minute_key + " " + std::to_string(m)), "2");
  EXPECT_EQ(redis.command("HGET " + minute_key + " " + std::to_string(m) + "|care"), "2|0");
  EXPECT_EQ(redis.command("HEXISTS " + minute_key + " " + std::to_string(m + 4 * kMin)), "0");
  const std::string keys = redis.command("KEYS {depth}:depth:*");
  EXPECT_EQ(std::count(keys.begin(), keys.end(), ' '), 4) << keys;
  // Kept for 8 days after the hash's six hours.
  const std::int64_t ttl = std::stoll(redis.command("PTTL " + minute_key));
  const std::int64_t expected_ttl = m - m % (6 * kHour) + 6 * kHour + 8 * kDay - now_ms();
  // (a second of slack above: Redis reads its own clock for PTTL, and may round up)
  EXPECT_LE(ttl, expected_ttl + 1'000);
  EXPECT_GT(ttl, expected_ttl - 60'000);

  start();
  const std::string w = window(m, m + 6 * kMin);
  const HttpReply minutes = depth(w + "&step=1m");
  ASSERT_EQ(minutes.status, 200) << minutes.body;
  const auto d = minutes.json();
  EXPECT_EQ(d["step_s"].GetInt64(), 60);
  EXPECT_EQ(std::string(d["since"].GetString()), format_iso8601(m));
  EXPECT_EQ(std::string(d["until"].GetString()), format_iso8601(m + 6 * kMin));
  auto s = series(minutes);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s["care"], (Points{{m, 2, 0}, {m + kMin, 5, 0}, {m + 2 * kMin, 1, 4}, {m + 3 * kMin, 4, 1},
                               {m + 5 * kMin, 5, 1}}));
  EXPECT_EQ(s["billing"], (Points{{m, 1, 0}, {m + kMin, 1, 0}, {m + 2 * kMin, 1, 0}, {m + 3 * kMin, 1, 0},
                                  {m + 5 * kMin, 1, 0}}));
  EXPECT_EQ(std::string(d["series"][0]["queue"].GetString()), "billing");  // by name

  // Five minutes: the highest waiting (minute 1) and the highest claimed (minute 2).
  s = series(depth(w + "&step=5m"));
  EXPECT_EQ(s["care"], (Points{{m, 5, 4}, {m + 5 * kMin, 5, 1}}));
  for (const char* step : {"15m", "1h"}) {
    const HttpReply r = depth(w + "&step=" + step);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(series(r)["care"], (Points{{m, 5, 4}})) << step;
  }
  const HttpReply hours = depth(w + "&step=1h");
  EXPECT_EQ(hours.json()["step_s"].GetInt64(), 3600);
  EXPECT_EQ(std::string(hours.json()["until"].GetString()), format_iso8601(m + kHour));
  const HttpReply days = depth(w + "&step=1d");
  ASSERT_EQ(days.status, 200) << days.body;
  EXPECT_EQ(days.json()["step_s"].GetInt64(), 86400);
  EXPECT_EQ(series(days)["care"], (Points{{m - m % kDay, 5, 4}}));

  // One queue; a part of the window; none sampled.
  s = series(depth(w + "&step=1m&queue=care"));
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s["care"].size(), 5u);
  EXPECT_EQ(series(depth(window(m + 2 * kMin, m + 4 * kMin) + "&step=1m&queue=care"))["care"],
            (Points{{m + 2 * kMin, 1, 4}, {m + 3 * kMin, 4, 1}}));
  EXPECT_TRUE(series(depth(w + "&step=1m&queue=nosuch")).empty());
  EXPECT_TRUE(series(depth(window(m - kHour, m) + "&step=1m")).empty());
}

TEST_F(DepthTest, AnyRoleReadsAndBadParametersAreNamed) {
  DepthSampler a(*store);
  const std::int64_t now = now_ms();
  EXPECT_EQ(a.sample(now), Outcome::no_queues);  // nothing to record yet
  EXPECT_EQ(redis.command("KEYS {depth}:depth:*"), "");
  enqueue("care", 1);
  ASSERT_EQ(a.sample(now), Outcome::recorded);
  start();
  for (const char* key : {"alice-key", "lena-key", "vic-key"}) {
    // The default window: the last hour, to the end of the current minute, in steps of 5 minutes.
    const HttpReply r = depth("", key);
    ASSERT_EQ(r.status, 200) << key << ": " << r.body;
    EXPECT_EQ(r.json()["step_s"].GetInt64(), 300);
    const auto s = series(r);
    ASSERT_EQ(s.count("care"), 1u) << r.body;
    EXPECT_EQ(s.at("care").back()[1], 1);
  }
  EXPECT_EQ(get("/v1/stats/depth").status, 401);

  auto refused = [&](const std::string& query, const std::string& starts) {
    const HttpReply r = depth(query);
    EXPECT_EQ(r.status, 400) << query << ": " << r.body;
    EXPECT_EQ(r.error().rfind(starts, 0), 0u) << query << ": " << r.error();
    return r.error();
  };
  for (const char* step : {"2m", "6h", "abc", "", "0m", "-5m"}) refused(std::string("step=") + step, "step:");
  EXPECT_NE(refused("step=2m", "step:").find("1m, 5m, 15m, 1h or 1d"), std::string::npos);
  const std::string too_many = refused("window=3d&step=1m", "step:");
  EXPECT_NE(too_many.find("4320"), std::string::npos) << too_many;
  EXPECT_NE(too_many.find("2000"), std::string::npos) << too_many;
  EXPECT_EQ(depth("window=2000m&step=1m").status, 200);
  refused("since=yesterday", "since:");
  refused("until=soon", "until:");
  refused("window=1h&since=2026-11-22T10:00:00Z", "window:");
  refused("since=2026-11-22T10:00:00Z&until=2026-11-22T09:00:00Z", "since:");

  // A 1-minute step past the minutes' retention is answered in the next coarser step kept.
  const HttpReply old = depth(window(now - 10 * kDay, now - 10 * kDay + kHour) + "&step=1m");
  ASSERT_EQ(old.status, 200) << old.body;
  EXPECT_EQ(old.json()["step_s"].GetInt64(), 300);
}

}  // namespace
}  // namespace carewatch
