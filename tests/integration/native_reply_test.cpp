// Native brand replies at the queue store (lua/native_reply.lua, and lua/enqueue.lua applying the
// ones that came before their mention), against a real redis-server: each reply is recorded once,
// the earliest is the first response whatever the order, and a post carewatch made itself is
// neither recorded as a reply nor queued.
#include <gtest/gtest.h>

#include <stdexcept>

#include "daemon/store/queue_store.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;

constexpr TimeMs kPosted = 1'795'341'600'000;  // 2026-11-22T10:00:00Z
constexpr TimeMs after(long long seconds) { return kPosted + seconds * 1000; }

Mention make_mention(const std::string& id, const std::string& queue = "care") {
  Mention m = testing::test_mention(id, "my bag " + id + " is lost", kPosted, after(2), "ana", "tag");
  m.decision.category = queue.empty() ? Category::praise : Category::complaint;
  m.decision.queue = queue;
  m.decision.priority = 1;
  return m;
}

class NativeReplyTest : public ::testing::Test {
 protected:
  static QueueStoreOptions options() {
    QueueStoreOptions o;
    o.prefix = "nr";
    o.connect_timeout = 500ms;
    o.command_timeout = 5000ms;
    return o;
  }

  OpResult record(const std::string& parent, const std::string& reply, TimeMs at,
                  const std::string& actor = "brand:acme") {
    return store.record_native_reply("mastodon:" + parent, "mastodon:" + reply, at, actor);
  }
  MentionRecord get(const std::string& id) {
    auto rec = store.get("mastodon:" + id);
    if (!rec) throw std::runtime_error("mastodon:" + id + " is not stored");
    return *rec;
  }
  static long long num(const MentionRecord& r, const std::string& field) {
    auto it = r.state.find(field);
    return it == r.state.end() ? -1 : std::stoll(it->second);
  }
  static std::vector<Event> of_type(const MentionRecord& r, const std::string& type) {
    std::vector<Event> out;
    for (const auto& e : r.events)
      if (e.type == type) out.push_back(e);
    return out;
  }
  static std::string field(const Event& e, const std::string& name) {
    auto it = e.fields.find(name);
    return it == e.fields.end() ? "(none)" : it->second;
  }
  long long ttl(const std::string& key) { return std::stoll(redis.command("TTL " + key)); }

  testing::TestRedis redis;
  QueueStore store{redis.endpoint(), options()};
};

TEST_F(NativeReplyTest, AReplayedReplyIsRecordedOnce) {
  store.enqueue({make_mention("q")});
  const auto first = record("q", "b1", after(60));
  EXPECT_EQ(first.status, OpStatus::ok);
  EXPECT_EQ(first.message, "first");
  const auto again = record("q", "b1", after(60));
  EXPECT_EQ(again.status, OpStatus::ok);
  EXPECT_EQ(again.message, "already recorded");

  const auto rec = get("q");
  EXPECT_EQ(num(rec, "first_reply_at"), after(60));
  EXPECT_EQ(num(rec, "native_reply_at"), after(60));
  const auto replied = of_type(rec, "replied");
  ASSERT_EQ(replied.size(), 1u);
  EXPECT_EQ(replied[0].actor, "brand:acme");
  EXPECT_EQ(field(replied[0], "native"), "1");
  EXPECT_EQ(field(replied[0], "reply_at"), std::to_string(after(60)));
  EXPECT_EQ(field(replied[0], "frt_ms"), "60000");
  // Remembered as long as mentions are (dedup_ttl), then forgotten.
  const long long left = ttl("{nr}:nr:mastodon:b1");
  EXPECT_GT(left, 0);
  EXPECT_LE(left, options().dedup_ttl.count());
}

TEST_F(NativeReplyTest, RepliesBeforeTheirMentionAreKeptAndAppliedEarliestFirstWhenItArrives) {
  const auto late = record("p", "b1", after(90), "brand:acme");
  EXPECT_EQ(late.status, OpStatus::pending);
  EXPECT_EQ(record("p", "b1", after(90)).message, "already recorded");  // a replayed page, still kept once
  EXPECT_EQ(record("p", "b2", after(30), "brand:acme_help").status, OpStatus::pending);
  EXPECT_EQ(redis.command("ZCARD {nr}:early:mastodon:p"), "2");
  EXPECT_GT(ttl("{nr}:early:mastodon:p"), 0);
  EXPECT_FALSE(store.get("mastodon:p"));

  EXPECT_EQ(store.enqueue({make_mention("p")}), std::vector<EnqueueOutcome>{EnqueueOutcome::queued});
  const auto rec = get("p");
  EXPECT_EQ(rec.state.at("state"), "queued");
  EXPECT_EQ(num(rec, "first_reply_at"), after(30));
  EXPECT_EQ(num(rec, "native_reply_at"), after(90));
  std::vector<std::string> types;
  for (const auto& e : rec.events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"ingested", "queued", "replied", "replied"}));
  const auto replied = of_type(rec, "replied");
  ASSERT_EQ(replied.size(), 2u);
  EXPECT_EQ(replied[0].actor, "brand:acme_help");  // the earliest, although it came second
  EXPECT_EQ(field(replied[0], "frt_ms"), "30000");
  EXPECT_EQ(field(replied[0], "frt_was_ms"), "(none)");
  EXPECT_EQ(replied[1].actor, "brand:acme");
  EXPECT_EQ(field(replied[1], "reply_at"), std::to_string(after(90)));
  EXPECT_EQ(field(replied[1], "frt_ms"), "(none)");
  EXPECT_EQ(redis.command("EXISTS {nr}:early:mastodon:p"), "0");

  // Arriving again (a replayed page) applies nothing twice.
  EXPECT_EQ(store.enqueue({make_mention("p")}), std::vector<EnqueueOutcome>{EnqueueOutcome::duplicate});
  EXPECT_EQ(record("p", "b2", after(30)).message, "already recorded");
  EXPECT_EQ(of_type(get("p"), "replied").size(), 2u);
}

// A mention routed to no queue is never resolved: the history its reply starts expires with it.
TEST_F(NativeReplyTest, AnEarlyReplyToAMentionOnlyStoredExpiresWithIt) {
  EXPECT_EQ(record("s", "b1", after(45)).status, OpStatus::pending);
  EXPECT_EQ(store.enqueue({make_mention("s", "")}), std::vector<EnqueueOutcome>{EnqueueOutcome::stored});
  const auto rec = get("s");
  EXPECT_EQ(num(rec, "first_reply_at"), after(45));
  ASSERT_EQ(of_type(rec, "replied").size(), 1u);
  EXPECT_EQ(field(of_type(rec, "replied")[0], "frt_ms"), "45000");
  EXPECT_GT(ttl("{nr}:m:mastodon:s"), 0);
  EXPECT_GT(ttl("{nr}:me:mastodon:s"), 0);
}

TEST_F(NativeReplyTest, AnEarlierReplyReplacesALaterFirstResponseAndNothingMovesItLater) {
  store.enqueue({make_mention("q")});
  EXPECT_EQ(record("q", "b1", after(90)).message, "first");
  const auto earlier = record("q", "b2", after(30));
  EXPECT_EQ(earlier.status, OpStatus::ok);
  EXPECT_EQ(earlier.message, "first");
  const auto between = record("q", "b3", after(60));
  EXPECT_EQ(between.status, OpStatus::ok);
  EXPECT_EQ(between.message, "");

  const auto rec = get("q");
  EXPECT_EQ(num(rec, "first_reply_at"), after(30));
  EXPECT_EQ(num(rec, "native_reply_at"), after(90));  // the latest native reply
  const auto replied = of_type(rec, "replied");
  ASSERT_EQ(replied.size(), 3u);
  EXPECT_EQ(field(replied[0], "frt_ms"), "90000");
  EXPECT_EQ(field(replied[1], "frt_ms"), "30000");
  EXPECT_EQ(field(replied[1], "frt_was_ms"), "90000");
  EXPECT_EQ(field(replied[2], "frt_ms"), "(none)");
  EXPECT_EQ(field(replied[2], "frt_was_ms"), "(none)");
}

// A post carewatch made (reply_sent remembers its uid) comes back through a connector: it is not
// a native reply, and without the brand's handle configured it is still not queued.
TEST_F(NativeReplyTest, APostCarewatchMadeIsNeitherRecordedNorQueued) {
  store.enqueue({make_mention("q")});
  const auto claimed = store.claim("care", "alice");
  ASSERT_TRUE(claimed);
  const std::string id = QueueStore::new_reply_id();
  ASSERT_EQ(store.submit_reply("mastodon:q", "alice", "@ana sorry, on it", id, false).status, OpStatus::ok);
  const auto taken = store.take_reply("worker-1", 30s);
  ASSERT_TRUE(taken);
  ASSERT_TRUE(store.record_reply_sent(id, "worker-1", "b9", "mastodon:b9", "https://mastodon.example/@acme/b9", 0));
  const long long sent_first = num(get("q"), "first_reply_at");
  ASSERT_GT(sent_first, 0);

  const auto own = record("q", "b9", kPosted + 1);  // even with an earlier platform time
  EXPECT_EQ(own.status, OpStatus::conflict);
  EXPECT_EQ(own.message, "own");
  const auto rec = get("q");
  EXPECT_EQ(num(rec, "first_reply_at"), sent_first);
  EXPECT_EQ(num(rec, "native_reply_at"), -1);
  EXPECT_TRUE(of_type(rec, "replied").empty());

  // The same post as a mention of a source (routed to a queue by the rules): kept, not queued.
  Mention post = make_mention("b9");
  post.author.handle = "acme";
  post.parent_id = "q";
  EXPECT_EQ(store.enqueue({post}), std::vector<EnqueueOutcome>{EnqueueOutcome::stored});
  EXPECT_EQ(get("b9").state.at("queue"), "");
  EXPECT_FALSE(store.claim("care", "bob"));
}

TEST_F(NativeReplyTest, AReplyWithoutAnIdIsAnError) {
  store.enqueue({make_mention("q")});
  try {
    store.record_native_reply("mastodon:q", "", after(5), "brand:acme");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("native_reply: empty reply uid"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace carewatch
