// Recurring issues against a real redis-server: the group store shared by two daemons' stores,
// the sliding window, one announcement at the N/M crossing, the same groups as the in-memory
// rules, cluster fields in the stored mention (ingest), and the alert watch. Texts are invented.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "daemon/alerts/recurring_watch.h"
#include "daemon/pipeline/ingest.h"
#include "daemon/store/group_store.h"
#include "mention/mention_json.h"
#include "rules/complaint_groups.h"
#include "rules/default_rules.h"
#include "rules/rule_set.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using testing::TestRedis;

constexpr TimeMs kMinute = 60'000;
constexpr TimeMs kT0 = 1'795'341'600'000;  // 2026-11-22T10:00:00Z

const char* const kOutage[] = {
    "@acmeair the app crashes at login after the update",
    "app crashes at login after the update, useless @acmeair",
    "@acmeair your app crashes at login since the update",
    "after the update the app crashes at login @acme_help",
    "app crashes at login after the update again",
    "the app crashes at login after the update. fix it",
};
const char* const kRefund = "@acmeair refund for my cancelled trip never arrived";

GroupCandidate candidate(const std::string& uid, const std::string& author, const std::string& text) {
  const auto sig = rules::complaint_signature(text);
  return GroupCandidate{uid, author, "mastodon", sig.terms, sig.bands};
}

GroupStoreOptions options(size_t n = 5, size_t m = 3) {
  GroupStoreOptions o;
  o.window = std::chrono::minutes(60);
  o.min_mentions = n;
  o.min_authors = m;
  return o;
}

class RecurringGroups : public ::testing::Test {
 protected:
  TestRedis redis;
  // Two daemons: two stores (two pools) on one Redis and prefix.
  QueueStore store_a{redis.endpoint(), QueueStoreOptions{}};
  QueueStore store_b{redis.endpoint(), QueueStoreOptions{}};
};

TEST_F(RecurringGroups, TwoDaemonsShareGroupsAndAnnounceOnceAtTheCrossing) {
  GroupStore a(store_a.pool(), "cw", options());
  GroupStore b(store_b.pool(), "cw", options());
  const char* const authors[] = {"ana", "bo", "ana", "cy", "bo", "dee"};
  std::vector<GroupAssignment> got;
  for (int i = 0; i < 6; ++i) {
    GroupStore& s = i % 2 ? b : a;
    const auto r = s.assign({candidate("mastodon:" + std::to_string(i), authors[i], kOutage[i])}, kT0 + i * kMinute);
    ASSERT_EQ(r.size(), 1u);
    got.push_back(r[0]);
  }
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(got[static_cast<size_t>(i)].group, got[0].group) << i;
    EXPECT_EQ(got[static_cast<size_t>(i)].size, i + 1) << i;
    EXPECT_EQ(got[static_cast<size_t>(i)].announced, i == 4) << i;
  }
  EXPECT_EQ(got[5].authors, 4);
  EXPECT_EQ(a.announcements(10), std::vector<std::string>{got[0].group});
  EXPECT_EQ(a.announcements(10, kT0 + 4 * kMinute), std::vector<std::string>{got[0].group});  // announced then
  EXPECT_TRUE(a.announcements(10, kT0 + 3 * kMinute).empty());

  // A replayed page: nothing changes.
  const auto again = b.assign({candidate("mastodon:0", "ana", kOutage[0])}, kT0 + 7 * kMinute);
  EXPECT_EQ(again[0].group, got[0].group);
  EXPECT_EQ(again[0].size, 6);
  EXPECT_FALSE(again[0].announced);

  // Something else: its own group.
  const auto other = a.assign({candidate("mastodon:9", "eve", kRefund)}, kT0 + 8 * kMinute);
  EXPECT_NE(other[0].group, got[0].group);
  EXPECT_EQ(other[0].size, 1);

  const auto summary = b.summary(got[0].group, 50, 3);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->size, 6);
  EXPECT_EQ(summary->authors, 4);
  EXPECT_EQ(summary->samples, (std::vector<std::string>{"mastodon:5", "mastodon:4", "mastodon:3"}));
  ASSERT_FALSE(summary->terms.empty());
  EXPECT_EQ(summary->terms[0].second, 6);
  EXPECT_EQ(summary->platforms, (std::vector<std::pair<std::string, std::int64_t>>{{"mastodon", 6}}));
  a.announced_done(got[0].group);
  EXPECT_TRUE(b.announcements(10).empty());
}

TEST_F(RecurringGroups, TheWindowSlidesAndADeadGroupIsNotJoined) {
  GroupStore s(store_a.pool(), "cw", options(3, 1));
  const auto a = s.assign({candidate("m:0", "ana", kOutage[0])}, kT0)[0];
  const auto b = s.assign({candidate("m:1", "bo", kOutage[1])}, kT0 + 40 * kMinute)[0];
  EXPECT_EQ(b.group, a.group);
  const auto c = s.assign({candidate("m:2", "cy", kOutage[2])}, kT0 + 70 * kMinute)[0];
  EXPECT_EQ(c.group, a.group);
  EXPECT_EQ(c.size, 2);  // the first left the window
  EXPECT_FALSE(c.announced);
  const auto d = s.assign({candidate("m:3", "dee", kOutage[3])}, kT0 + 200 * kMinute)[0];
  EXPECT_NE(d.group, a.group);
  EXPECT_EQ(d.size, 1);
  // Nothing salient: not grouped.
  EXPECT_EQ(s.assign({candidate("m:4", "eve", "@acmeair why??")}, kT0 + 201 * kMinute)[0].group, "");
}

// The Redis rules and the in-memory ones (what eval-groups measures) make the same groups.
TEST_F(RecurringGroups, SameGroupsAsTheInMemoryRules) {
  GroupStore s(store_a.pool(), "cw", options(3, 2));
  rules::GroupingParams p;
  p.window = 60 * kMinute;
  p.min_mentions = 3;
  p.min_authors = 2;
  rules::ComplaintGroups memory(p);
  const char* const texts[] = {kOutage[0], kRefund, kOutage[1], "refund for my cancelled trip still missing",
                               "lost bag at the carousel, nobody helps", kOutage[2], "cancelled trip, no refund",
                               "lost bag at the carousel again", kOutage[3], "my lost bag at the carousel"};
  std::map<std::string, std::int64_t> redis_to_memory;
  for (int i = 0; i < 10; ++i) {
    const std::string uid = "m:" + std::to_string(i), author = "u" + std::to_string(i % 4);
    const TimeMs at = kT0 + i * 7 * kMinute;
    const auto r = s.assign({candidate(uid, author, texts[i])}, at)[0];
    const auto m = memory.add(uid, author, at, rules::complaint_signature(texts[i]));
    EXPECT_EQ(r.size, m.size) << i;
    EXPECT_EQ(r.authors, m.authors) << i;
    EXPECT_EQ(r.announced, m.announce) << i;
    const auto [it, fresh] = redis_to_memory.emplace(r.group, m.group);
    EXPECT_EQ(it->second, m.group) << i;  // the same partition
  }
}

// One script call groups a whole batch, in order: alike complaints of one batch share a group.
TEST_F(RecurringGroups, ABatchIsGroupedInOrderInOneCall) {
  GroupStore s(store_a.pool(), "cw", options(3, 3));
  const auto r = s.assign({candidate("m:0", "ana", kOutage[0]), candidate("m:1", "bo", kOutage[1]),
                           candidate("m:2", "cy", kOutage[2]), candidate("m:3", "dee", kRefund)},
                          kT0);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[1].group, r[0].group);
  EXPECT_EQ(r[2].group, r[0].group);
  EXPECT_TRUE(r[2].announced);
  EXPECT_NE(r[3].group, r[0].group);
}

class ListSink : public AlertSink {
 public:
  void raise(const Alert& a) override {
    std::lock_guard lock(mutex);
    alerts.push_back(a);
  }
  std::mutex mutex;
  std::vector<Alert> alerts;
};

// Ingest groups complaints before they are stored: the stored mention carries its cluster, the
// rules see cluster.size, and the watch raises one alert with samples.
TEST_F(RecurringGroups, IngestStoresClusterFieldsAndTheWatchRaisesOneAlert) {
  std::string error;
  const auto rules = RuleSet::load_json(R"({
    "default": {"category": "complaint", "priority": 2, "queue": "care"},
    "rules": [{"name": "recurring", "when": {"field": "cluster.size", "gte": 4}, "then": {"priority": 0}}]})",
                                        "test.json", error);
  ASSERT_TRUE(rules) << error;
  GroupStore groups(store_a.pool(), "cw", options(3, 3));
  ComplaintGrouping grouping;
  grouping.groups = &groups;
  std::vector<Mention> batch;
  for (int i = 0; i < 4; ++i)
    batch.push_back(testing::test_mention(std::to_string(i), kOutage[i], now_ms() - kMinute, now_ms(),
                                          "user" + std::to_string(i)));
  batch.push_back(testing::test_mention("9", kRefund, now_ms() - kMinute, now_ms(), "eve"));
  const auto counts = ingest_batch(batch, *rules, store_a, {"acmeair"}, grouping);
  EXPECT_EQ(counts.queued, 5u);
  EXPECT_EQ(counts.grouped, 5u);
  EXPECT_EQ(counts.groups_announced, 1u);
  EXPECT_EQ(batch[3].cluster.size, 4);
  EXPECT_EQ(batch[3].decision.priority, 0);  // the 4th report of the same issue
  EXPECT_EQ(batch[2].decision.priority, 2);

  const auto stored = store_b.get("mastodon:3", false);
  ASSERT_TRUE(stored);
  Mention m;
  ASSERT_TRUE(parse_mention(stored->mention_json, m, error)) << error;
  EXPECT_EQ(m.cluster.id, batch[0].cluster.id);
  EXPECT_EQ(m.cluster.size, 4);
  EXPECT_EQ(m.cluster.authors, 4);
  EXPECT_NE(stored->mention_json.find("\"cluster\":{\"id\":\"" + m.cluster.id + "\",\"size\":4,\"authors\":4}"),
            std::string::npos)
      << stored->mention_json;

  // A replayed batch: duplicates, same groups, no second announcement.
  auto again = batch;
  const auto replay = ingest_batch(again, *rules, store_a, {"acmeair"}, grouping);
  EXPECT_EQ(replay.duplicates, 5u);
  EXPECT_EQ(replay.groups_announced, 0u);
  EXPECT_EQ(again[3].cluster.size, 4);

  ListSink sink;
  GroupStore groups_b(store_b.pool(), "cw", options(3, 3));
  RecurringWatch watch(groups_b, store_b, sink, RecurringWatchOptions{"daemon-b"});
  EXPECT_EQ(watch.tick(now_ms() - 10'000), 0u);  // announced too recently: its batch may not be stored yet
  EXPECT_EQ(watch.tick(now_ms() + 10'000), 1u);
  EXPECT_EQ(watch.tick(now_ms() + 10'000), 0u);  // the announcement is gone once raised
  ASSERT_EQ(sink.alerts.size(), 1u);
  const Alert& a = sink.alerts[0];
  EXPECT_EQ(a.kind, AlertKind::recurring_issue);
  EXPECT_EQ(a.key, "recurring:" + m.cluster.id);
  EXPECT_EQ(a.title.rfind("Recurring issue: 4 complaints from 4 people about \"", 0), 0u) << a.title;
  ASSERT_EQ(a.mentions.size(), 4u);
  EXPECT_EQ(a.mentions[0].platform, "mastodon");
  EXPECT_EQ(a.platform, "mastodon");
}

}  // namespace
}  // namespace carewatch
