// QueueStore against a real redis-server (started per test by TestRedis).
#include "daemon/store/queue_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "daemon/store/redis_connection.h"
#include "mention/mention_json.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {

extern const char* const kLuaFields;  // the generated field prelude of every script

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using testing::TestRedis;

constexpr TimeMs kPosted = 1'795'341'600'000;  // 2026-11-22T10:00:00Z

Mention make_mention(const std::string& id, const std::string& queue = "care", int priority = 1,
                     Category category = Category::complaint) {
  Mention m = testing::test_mention(id, "my order " + id + " never arrived", kPosted, kPosted + 1500, "alice",
                                    "brand-tag");
  m.decision.category = category;
  m.decision.priority = priority;
  m.decision.queue = queue;
  return m;
}

std::int64_t num(const MentionRecord& r, const std::string& field) {
  auto it = r.state.find(field);
  if (it == r.state.end()) return -1;
  return std::stoll(it->second);
}

const Event* find_event(const MentionRecord& r, const std::string& type, size_t nth = 0) {
  for (const auto& e : r.events)
    if (e.type == type && nth-- == 0) return &e;
  return nullptr;
}

std::vector<std::string> event_types(const MentionRecord& r) {
  std::vector<std::string> out;
  for (const auto& e : r.events) out.push_back(e.type);
  return out;
}

// An agent's reply through the outbox (queued until a worker posts it), or recorded as made
// elsewhere (external: it counts at once).
OpResult reply(QueueStore& store, const std::string& uid, const std::string& agent, const std::string& text,
               bool external = false) {
  return store.submit_reply(uid, agent, text, QueueStore::new_reply_id(), external);
}

class QueueStoreTest : public ::testing::Test {
 protected:
  QueueStoreOptions options(std::chrono::milliseconds lease = 60s) {
    QueueStoreOptions o;
    o.prefix = "t";
    o.lease = lease;
    o.connect_timeout = 500ms;
    o.command_timeout = 5000ms;
    return o;
  }
  std::unique_ptr<QueueStore> make_store(std::chrono::milliseconds lease = 60s) {
    return std::make_unique<QueueStore>(redis.endpoint(), options(lease));
  }
  std::vector<Mention> mentions(size_t n, const std::string& prefix, int priority = 1) {
    std::vector<Mention> out;
    for (size_t i = 0; i < n; ++i) out.push_back(make_mention(prefix + std::to_string(i), "care", priority));
    return out;
  }

  TestRedis redis;
};

TEST_F(QueueStoreTest, EnqueueStoresTheMentionAndDeduplicates) {
  auto store = make_store();
  EXPECT_TRUE(store->ping());
  const Mention m = make_mention("1");
  EXPECT_EQ(store->enqueue({m}), std::vector{EnqueueOutcome::queued});
  EXPECT_EQ(store->enqueue({m}), std::vector{EnqueueOutcome::duplicate});

  const auto rec = store->get("mastodon:1");
  ASSERT_TRUE(rec);
  Mention back;
  std::string error;
  ASSERT_TRUE(parse_mention(rec->mention_json, back, error)) << error;
  EXPECT_EQ(back.text, m.text);
  EXPECT_EQ(back.decision.queue, "care");
  EXPECT_EQ(rec->state.at("state"), "queued");
  EXPECT_EQ(rec->state.at("queue"), "care");
  EXPECT_EQ(rec->state.at("priority"), "1");
  EXPECT_EQ(rec->state.at("source"), "brand-tag");
  EXPECT_EQ(rec->state.at("category"), "complaint");
  EXPECT_EQ(num(*rec, "posted_at"), kPosted);
  EXPECT_EQ(num(*rec, "seen_at"), kPosted + 1500);
  EXPECT_GT(num(*rec, "queued_at"), 0);
  EXPECT_EQ(event_types(*rec), (std::vector<std::string>{"ingested", "queued"}));
  EXPECT_EQ(redis.command("XLEN {t}:q:care:p1"), "1");
  EXPECT_EQ(redis.command("EXISTS {t}:seen:mastodon:1"), "1");
  EXPECT_EQ(store->queues(), std::vector<std::string>{"care"});
  EXPECT_FALSE(store->get("mastodon:404"));
}

TEST_F(QueueStoreTest, BatchOutcomesInOrderWithStoredAndDuplicates) {
  auto store = make_store();
  std::vector<Mention> batch{make_mention("a"), make_mention("b", "care", 1, Category::ignore),
                             make_mention("c", ""), make_mention("a"), make_mention("d", "sales", 9)};
  EXPECT_EQ(store->enqueue(batch),
            (std::vector{EnqueueOutcome::queued, EnqueueOutcome::stored, EnqueueOutcome::stored,
                         EnqueueOutcome::duplicate, EnqueueOutcome::queued}));
  EXPECT_EQ(store->get("mastodon:b")->state.at("state"), "stored");
  EXPECT_EQ(store->get("mastodon:c")->state.at("state"), "stored");
  EXPECT_EQ(event_types(*store->get("mastodon:b")), std::vector<std::string>{"ingested"});
  // Stored mentions expire with the dedup window; queued ones are live work and do not.
  EXPECT_NE(redis.command("TTL {t}:m:mastodon:b"), "-1");
  EXPECT_EQ(redis.command("TTL {t}:m:mastodon:a"), "-1");
  EXPECT_EQ(redis.command("XLEN {t}:q:sales:p3"), "1");  // priority clamped to 0..3
  auto queues = store->queues();
  EXPECT_EQ(queues, (std::vector<std::string>{"care", "sales"}));
  EXPECT_TRUE(store->enqueue({}).empty());
  Mention no_uid = make_mention("n");
  no_uid.uid.clear();
  EXPECT_THROW(store->enqueue({make_mention("ok"), no_uid}), std::invalid_argument);
  EXPECT_FALSE(store->get("mastodon:ok"));  // nothing of the batch was sent
}

TEST_F(QueueStoreTest, UntrustedTextIsStoredVerbatim) {
  auto store = make_store();
  Mention m = make_mention("x");
  m.text = "line1\r\n*3\r\n$3\r\nDEL \"quoted\" {t}:events \xC3\xA9";
  m.uid = "mastodon:we ird\r\nuid";
  ASSERT_EQ(store->enqueue({m}), std::vector{EnqueueOutcome::queued});
  auto c = store->claim("care", "agent a");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->uid, m.uid);
  Mention back;
  std::string error;
  ASSERT_TRUE(parse_mention(c->mention_json, back, error)) << error;
  EXPECT_EQ(back.text, m.text);
  const std::string reply = "sorry!\r\n-ERR not an error\0x"s;
  EXPECT_EQ(carewatch::reply(*store, m.uid, "agent a", reply).status, OpStatus::ok);
  EXPECT_EQ(store->get(m.uid)->state.at("last_reply"), reply);
}

TEST_F(QueueStoreTest, ClaimTakesMostUrgentThenOldest) {
  auto store = make_store();
  store->enqueue({make_mention("p1-old", "care", 1)});
  store->enqueue({make_mention("p3", "care", 3)});
  store->enqueue({make_mention("p0-old", "care", 0), make_mention("p1-new", "care", 1)});
  store->enqueue({make_mention("p0-new", "care", 0)});
  store->enqueue({make_mention("other", "sales", 0)});
  std::vector<std::string> order;
  while (auto c = store->claim("care", "a")) order.push_back(c->uid);
  EXPECT_EQ(order, (std::vector<std::string>{"mastodon:p0-old", "mastodon:p0-new", "mastodon:p1-old",
                                             "mastodon:p1-new", "mastodon:p3"}));
  EXPECT_FALSE(store->claim("nosuchqueue", "a"));
  auto c = store->claim("sales", "a");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->queue, "sales");
  EXPECT_EQ(c->priority, 0);
  const auto rec = store->get(c->uid);
  EXPECT_EQ(rec->state.at("owner"), "a");
  EXPECT_EQ(rec->state.at("state"), "claimed");
  EXPECT_EQ(num(*rec, "lease_until"), c->lease_until);
  EXPECT_EQ(c->lease_until - num(*rec, "claimed_at"), 60000);
}

TEST_F(QueueStoreTest, TwoAgentsNeverGetTheSameMention) {
  auto store = make_store();
  store->enqueue({make_mention("1"), make_mention("2")});
  auto a = store->claim("care", "a");
  auto b = store->claim("care", "b");
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->uid, b->uid);
  EXPECT_FALSE(store->claim("care", "c"));
  EXPECT_FALSE(store->claim("care", "a"));
}

TEST_F(QueueStoreTest, ConcurrentClaimsTakeEveryItemExactlyOnce) {
  auto store = make_store();
  for (int chunk = 0; chunk < 10; ++chunk) {
    auto batch = mentions(100, "c" + std::to_string(chunk) + "-", chunk % 4);
    ASSERT_EQ(store->enqueue(batch), std::vector<EnqueueOutcome>(100, EnqueueOutcome::queued));
  }
  std::mutex mu;
  std::vector<std::string> claimed;
  std::vector<std::thread> agents;
  for (int t = 0; t < 6; ++t) {
    agents.emplace_back([&, t] {
      const std::string agent = "agent" + std::to_string(t);
      while (auto c = store->claim("care", agent)) {
        std::lock_guard lock(mu);
        claimed.push_back(c->uid);
      }
    });
  }
  for (auto& t : agents) t.join();
  EXPECT_EQ(claimed.size(), 1000u);
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), 1000u);
}

TEST_F(QueueStoreTest, OnlyTheHolderRenewsReleasesRepliesResolves) {
  auto store = make_store();
  store->enqueue({make_mention("1")});
  auto c = store->claim("care", "alice");
  ASSERT_TRUE(c);
  for (const OpResult& r : {store->renew(c->uid, "bob"), store->release(c->uid, "bob"),
                            reply(*store, c->uid, "bob", "hi"), store->resolve(c->uid, "bob")}) {
    EXPECT_EQ(r.status, OpStatus::conflict);
    EXPECT_NE(r.message.find("alice"), std::string::npos) << r.message;
  }
  EXPECT_EQ(store->get(c->uid)->state.at("owner"), "alice");
  EXPECT_FALSE(store->get(c->uid)->state.count("replies"));

  TimeMs until = 0;
  EXPECT_EQ(store->renew(c->uid, "alice", &until).status, OpStatus::ok);
  EXPECT_GE(until, c->lease_until);
  EXPECT_EQ(num(*store->get(c->uid), "lease_until"), until);

  EXPECT_EQ(store->renew("mastodon:404", "alice").status, OpStatus::not_found);
  EXPECT_EQ(store->release("mastodon:404", "alice").status, OpStatus::not_found);
  EXPECT_EQ(reply(*store, "mastodon:404", "alice", "x").status, OpStatus::not_found);
  EXPECT_EQ(store->resolve("mastodon:404", "alice").status, OpStatus::not_found);

  EXPECT_EQ(reply(*store, c->uid, "alice", "sorry").status, OpStatus::ok);
  EXPECT_EQ(store->get(c->uid)->state.at("state"), "claimed");  // until the platform accepts it
  const auto taken = store->take_reply("worker", 60s);
  ASSERT_TRUE(taken);
  ASSERT_TRUE(store->record_reply_sent(taken->reply.id, "worker", "9001", "mastodon:9001", "", 0));
  EXPECT_EQ(store->get(c->uid)->state.at("state"), "replied");
  EXPECT_EQ(store->renew(c->uid, "alice").status, OpStatus::ok);  // still holds it
  EXPECT_EQ(store->resolve(c->uid, "alice").status, OpStatus::ok);
  EXPECT_EQ(store->renew(c->uid, "alice").status, OpStatus::not_claimed);
  EXPECT_EQ(store->resolve(c->uid, "alice").status, OpStatus::not_claimed);
  EXPECT_EQ(redis.command("XPENDING {t}:q:care:p1 agents"), "0 (nil) (nil) (nil)");
  EXPECT_NE(redis.command("TTL {t}:m:mastodon:1"), "-1");  // resolved: expires with the dedup window
  EXPECT_FALSE(store->claim("care", "bob"));

  store->enqueue({make_mention("2")});
  EXPECT_EQ(store->renew("mastodon:2", "alice").status, OpStatus::not_claimed);
}

TEST_F(QueueStoreTest, ReleasedMentionIsNextInLine) {
  auto store = make_store();
  store->enqueue(mentions(3, "r"));
  auto first = store->claim("care", "a");
  auto second = store->claim("care", "a");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(second->uid, "mastodon:r1");
  EXPECT_EQ(store->release(second->uid, "a").status, OpStatus::ok);
  const auto rec = store->get(second->uid);
  EXPECT_EQ(rec->state.at("state"), "queued");
  EXPECT_FALSE(rec->state.count("owner"));
  EXPECT_EQ(rec->events.back().type, "released");
  EXPECT_EQ(store->release(second->uid, "a").status, OpStatus::not_claimed);

  auto next = store->claim("care", "b");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->uid, "mastodon:r1");  // before r2, which was never claimed
  EXPECT_EQ(store->get(next->uid)->state.at("owner"), "b");
  EXPECT_EQ(store->claim("care", "b")->uid, "mastodon:r2");
  // no "expired" event for a release
  const auto r1 = store->get("mastodon:r1");
  for (const auto& e : r1->events) EXPECT_NE(e.type, "expired");
}

TEST_F(QueueStoreTest, ReaperGivesExpiredClaimsBackFirstInLine) {
  auto store = make_store(300ms);
  store->enqueue(mentions(2, "e"));
  auto c = store->claim("care", "a");
  ASSERT_TRUE(c);
  EXPECT_EQ(store->reap_expired(), 0u);  // lease still running
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(store->reap_expired(), 1u);
  EXPECT_EQ(store->reap_expired(), 0u);  // already given back
  auto rec = store->get(c->uid);
  EXPECT_EQ(rec->state.at("state"), "queued");
  EXPECT_FALSE(rec->state.count("owner"));
  const Event* expired = find_event(*rec, "expired");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->actor, "reaper");
  EXPECT_EQ(expired->fields.at("owner"), "a");
  EXPECT_EQ(store->renew(c->uid, "a").status, OpStatus::not_claimed);

  auto again = store->claim("care", "b");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->uid, c->uid);
  EXPECT_EQ(store->claim("care", "b")->uid, "mastodon:e1");
}

TEST_F(QueueStoreTest, ExpiredClaimIsTakenByTheNextClaimWithoutReaper) {
  auto store = make_store(300ms);
  store->enqueue(mentions(1, "x"));
  auto c = store->claim("care", "a");
  ASSERT_TRUE(c);
  store->enqueue(mentions(1, "y"));
  std::this_thread::sleep_for(400ms);
  auto taken = store->claim("care", "b");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->uid, c->uid);
  const auto rec = store->get(c->uid);
  const Event* expired = find_event(*rec, "expired");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->actor, "a");
  EXPECT_EQ(expired->fields.at("by"), "b");
  EXPECT_EQ(store->renew(c->uid, "a").status, OpStatus::conflict);
  EXPECT_EQ(num(*rec, "first_claimed_at"), num(*store->get(c->uid), "first_claimed_at"));
  // the second claim is not the first: no second wait_ms
  EXPECT_FALSE(find_event(*rec, "claimed", 1)->fields.count("wait_ms"));
}

TEST_F(QueueStoreTest, EventHistoryAndDurationsAreExact) {
  auto store = make_store();
  const TimeMs before = now_ms();
  store->enqueue({make_mention("d")});
  auto c = store->claim("care", "a");
  ASSERT_TRUE(c);
  ASSERT_EQ(reply(*store, c->uid, "a", "first", true).status, OpStatus::ok);
  ASSERT_EQ(reply(*store, c->uid, "a", "second", true).status, OpStatus::ok);
  ASSERT_EQ(store->resolve(c->uid, "a").status, OpStatus::ok);
  const TimeMs after = now_ms();

  const auto rec = store->get(c->uid);
  ASSERT_TRUE(rec);
  EXPECT_EQ(event_types(*rec),
            (std::vector<std::string>{"ingested", "queued", "claimed", "replied", "replied", "resolved"}));
  for (const auto& e : rec->events) {
    EXPECT_EQ(e.uid, c->uid);
    EXPECT_EQ(e.fields.at("queue"), "care");
    EXPECT_EQ(e.fields.at("platform"), "mastodon");
    EXPECT_EQ(e.fields.at("priority"), "1");
    EXPECT_GE(e.at, before - 1000);  // server and test share the clock
    EXPECT_LE(e.at, after + 1000);
    EXPECT_EQ(e.id.substr(0, e.id.find('-')), std::to_string(e.at));
  }
  EXPECT_EQ(find_event(*rec, "ingested")->actor, "brand-tag");
  EXPECT_EQ(find_event(*rec, "queued")->fields.at("detect_ms"), "1500");
  EXPECT_EQ(find_event(*rec, "claimed")->actor, "a");
  EXPECT_EQ(std::stoll(find_event(*rec, "claimed")->fields.at("wait_ms")),
            num(*rec, "first_claimed_at") - num(*rec, "queued_at"));
  EXPECT_EQ(std::stoll(find_event(*rec, "replied")->fields.at("frt_ms")),
            num(*rec, "first_reply_at") - kPosted);
  EXPECT_FALSE(find_event(*rec, "replied", 1)->fields.count("frt_ms"));
  EXPECT_EQ(std::stoll(find_event(*rec, "resolved")->fields.at("resolve_ms")),
            num(*rec, "resolved_at") - kPosted);
  EXPECT_EQ(num(*rec, "replies"), 2);
  EXPECT_EQ(rec->state.at("last_reply"), "second");
  EXPECT_EQ(num(*rec, "queued_at"), find_event(*rec, "queued")->at);
  EXPECT_EQ(num(*rec, "resolved_at"), find_event(*rec, "resolved")->at);

  // The same events in the shared stream, in order, filtered by time.
  const auto all = store->events(before - 1000, after + 1000);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all.front().id, rec->events.front().id);
  EXPECT_EQ(all.back().type, "resolved");
  EXPECT_EQ(store->events(before - 1000, after + 1000, 2).size(), 2u);
  EXPECT_TRUE(store->events(after + 5000, after + 10000).empty());
  EXPECT_TRUE(store->events(after, before).empty());
  const auto resolved_only = store->events(all.back().at, all.back().at);
  ASSERT_FALSE(resolved_only.empty());
  EXPECT_EQ(resolved_only.back().type, "resolved");

  EXPECT_EQ(store->get(c->uid, false)->events.size(), 0u);
}

TEST_F(QueueStoreTest, NativeRepliesCountAsFirstResponse) {
  auto store = make_store();
  store->enqueue({make_mention("s", "care", 1, Category::praise), make_mention("q")});
  store->get("mastodon:s");
  // stored (never queued)
  Mention ignored = make_mention("i", "care", 1, Category::ignore);
  store->enqueue({ignored});
  EXPECT_EQ(store->record_native_reply("mastodon:i", "mastodon:r1", kPosted + 60'000, "brand:acme").status, OpStatus::ok);
  auto rec = store->get("mastodon:i");
  EXPECT_EQ(num(*rec, "first_reply_at"), kPosted + 60'000);
  const Event* replied = find_event(*rec, "replied");
  ASSERT_TRUE(replied);
  EXPECT_EQ(replied->actor, "brand:acme");
  EXPECT_EQ(replied->fields.at("frt_ms"), "60000");
  EXPECT_EQ(replied->fields.at("native"), "1");
  // a replayed page records nothing new
  EXPECT_EQ(store->record_native_reply("mastodon:i", "mastodon:r1", kPosted + 60'000, "brand:acme").status, OpStatus::ok);
  EXPECT_EQ(event_types(*store->get("mastodon:i")), (std::vector<std::string>{"ingested", "replied"}));

  // queued, then claimed: the native reply was first, an agent's later reply does not move it
  EXPECT_EQ(store->record_native_reply("mastodon:q", "mastodon:r2", kPosted + 5'000, "brand:acme").status, OpStatus::ok);
  EXPECT_EQ(store->get("mastodon:q")->state.at("state"), "queued");
  auto c = store->claim("care", "a");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->uid, "mastodon:s");
  c = store->claim("care", "a");
  EXPECT_EQ(c->uid, "mastodon:q");
  EXPECT_EQ(reply(*store, c->uid, "a", "thanks", true).status, OpStatus::ok);
  rec = store->get(c->uid);
  EXPECT_EQ(num(*rec, "first_reply_at"), kPosted + 5'000);
  EXPECT_FALSE(find_event(*rec, "replied", 1)->fields.count("frt_ms"));
  // on a claimed mention, a later native reply is recorded without frt_ms
  EXPECT_EQ(store->record_native_reply("mastodon:s", "mastodon:r3", kPosted + 9'000, "brand:acme").status, OpStatus::ok);
  EXPECT_EQ(find_event(*store->get("mastodon:s"), "replied")->fields.at("frt_ms"), "9000");
  EXPECT_EQ(store->get("mastodon:s")->state.at("state"), "claimed");

  // a parent not stored yet: kept until it arrives
  EXPECT_EQ(store->record_native_reply("mastodon:404", "mastodon:r4", kPosted, "brand:acme").status,
            OpStatus::pending);
}

TEST_F(QueueStoreTest, DepthsCountWaitingAndClaimedPerPriority) {
  auto store = make_store();
  EXPECT_TRUE(store->depths().empty());
  store->enqueue(mentions(3, "a", 0));
  store->enqueue(mentions(1, "b", 2));
  auto depth = [&](int p) {
    for (const auto& d : store->depths())
      if (d.queue == "care" && d.priority == p) return d;
    ADD_FAILURE() << "no depth for p" << p;
    return QueueDepth{};
  };
  EXPECT_EQ(store->depths().size(), 4u);
  EXPECT_EQ(depth(0).waiting, 3);
  EXPECT_EQ(depth(0).claimed, 0);
  EXPECT_EQ(depth(0).oldest_queued_at, num(*store->get("mastodon:a0"), "queued_at"));
  EXPECT_EQ(depth(1).waiting, 0);
  EXPECT_EQ(depth(1).oldest_queued_at, 0);
  EXPECT_EQ(depth(2).waiting, 1);

  auto c1 = store->claim("care", "x");
  auto c2 = store->claim("care", "x");
  ASSERT_TRUE(c1 && c2);
  EXPECT_EQ(depth(0).waiting, 1);
  EXPECT_EQ(depth(0).claimed, 2);
  EXPECT_EQ(depth(0).oldest_queued_at, num(*store->get("mastodon:a2"), "queued_at"));

  ASSERT_EQ(store->release(c2->uid, "x").status, OpStatus::ok);
  EXPECT_EQ(depth(0).waiting, 2);
  EXPECT_EQ(depth(0).claimed, 1);
  EXPECT_EQ(depth(0).oldest_queued_at, num(*store->get("mastodon:a1"), "queued_at"));

  ASSERT_EQ(store->resolve(c1->uid, "x").status, OpStatus::ok);
  EXPECT_EQ(depth(0).waiting, 2);
  EXPECT_EQ(depth(0).claimed, 0);
  while (store->claim("care", "y")) {}
  EXPECT_EQ(depth(0).waiting, 0);
  EXPECT_EQ(depth(0).claimed, 2);
  EXPECT_EQ(depth(0).oldest_queued_at, 0);
  EXPECT_EQ(depth(2).claimed, 1);
}

TEST_F(QueueStoreTest, CursorsAndLeases) {
  auto store = make_store();
  EXPECT_FALSE(store->get_cursor("tag"));
  store->set_cursor("tag", "since=123");
  EXPECT_EQ(store->get_cursor("tag"), "since=123");
  store->set_cursor("tag", "since=456");
  EXPECT_EQ(store->get_cursor("tag"), "since=456");
  EXPECT_FALSE(store->get_cursor("other"));

  EXPECT_TRUE(store->acquire_lease("poll:tag", "one", 10s));
  EXPECT_FALSE(store->acquire_lease("poll:tag", "two", 10s));
  EXPECT_TRUE(store->acquire_lease("poll:tag", "one", 300ms));  // renewal, with a new ttl
  store->release_lease("poll:tag", "two");                      // not the holder: no effect
  EXPECT_FALSE(store->acquire_lease("poll:tag", "two", 10s));
  std::this_thread::sleep_for(400ms);                            // expired
  EXPECT_TRUE(store->acquire_lease("poll:tag", "two", 10s));
  EXPECT_FALSE(store->acquire_lease("poll:tag", "one", 10s));
  store->release_lease("poll:tag", "two");
  EXPECT_TRUE(store->acquire_lease("poll:tag", "one", 10s));
  EXPECT_TRUE(store->acquire_lease("reaper", "two", 10s));  // leases are independent
  EXPECT_THROW(store->acquire_lease("x", "one", 0ms), std::invalid_argument);
}

TEST_F(QueueStoreTest, TrimNeverDropsPendingOrUndeliveredEntries) {
  auto store = make_store();
  store->enqueue(mentions(5, "t"));
  auto c0 = store->claim("care", "a");
  auto c1 = store->claim("care", "a");
  ASSERT_TRUE(c0 && c1);
  ASSERT_EQ(store->resolve(c1->uid, "a").status, OpStatus::ok);
  store->trim(now_ms() + 10'000);
  EXPECT_EQ(redis.command("XLEN {t}:events"), "0");
  EXPECT_EQ(redis.command("XLEN {t}:q:care:p1"), "5");  // t0 still pending holds everything back

  ASSERT_EQ(store->resolve(c0->uid, "a").status, OpStatus::ok);
  store->trim(now_ms() + 10'000);
  EXPECT_EQ(redis.command("XLEN {t}:q:care:p1"), "3");  // t0, t1 acknowledged: gone

  auto c2 = store->claim("care", "a");
  ASSERT_TRUE(c2);
  ASSERT_EQ(store->release(c2->uid, "a").status, OpStatus::ok);
  store->trim(now_ms() + 10'000);
  EXPECT_EQ(redis.command("XLEN {t}:q:care:p1"), "3");  // released: still waiting

  // trimming by age keeps entries newer than `before`
  store->trim(0);
  EXPECT_EQ(redis.command("XLEN {t}:q:care:p1"), "3");

  std::vector<std::string> rest;
  while (auto c = store->claim("care", "b")) rest.push_back(c->uid);
  EXPECT_EQ(rest, (std::vector<std::string>{"mastodon:t2", "mastodon:t3", "mastodon:t4"}));
  // depths stay exact after trimming
  for (const auto& d : store->depths()) {
    EXPECT_EQ(d.waiting, 0);
    EXPECT_EQ(d.claimed, d.priority == 1 ? 3 : 0);
  }
  // the per-mention history survives trimming of the shared stream
  EXPECT_EQ(event_types(*store->get(c0->uid)).size(), 4u);
}

TEST_F(QueueStoreTest, ClaimSkipsEntriesWhoseMentionIsGone) {
  auto store = make_store();
  store->enqueue(mentions(2, "g"));
  redis.command("DEL {t}:m:mastodon:g0");
  auto c = store->claim("care", "a");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->uid, "mastodon:g1");
  EXPECT_EQ(redis.command("XPENDING {t}:q:care:p1 agents - + 10 a").find("g0"), std::string::npos);
  EXPECT_FALSE(store->claim("care", "a"));
}

TEST_F(QueueStoreTest, LostPendingEntryIsRecreatedOnRenewAndRelease) {
  auto store = make_store();
  store->enqueue(mentions(1, "l"));
  auto c = store->claim("care", "a");
  ASSERT_TRUE(c);
  const std::string id = store->get(c->uid)->state.at("entry_id");
  // Simulate a pending entry lost with the last second of an everysec AOF.
  ASSERT_EQ(redis.command("XACK {t}:q:care:p1 agents " + id), "1");
  EXPECT_EQ(store->renew(c->uid, "a").status, OpStatus::ok);
  EXPECT_EQ(redis.command("XPENDING {t}:q:care:p1 agents - + 10 a").substr(0, id.size()), id);
  ASSERT_EQ(redis.command("XACK {t}:q:care:p1 agents " + id), "1");
  EXPECT_EQ(store->release(c->uid, "a").status, OpStatus::ok);
  auto again = store->claim("care", "b");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->uid, c->uid);
}

TEST_F(QueueStoreTest, ScriptsAreReloadedAfterScriptFlush) {
  auto store = make_store();
  store->enqueue(mentions(1, "n"));
  EXPECT_EQ(redis.command("SCRIPT FLUSH"), "OK");
  EXPECT_EQ(store->enqueue(mentions(3, "m")),
            std::vector<EnqueueOutcome>(3, EnqueueOutcome::queued));  // pipelined path
  EXPECT_EQ(redis.command("SCRIPT FLUSH"), "OK");
  auto c = store->claim("care", "a");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->uid, "mastodon:n0");
}

TEST_F(QueueStoreTest, RedisRestartLosesNoEnqueueAndStoreReconnects) {
  auto store = make_store();
  ASSERT_EQ(store->enqueue(mentions(50, "k")), std::vector<EnqueueOutcome>(50, EnqueueOutcome::queued));
  auto c = store->claim("care", "a");
  ASSERT_TRUE(c);
  // fill the pool with idle connections that the restart will close
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { store->depths(); });
  for (auto& t : threads) t.join();

  redis.server().stop();
  EXPECT_FALSE(store->ping());
  try {
    store->claim("care", "a");
    FAIL() << "claim while Redis is down must throw";
  } catch (const RedisUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(redis.server().port())),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(store->enqueue(mentions(1, "z")), RedisUnavailable);
  EXPECT_THROW(store->get_cursor("x"), RedisUnavailable);
  EXPECT_THROW(store->depths(), RedisUnavailable);

  redis.server().start();
  EXPECT_TRUE(store->ping());
  EXPECT_EQ(store->enqueue(mentions(50, "k")), std::vector<EnqueueOutcome>(50, EnqueueOutcome::duplicate));
  std::int64_t waiting = 0, claimed = 0;
  for (const auto& d : store->depths()) {
    waiting += d.waiting;
    claimed += d.claimed;
  }
  EXPECT_EQ(waiting, 49);
  EXPECT_EQ(claimed, 1);
  EXPECT_EQ(store->get(c->uid)->state.at("owner"), "a");
  EXPECT_EQ(store->resolve(c->uid, "a").status, OpStatus::ok);
  auto next = store->claim("care", "b");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->uid, "mastodon:k1");
}

TEST_F(QueueStoreTest, UnreachableRedisThrowsAndPingIsFalse) {
  RedisEndpoint nowhere = redis.endpoint();
  redis.server().stop();
  QueueStore store(nowhere, options());
  EXPECT_FALSE(store.ping());
  try {
    store.enqueue(mentions(1, "u"));
    FAIL() << "expected RedisUnavailable";
  } catch (const RedisUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(nowhere.port)), std::string::npos) << e.what();
  }
  EXPECT_THROW(store.claim("care", "a"), RedisUnavailable);
  redis.server().start();
  EXPECT_TRUE(store.ping());
  EXPECT_EQ(store.enqueue(mentions(1, "u")), std::vector{EnqueueOutcome::queued});
}

TEST_F(QueueStoreTest, AuthAndDatabaseSelection) {
  ASSERT_EQ(redis.command("CONFIG SET requirepass s3cret"), "OK");
  RedisEndpoint ep = redis.endpoint();
  ep.password = "s3cret";
  ep.db = 2;
  {
    QueueStore store(ep, options());
    ASSERT_TRUE(store.ping());
    EXPECT_EQ(store.enqueue(mentions(1, "auth")), std::vector{EnqueueOutcome::queued});
  }
  ep.password = "wrong";
  QueueStore bad(ep, options());
  EXPECT_FALSE(bad.ping());
  try {
    bad.get_cursor("x");
    FAIL() << "expected RedisUnavailable";
  } catch (const RedisUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find("AUTH"), std::string::npos) << e.what();
  }
  ep.password = "s3cret";
  {
    QueueStore store(ep, options());
    EXPECT_TRUE(store.get("mastodon:auth0"));
  }
  // Put the server back the way the fixture expects it (no password).
  RedisConnection admin(ep, 1000ms, 1000ms);
  EXPECT_EQ(admin.command({"CONFIG", "SET", "requirepass", ""}).text(), "OK");
  EXPECT_EQ(redis.command("DBSIZE"), "0");  // everything went to db 2
}

TEST_F(QueueStoreTest, RejectsBadOptions) {
  auto o = options();
  o.prefix = "a{b}";
  EXPECT_THROW(QueueStore(redis.endpoint(), o), std::invalid_argument);
  o.prefix = "";
  EXPECT_THROW(QueueStore(redis.endpoint(), o), std::invalid_argument);
  o = options(0ms);
  EXPECT_THROW(QueueStore(redis.endpoint(), o), std::invalid_argument);
}

TEST_F(QueueStoreTest, PrefixesSeparateTeams) {
  auto a = make_store();
  auto o = options();
  o.prefix = "other";
  QueueStore b(redis.endpoint(), o);
  a->enqueue(mentions(1, "p"));
  EXPECT_EQ(b.enqueue(mentions(1, "p")), std::vector{EnqueueOutcome::queued});
  EXPECT_TRUE(a->claim("care", "x"));
  EXPECT_TRUE(b.claim("care", "x"));
  EXPECT_FALSE(b.claim("care", "x"));
}

}  // namespace
}  // namespace carewatch

namespace carewatch {
namespace {

TEST_F(QueueStoreTest, EventsAfterFollowsTheStreamWithoutGapsOrRepeats) {
  auto store = make_store();
  EXPECT_EQ(store->last_event_id(), "0-0");
  store->enqueue({make_mention("f1"), make_mention("f2")});
  const std::string mark = store->last_event_id();
  const auto first = store->events_after("", 100);
  ASSERT_EQ(first.size(), 4u);  // ingested + queued, twice
  EXPECT_EQ(first.back().id, mark);
  EXPECT_TRUE(store->events_after(mark, 100).empty());

  auto c = store->claim("care", "a");
  ASSERT_TRUE(c);
  ASSERT_EQ(reply(*store, c->uid, "a", "hi", true).status, OpStatus::ok);
  std::vector<std::string> types;
  std::string at = mark;
  for (;;) {  // one at a time: every event exactly once, in order
    const auto page = store->events_after(at, 1);
    if (page.empty()) break;
    types.push_back(page[0].type);
    at = page[0].id;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"claimed", "replied"}));
  EXPECT_EQ(at, store->last_event_id());
}

// The prelude every script starts with gives the catalogue's names, and a name it does not
// declare stops the script instead of reading as nil.
TEST_F(QueueStoreTest, ScriptsGetFieldNamesFromTheCatalogueAndRefuseOthers) {
  RedisConnection c(redis.endpoint(), 1000ms, 1000ms);
  const std::string prelude = kLuaFields;
  EXPECT_EQ(c.command({"EVAL", prelude + "\nreturn {MF.posted_at, EF.detect_ms, QF.uid}", "0"}).elements.size(), 3u);
  EXPECT_EQ(c.command({"EVAL", prelude + "\nreturn MF.lease_until", "0"}).str, "lease_until");
  for (const char* wrong : {"MF.postd_at", "EF.posted_at", "QF.state"}) {
    const RedisReply r = c.command({"EVAL", prelude + "\nreturn " + wrong, "0"});
    EXPECT_TRUE(r.is_error()) << wrong;
    EXPECT_NE(r.str.find("not in redis_fields.def"), std::string::npos) << r.str;
  }
}

}  // namespace
}  // namespace carewatch
