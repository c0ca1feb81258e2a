#include "daemon/telemetry/latency_stats.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace carewatch {
namespace {

constexpr TimeMs T = 1795341600000;  // 2026-11-22T10:00:00Z
constexpr TimeMs s(long long seconds) { return T + seconds * 1000; }

// An event as the queue store scripts write it: queue, platform and priority always present
// (empty when the mention has none), plus the event's extra fields.
Event ev(std::string type, std::string uid, std::string actor, TimeMs at, std::string queue,
         std::string platform, std::string priority, std::map<std::string, std::string> extra = {}) {
  Event e;
  e.id = std::to_string(at) + "-0";
  e.type = std::move(type);
  e.uid = std::move(uid);
  e.actor = std::move(actor);
  e.at = at;
  e.fields = {{"type", e.type}, {"uid", e.uid}, {"actor", e.actor}, {"at", std::to_string(at)},
              {"queue", std::move(queue)}, {"platform", std::move(platform)},
              {"priority", std::move(priority)}};
  for (auto& [k, v] : extra) e.fields[k] = v;
  return e;
}

// Five mentions (times in seconds after T):
//   A mastodon/care/p1 by source masto-tag: posted 0, seen 30, queued 31 (detect 30); claimed
//     by alice 91 (wait 60); replied by alice 300 (frt 300); resolved by alice 400.
//   B mastodon/care/p0: posted 10, seen 20, queued 21 (detect 10); claimed by bob 41 (wait 20);
//     the brand replied natively at 100, seen at 101 (frt 90); resolved by bob 200 (190).
//   C reddit/sales/p2 by source reddit-new: posted 5, seen and queued 125 (detect 120); claimed
//     by alice 130 (wait 5), released 140, claimed again by bob 150 (no second wait); replied by
//     bob 605 (frt 600).
//   D reddit/care/p1: posted 5, seen 50, queued 50 (detect 45); never claimed.
//   E mastodon, not routed: posted 10, ingested 55, native reply by the brand at 60 (frt 50).
std::vector<Event> scenario() {
  return {
      ev("ingested", "masto:B", "masto-tag", s(21), "care", "mastodon", "0"),
      ev("queued", "masto:B", "masto-tag", s(21), "care", "mastodon", "0", {{"detect_ms", "10000"}}),
      ev("ingested", "masto:A", "masto-tag", s(31), "care", "mastodon", "1"),
      ev("queued", "masto:A", "masto-tag", s(31), "care", "mastodon", "1", {{"detect_ms", "30000"}}),
      ev("claimed", "masto:B", "bob", s(41), "care", "mastodon", "0", {{"wait_ms", "20000"}}),
      ev("queued", "reddit:D", "reddit-new", s(50), "care", "reddit", "1", {{"detect_ms", "45000"}}),
      ev("ingested", "masto:E", "masto-tag", s(55), "", "mastodon", "3"),
      ev("replied", "masto:E", "brand:acme", s(60), "", "mastodon", "3",
         {{"native", "1"}, {"reply_at", std::to_string(s(60))}, {"frt_ms", "50000"}}),
      ev("claimed", "masto:A", "alice", s(91), "care", "mastodon", "1", {{"wait_ms", "60000"}}),
      ev("replied", "masto:B", "brand:acme", s(101), "care", "mastodon", "0",
         {{"native", "1"}, {"reply_at", std::to_string(s(100))}, {"frt_ms", "90000"}}),
      ev("queued", "reddit:C", "reddit-new", s(125), "sales", "reddit", "2", {{"detect_ms", "120000"}}),
      ev("claimed", "reddit:C", "alice", s(130), "sales", "reddit", "2", {{"wait_ms", "5000"}}),
      ev("released", "reddit:C", "alice", s(140), "sales", "reddit", "2"),
      ev("claimed", "reddit:C", "bob", s(150), "sales", "reddit", "2"),
      ev("renewed", "reddit:C", "bob", s(160), "sales", "reddit", "2"),
      ev("resolved", "masto:B", "bob", s(200), "care", "mastodon", "0", {{"resolve_ms", "190000"}}),
      ev("replied", "masto:A", "alice", s(300), "care", "mastodon", "1", {{"frt_ms", "300000"}}),
      ev("resolved", "masto:A", "alice", s(400), "care", "mastodon", "1", {{"resolve_ms", "400000"}}),
      ev("replied", "reddit:C", "bob", s(605), "sales", "reddit", "2", {{"frt_ms", "600000"}}),
  };
}

struct Want {
  size_t count;
  double p50, p90, p99, max;
};

void expect_summary(const Summary& got, Want want, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(got.count, want.count);
  EXPECT_DOUBLE_EQ(got.p50, want.p50);
  EXPECT_DOUBLE_EQ(got.p90, want.p90);
  EXPECT_DOUBLE_EQ(got.p99, want.p99);
  EXPECT_DOUBLE_EQ(got.max, want.max);
}

constexpr Want none{0, 0, 0, 0, 0};
Want one(double v) { return {1, v, v, v, v}; }

struct GroupWant {
  std::string group;
  Want detection, queue_wait, first_response, resolution;
};

void expect_groups(const std::vector<GroupStats>& got, const std::vector<GroupWant>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].group, want[i].group);
    expect_summary(got[i].detection, want[i].detection, want[i].group + " detection");
    expect_summary(got[i].queue_wait, want[i].queue_wait, want[i].group + " queue_wait");
    expect_summary(got[i].first_response, want[i].first_response, want[i].group + " first_response");
    expect_summary(got[i].resolution, want[i].resolution, want[i].group + " resolution");
  }
}

// ---- percentiles, worked out by hand (nearest rank: the ceil(q*n)-th smallest) ----

TEST(LatencySummarize, Empty) {
  std::vector<long long> v;
  expect_summary(summarize(v), none, "empty");
}

TEST(LatencySummarize, OneSample) {
  std::vector<long long> v = {1234};
  expect_summary(summarize(v), one(1.234), "one");
}

TEST(LatencySummarize, TwoSamples) {
  std::vector<long long> v = {2000, 1000};
  // p50: ceil(1.0) = 1st; p90: ceil(1.8) = 2nd; p99: ceil(1.98) = 2nd
  expect_summary(summarize(v), {2, 1.0, 2.0, 2.0, 2.0}, "two");
  EXPECT_EQ(v, (std::vector<long long>{1000, 2000}));  // sorted in place
}

TEST(LatencySummarize, TenSamples) {
  std::vector<long long> v = {7000, 3000, 10000, 1000, 9000, 2000, 8000, 5000, 4000, 6000};
  // p50: 5th = 5 s; p90: 9th = 9 s; p99: ceil(9.9) = 10th = 10 s
  expect_summary(summarize(v), {10, 5.0, 9.0, 10.0, 10.0}, "ten");
}

TEST(LatencySummarize, HundredSamplesAtMillisecondResolution) {
  std::vector<long long> v;
  for (long long i = 100; i >= 1; --i) v.push_back(i);  // 1 ms .. 100 ms, reversed
  std::shuffle(v.begin(), v.end(), std::mt19937(42));
  // p50: 50th = 0.050 s; p90: 90th = 0.090 s; p99: 99th = 0.099 s; max 0.100 s
  expect_summary(summarize(v), {100, 0.05, 0.09, 0.099, 0.1}, "hundred");
}

// ---- grouping over the scenario (whole window) ----

TEST(LatencyStats, All) {
  auto g = latency_stats(scenario(), GroupBy::none, T, s(3600));
  // detection 10,30,45,120; wait 5,20,60; frt 50,90,300,600; resolution 190,400
  expect_groups(g, {{"all", {4, 30, 120, 120, 120}, {3, 20, 60, 60, 60}, {4, 90, 600, 600, 600},
                     {2, 190, 400, 400, 400}}});
}

TEST(LatencyStats, ByQueue) {
  auto g = latency_stats(scenario(), GroupBy::queue, T, s(3600));
  expect_groups(g, {
                       {"care", {3, 30, 45, 45, 45}, {2, 20, 60, 60, 60}, {2, 90, 300, 300, 300},
                        {2, 190, 400, 400, 400}},
                       {"sales", one(120), one(5), one(600), none},
                       {"unknown", none, none, one(50), none},  // E was not routed
                   });
}

TEST(LatencyStats, ByPlatform) {
  auto g = latency_stats(scenario(), GroupBy::platform, T, s(3600));
  expect_groups(g, {
                       {"mastodon", {2, 10, 30, 30, 30}, {2, 20, 60, 60, 60}, {3, 90, 300, 300, 300},
                        {2, 190, 400, 400, 400}},
                       {"reddit", {2, 45, 120, 120, 120}, one(5), one(600), none},
                   });
}

TEST(LatencyStats, ByPriority) {
  auto g = latency_stats(scenario(), GroupBy::priority, T, s(3600));
  expect_groups(g, {
                       {"p0", one(10), one(20), one(90), one(190)},
                       {"p1", {2, 30, 45, 45, 45}, one(60), one(300), one(400)},
                       {"p2", one(120), one(5), one(600), none},
                       {"p3", none, none, one(50), none},
                   });
}

// By agent, each group says what kind of actor it is: the agents first, then the brand's own
// native replies, then the sources under which detection delay is counted (no agent detects).
TEST(LatencyStats, ByAgentPutsBrandRepliesAndSourcesInTheirOwnKinds) {
  auto g = latency_stats(scenario(), GroupBy::agent, T, s(3600));
  expect_groups(g, {
                       {"alice", none, {2, 5, 60, 60, 60}, one(300), one(400)},
                       {"bob", none, one(20), one(600), one(190)},
                       {"brand:acme", none, none, {2, 50, 90, 90, 90}, none},
                       {"masto-tag", {2, 10, 30, 30, 30}, none, none, none},
                       {"reddit-new", {2, 45, 120, 120, 120}, none, none, none},
                   });
  std::vector<std::string> kinds;
  for (const auto& x : g) kinds.push_back(x.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"agent", "agent", "brand", "source", "source"}));
  // Other groupings have no kind.
  for (const auto& x : latency_stats(scenario(), GroupBy::queue, T, s(3600))) EXPECT_EQ(x.kind, "");
}

// The agent figures of one queue, platform or priority: only the work done there, by agents and
// the brand (a source's detection delay is no agent's work).
TEST(LatencyStats, AFilterKeepsTheAgentFiguresOfWhereTheWorkWas) {
  FigureFilter care;
  care.queue = "care";
  expect_groups(latency_stats(scenario(), GroupBy::agent, T, s(3600), care),
                {
                    {"alice", none, one(60), one(300), one(400)},
                    {"bob", none, one(20), none, one(190)},
                    {"brand:acme", none, none, one(90), none},
                });
  FigureFilter reddit_p2;
  reddit_p2.platform = "reddit";
  reddit_p2.priority = "p2";
  auto g = latency_stats(scenario(), GroupBy::agent, T, s(3600), reddit_p2);
  expect_groups(g, {{"alice", none, one(5), none, none}, {"bob", none, none, one(600), none}});
  EXPECT_EQ(g[0].counts.claims, 1);  // C claimed by alice, released, claimed again by bob
  EXPECT_EQ(g[1].counts.claims, 1);
  EXPECT_EQ(g[1].counts.replies, 1);
  FigureFilter unrouted;
  unrouted.queue = "unknown";  // E: the brand answered a mention no queue took
  expect_groups(latency_stats(scenario(), GroupBy::agent, T, s(3600), unrouted),
                {{"brand:acme", none, none, one(50), none}});
  // Other groupings ignore it.
  EXPECT_EQ(latency_stats(scenario(), GroupBy::queue, T, s(3600), care).size(),
            latency_stats(scenario(), GroupBy::queue, T, s(3600)).size());
}

// A source and an agent that share a name are two groups, not one; a native reply counts as the
// brand's even when its actor is not written "brand:<handle>" (older events).
TEST(LatencyStats, ASourceNamedLikeAnAgentIsNotThatAgent) {
  const std::vector<Event> events = {
      ev("queued", "x:1", "ana", s(1), "care", "x", "1", {{"detect_ms", "1000"}}),
      ev("claimed", "x:1", "ana", s(2), "care", "x", "1", {{"wait_ms", "2000"}}),
      ev("replied", "x:2", "ana", s(3), "care", "x", "1", {{"native", "1"}, {"frt_ms", "3000"}}),
  };
  auto g = latency_stats(events, GroupBy::agent, T, s(3600));
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].kind, "agent");
  EXPECT_EQ(g[0].queue_wait.count, 1u);
  EXPECT_EQ(g[0].detection.count, 0u);
  EXPECT_EQ(g[1].kind, "brand");
  EXPECT_EQ(g[1].first_response.count, 1u);
  EXPECT_EQ(g[2].kind, "source");
  EXPECT_EQ(g[2].detection.count, 1u);
  for (const auto& x : g) EXPECT_EQ(x.group, "ana");
}

TEST(LatencyStatsJson, ByAgentGroupsCarryTheirKind) {
  const auto json = latency_stats_json(latency_stats(scenario(), GroupBy::agent, T, s(3600)), GroupBy::agent, T,
                                       s(3600));
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError()) << json;
  std::map<std::string, std::string> kind;
  for (const auto& g : d["groups"].GetArray()) kind[g["group"].GetString()] = g["kind"].GetString();
  EXPECT_EQ(kind, (std::map<std::string, std::string>{{"alice", "agent"},
                                                       {"bob", "agent"},
                                                       {"brand:acme", "brand"},
                                                       {"masto-tag", "source"},
                                                       {"reddit-new", "source"}}));
  const auto by_queue = latency_stats_json(latency_stats(scenario(), GroupBy::queue, T, s(3600)), GroupBy::queue,
                                           T, s(3600));
  EXPECT_EQ(by_queue.find("\"kind\""), std::string::npos) << by_queue;
}

// first_reply_at only moves earlier: a brand reply that arrives after a later one (another page,
// another source) replaces it and emits a second frt_ms with frt_was_ms. Each mention counts once,
// with its earliest sample in the window, under the group of the event that carried it.
std::vector<Event> replaced_first_response() {
  return {
      ev("replied", "x:2", "brand:acme", s(60), "care", "x", "1",
         {{"native", "1"}, {"reply_at", std::to_string(s(60))}, {"frt_ms", "60000"}}),
      ev("reply_sent", "x:1", "alice", s(300), "care", "x", "1", {{"frt_ms", "300000"}}),
      ev("replied", "x:1", "brand:acme", s(350), "care", "x", "1",
         {{"native", "1"}, {"reply_at", std::to_string(s(120))}, {"frt_ms", "120000"}, {"frt_was_ms", "300000"}}),
      // a later sample of x:2 (not possible from the scripts, but the earliest still wins)
      ev("replied", "x:2", "bob", s(400), "care", "x", "1", {{"frt_ms", "400000"}}),
  };
}

TEST(LatencyStats, AMentionCountsOnceWithItsEarliestFirstResponse) {
  auto g = latency_stats(replaced_first_response(), GroupBy::none, T, s(3600));
  expect_groups(g, {{"all", none, none, {2, 60, 120, 120, 120}, none}});

  g = latency_stats(replaced_first_response(), GroupBy::agent, T, s(3600));
  // not alice's, not bob's (bob's group only has his reply counted)
  expect_groups(g, {{"bob", none, none, none, none}, {"brand:acme", none, none, {2, 60, 120, 120, 120}, none}});
  EXPECT_EQ(g[1].kind, "brand");
  EXPECT_EQ(g[0].counts.replies, 1);

  // The earliest over all the events given, counted in the window of its event: x:1's first
  // response (the brand's, seen at 350) is not in [0, 320], and alice's was replaced by it.
  g = latency_stats(replaced_first_response(), GroupBy::agent, T, s(320));
  expect_groups(g, {{"brand:acme", none, none, one(60), none}});
  // So adjacent windows add up: [321, 3600] has x:1 only.
  g = latency_stats(replaced_first_response(), GroupBy::none, s(321), s(3600));
  expect_groups(g, {{"all", none, none, one(120), none}});
}

TEST(LatencyBucket, TwoSignificantDigitsTruncated) {
  EXPECT_EQ(latency_bucket(-5), 0);
  EXPECT_EQ(latency_bucket(0), 0);
  EXPECT_EQ(latency_bucket(99), 99);
  EXPECT_EQ(latency_bucket(100), 100);
  EXPECT_EQ(latency_bucket(1234), 1200);
  EXPECT_EQ(latency_bucket(9999), 9900);
  EXPECT_EQ(latency_bucket(1234567), 1200000);
  EXPECT_EQ(latency_bucket(86'400'000), 86'000'000);
}

TEST(LatencyBucket, HistogramSummaryEqualsTheBucketedSamples) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> d(11.0, 2.0);
  for (int n : {1, 2, 3, 10, 99, 100, 1001}) {
    std::vector<long long> samples;
    LatencyHistogram h;
    for (int i = 0; i < n; ++i) {
      samples.push_back(static_cast<long long>(d(rng)));
      ++h[latency_bucket(samples.back())];
    }
    const Summary a = summarize_bucketed(samples), b = summarize_histogram(h);
    EXPECT_EQ(a.count, b.count);
    EXPECT_DOUBLE_EQ(a.p50, b.p50) << n;
    EXPECT_DOUBLE_EQ(a.p90, b.p90) << n;
    EXPECT_DOUBLE_EQ(a.p99, b.p99) << n;
    EXPECT_DOUBLE_EQ(a.max, b.max) << n;
  }
}

TEST(LatencyStats, ByAgentCountsClaimsRepliesResolutionsAndHandoffs) {
  auto events = scenario();
  events.push_back(ev("handed_off", "masto:A", "alice", s(450), "billing", "mastodon", "1"));
  const auto g = latency_stats(events, GroupBy::agent, T, s(3600));
  std::map<std::string, ActionCounts> got;
  for (const auto& x : g) got[x.group] = x.counts;
  EXPECT_EQ(got["alice"].claims, 2);
  EXPECT_EQ(got["alice"].replies, 1);
  EXPECT_EQ(got["alice"].resolutions, 1);
  EXPECT_EQ(got["alice"].handoffs, 1);
  EXPECT_EQ(got["bob"].claims, 2);
  EXPECT_EQ(got["bob"].replies, 1);
  EXPECT_EQ(got["bob"].resolutions, 1);
  EXPECT_EQ(got["brand:acme"].replies, 2);
  const auto json = latency_stats_json(g, GroupBy::agent, T, s(3600));
  EXPECT_NE(json.find(R"("counts":{"claims":2,"replies":1,"resolutions":1,"handoffs":1})"), std::string::npos) << json;
}

// ---- window ----

TEST(LatencyStats, WindowBoundsAreInclusive) {
  // [91, 300]: A's wait (91), B's frt (101), C's detection (125) and wait (130), B's
  // resolution (200), A's frt (300).
  auto g = latency_stats(scenario(), GroupBy::none, s(91), s(300));
  expect_groups(g, {{"all", one(120), {2, 5, 60, 60, 60}, {2, 90, 300, 300, 300}, one(190)}});

  // (91, 300) exclusive of both ends drops A's wait and A's frt.
  g = latency_stats(scenario(), GroupBy::none, s(92), s(299));
  expect_groups(g, {{"all", one(120), one(5), one(90), one(190)}});
}

TEST(LatencyStats, WindowWithNothingInIt) {
  auto g = latency_stats(scenario(), GroupBy::none, s(10000), s(20000));
  expect_groups(g, {{"all", none, none, none, none}});
  EXPECT_TRUE(latency_stats(scenario(), GroupBy::queue, s(10000), s(20000)).empty());
}

TEST(LatencyStats, EmptyInput) {
  auto g = latency_stats({}, GroupBy::none, T, s(3600));
  expect_groups(g, {{"all", none, none, none, none}});
  for (GroupBy by : {GroupBy::queue, GroupBy::platform, GroupBy::priority, GroupBy::agent})
    EXPECT_TRUE(latency_stats({}, by, T, s(3600)).empty()) << to_string(by);
}

TEST(LatencyStats, MalformedDurationsAreSkipped) {
  std::vector<Event> events = {
      ev("queued", "x:1", "src", s(1), "care", "x", "1", {{"detect_ms", "12ab"}}),
      ev("queued", "x:2", "src", s(2), "care", "x", "1", {{"detect_ms", ""}}),
      ev("queued", "x:3", "src", s(3), "care", "x", "1", {{"detect_ms", "1500"}}),
  };
  auto g = latency_stats(events, GroupBy::queue, T, s(10));
  expect_groups(g, {{"care", one(1.5), none, none, none}});
}

// ---- names ----

TEST(LatencyStats, Names) {
  EXPECT_STREQ(to_string(Measure::detection), "detection_delay");
  EXPECT_STREQ(to_string(Measure::queue_wait), "queue_wait");
  EXPECT_STREQ(to_string(Measure::first_response), "first_response");
  EXPECT_STREQ(to_string(Measure::resolution), "resolution");
  EXPECT_STREQ(event_field(Measure::detection), "detect_ms");
  EXPECT_STREQ(event_field(Measure::queue_wait), "wait_ms");
  EXPECT_STREQ(event_field(Measure::first_response), "frt_ms");
  EXPECT_STREQ(event_field(Measure::resolution), "resolve_ms");
  EXPECT_EQ(group_by_from_string(""), GroupBy::none);
  EXPECT_EQ(group_by_from_string("none"), GroupBy::none);
  EXPECT_EQ(group_by_from_string("queue"), GroupBy::queue);
  EXPECT_EQ(group_by_from_string("platform"), GroupBy::platform);
  EXPECT_EQ(group_by_from_string("priority"), GroupBy::priority);
  EXPECT_EQ(group_by_from_string("agent"), GroupBy::agent);
  EXPECT_FALSE(group_by_from_string("team"));
  EXPECT_FALSE(group_by_from_string("Queue"));
  for (GroupBy by : {GroupBy::none, GroupBy::queue, GroupBy::platform, GroupBy::priority, GroupBy::agent})
    EXPECT_EQ(group_by_from_string(to_string(by)), by);
}

// ---- JSON ----

TEST(LatencyStatsJson, ExactTextForOneGroup) {
  std::vector<Event> events = {
      ev("claimed", "x:1", "alice", s(5), "care", "x", "1", {{"wait_ms", "1500"}}),
  };
  auto g = latency_stats(events, GroupBy::queue, T, s(3600));
  EXPECT_EQ(latency_stats_json(g, GroupBy::queue, T, s(3600)),
            R"({"window_s":3600,"since":"2026-11-22T10:00:00.000Z","until":"2026-11-22T11:00:00.000Z",)"
            R"("by":"queue","groups":[{"group":"care",)"
            R"("detection_delay":{"count":0,"p50_s":0.0,"p90_s":0.0,"p99_s":0.0,"max_s":0.0},)"
            R"("queue_wait":{"count":1,"p50_s":1.5,"p90_s":1.5,"p99_s":1.5,"max_s":1.5},)"
            R"("first_response":{"count":0,"p50_s":0.0,"p90_s":0.0,"p99_s":0.0,"max_s":0.0},)"
            R"("resolution":{"count":0,"p50_s":0.0,"p90_s":0.0,"p99_s":0.0,"max_s":0.0}}]})");
}

TEST(LatencyStatsJson, ShapeOfTheScenarioByPriority) {
  auto g = latency_stats(scenario(), GroupBy::priority, T, s(3600));
  const std::string json = latency_stats_json(g, GroupBy::priority, T, s(3600));
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["window_s"].GetInt64(), 3600);
  EXPECT_STREQ(doc["since"].GetString(), "2026-11-22T10:00:00.000Z");
  EXPECT_STREQ(doc["until"].GetString(), "2026-11-22T11:00:00.000Z");
  EXPECT_STREQ(doc["by"].GetString(), "priority");
  const auto& groups = doc["groups"];
  ASSERT_TRUE(groups.IsArray());
  ASSERT_EQ(groups.Size(), 4u);
  const char* names[] = {"p0", "p1", "p2", "p3"};
  for (rapidjson::SizeType i = 0; i < groups.Size(); ++i) {
    const auto& grp = groups[i];
    EXPECT_STREQ(grp["group"].GetString(), names[i]);
    EXPECT_EQ(grp.MemberCount(), 5u);
    for (const char* m : {"detection_delay", "queue_wait", "first_response", "resolution"}) {
      ASSERT_TRUE(grp.HasMember(m)) << m;
      const auto& sum = grp[m];
      EXPECT_EQ(sum.MemberCount(), 5u);
      EXPECT_TRUE(sum["count"].IsUint64());
      for (const char* k : {"p50_s", "p90_s", "p99_s", "max_s"}) EXPECT_TRUE(sum[k].IsNumber()) << k;
    }
  }
  EXPECT_EQ(groups[1]["detection_delay"]["count"].GetUint64(), 2u);
  EXPECT_DOUBLE_EQ(groups[1]["detection_delay"]["p50_s"].GetDouble(), 30.0);
  EXPECT_DOUBLE_EQ(groups[1]["detection_delay"]["max_s"].GetDouble(), 45.0);
  EXPECT_DOUBLE_EQ(groups[2]["first_response"]["p99_s"].GetDouble(), 600.0);
}

TEST(LatencyStatsJson, FractionalWindowAndNoGroups) {
  const std::string json = latency_stats_json({}, GroupBy::agent, T, T + 1500);
  EXPECT_EQ(json,
            R"({"window_s":1.5,"since":"2026-11-22T10:00:00.000Z","until":"2026-11-22T10:00:01.500Z",)"
            R"("by":"agent","groups":[]})");
}

}  // namespace
}  // namespace carewatch
