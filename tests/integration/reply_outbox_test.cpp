// The reply outbox in Redis (lua/reply.lua, reply_take.lua, reply_done.lua) against a real
// redis-server: submission, taking with a sending lease, each outcome, the deferred resolve, an
// external reply, and several workers taking one outbox.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "daemon/store/queue_store.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::TestRedis;

constexpr TimeMs kPosted = 1'795'341'600'000;  // 2026-11-22T10:00:00Z

std::int64_t num(const MentionRecord& r, const std::string& field) {
  auto it = r.state.find(field);
  return it == r.state.end() ? -1 : std::stoll(it->second);
}

const Event* find_event(const MentionRecord& r, const std::string& type, size_t nth = 0) {
  for (const auto& e : r.events)
    if (e.type == type && nth-- == 0) return &e;
  return nullptr;
}

class ReplyOutboxTest : public ::testing::Test {
 protected:
  std::unique_ptr<QueueStore> make_store(std::chrono::milliseconds lease = 60s) {
    QueueStoreOptions o;
    o.prefix = "t";
    o.lease = lease;
    o.connect_timeout = 500ms;
    o.command_timeout = 5000ms;
    return std::make_unique<QueueStore>(redis.endpoint(), o);
  }
  // A claimed mention "mastodon:<id>" held by `agent`.
  std::string claimed(QueueStore& store, const std::string& id, const std::string& agent = "alice") {
    Mention m = testing::test_mention(id, "my bag " + id + " is lost", kPosted, kPosted + 1000, "dan", "src");
    m.decision.category = Category::complaint;
    m.decision.queue = "care";
    m.decision.priority = 1;
    EXPECT_EQ(store.enqueue({m}), std::vector{EnqueueOutcome::queued});
    const auto c = store.claim("care", agent);
    EXPECT_TRUE(c);
    return c ? c->uid : "";
  }
  std::string submit(QueueStore& store, const std::string& uid, const std::string& text, bool external = false,
                     const std::string& agent = "alice") {
    const std::string id = QueueStore::new_reply_id();
    const OpResult r = store.submit_reply(uid, agent, text, id, external);
    EXPECT_EQ(r.status, OpStatus::ok) << r.message;
    return id;
  }
  TestRedis redis;
};

TEST_F(ReplyOutboxTest, ReplyIdsAreFreshAndShapedForIdempotencyKeys) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = QueueStore::new_reply_id();
    EXPECT_EQ(id.size(), 33u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 1), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST_F(ReplyOutboxTest, ASubmittedReplyIsQueuedAndIsNotAResponseUntilSent) {
  auto store = make_store();
  const std::string uid = claimed(*store, "1");
  const TimeMs lease_before = num(*store->get(uid), "lease_until");
  const std::string id = submit(*store, uid, "So sorry, Dan.");
  auto rec = store->get(uid);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state.at("state"), "claimed");
  EXPECT_EQ(num(*rec, "first_reply_at"), -1) << "not a response until the platform accepts it";
  EXPECT_EQ(num(*rec, "pending_replies"), 1);
  EXPECT_GE(num(*rec, "lease_until"), lease_before) << "submitting renews the claim";
  ASSERT_EQ(rec->replies.size(), 1u);
  EXPECT_EQ(rec->replies[0].id, id);
  EXPECT_EQ(rec->replies[0].state, "queued");
  EXPECT_EQ(rec->replies[0].text, "So sorry, Dan.");
  EXPECT_EQ(rec->replies[0].agent, "alice");
  EXPECT_EQ(rec->replies[0].attempts, 0);
  const Event* queued = find_event(*rec, "reply_queued");
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->fields.at("reply_id"), id);
  EXPECT_EQ(store->outbox_depth(), 1);

  // another agent cannot reply; a reply id is never reused
  EXPECT_EQ(store->submit_reply(uid, "bob", "hi", QueueStore::new_reply_id(), false).status, OpStatus::conflict);
  EXPECT_THROW(store->submit_reply(uid, "alice", "again", id, false), std::runtime_error);
}

TEST_F(ReplyOutboxTest, SentRecordsThePostAndMakesTheFirstResponseAtThePlatformsTime) {
  auto store = make_store();
  const std::string uid = claimed(*store, "2");
  const std::string id = submit(*store, uid, "We found your bag.");
  const auto t = store->take_reply("w1", 60s);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->reply.id, id);
  EXPECT_EQ(t->reply.uid, uid);
  EXPECT_EQ(t->reply.text, "We found your bag.");
  EXPECT_EQ(t->reply.attempts, 1);
  EXPECT_EQ(t->previous_state, "queued");
  EXPECT_EQ(t->source, "src");
  EXPECT_FALSE(t->mention_json.empty());
  EXPECT_FALSE(store->take_reply("w2", 60s)) << "taken: not due again until its sending lease ends";
  EXPECT_EQ(store->get(uid)->replies[0].state, "sending");

  // a platform time before the submission is clamped to it; one in the future to now
  ASSERT_TRUE(store->record_reply_sent(id, "w1", "9001", "mastodon:9001", "https://m.example/@acme/9001", 1));
  auto rec = store->get(uid);
  const ReplyRecord r = rec->replies.at(0);  // a copy: rec is read again below
  EXPECT_EQ(r.state, "sent");
  EXPECT_EQ(r.post_id, "9001");
  EXPECT_EQ(r.post_url, "https://m.example/@acme/9001");
  EXPECT_EQ(r.sent_at, r.submitted_at);
  EXPECT_EQ(num(*rec, "first_reply_at"), r.sent_at);
  EXPECT_EQ(rec->state.at("state"), "replied");
  EXPECT_EQ(num(*rec, "pending_replies"), 0);
  const Event* sent = find_event(*rec, "reply_sent");
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->actor, "alice");
  EXPECT_EQ(sent->fields.at("frt_ms"), std::to_string(r.sent_at - kPosted));
  EXPECT_EQ(sent->fields.at("delivery_ms"), "0");
  EXPECT_EQ(sent->fields.at("post_id"), "9001");
  EXPECT_EQ(sent->fields.at("attempts"), "1");
  EXPECT_EQ(redis.command("GET {t}:own:mastodon:9001"), id);
  EXPECT_EQ(store->outbox_depth(), 0);
  // recorded once: a second record (a late duplicate) is stale
  EXPECT_FALSE(store->record_reply_sent(id, "w1", "9001", "mastodon:9001", "", 0));

  // a second reply later is not the first response
  const std::string id2 = submit(*store, uid, "It arrives at 18:00.");
  const auto t2 = store->take_reply("w1", 60s);
  ASSERT_TRUE(t2);
  ASSERT_TRUE(store->record_reply_sent(id2, "w1", "9002", "mastodon:9002", "", kPosted + 365LL * 86400000));
  rec = store->get(uid);
  EXPECT_LE(rec->replies.at(1).sent_at, now_ms()) << "a platform time in the future is clamped to now";
  EXPECT_EQ(num(*rec, "first_reply_at"), r.sent_at);
  EXPECT_FALSE(find_event(*rec, "reply_sent", 1)->fields.count("frt_ms"));
}

TEST_F(ReplyOutboxTest, RetryRequeuesAfterTheDelayAndAWorkerThatDiedIsReplacedAfterItsLease) {
  auto store = make_store();
  const std::string uid = claimed(*store, "3");
  const std::string id = submit(*store, uid, "On it.");
  ASSERT_TRUE(store->take_reply("w1", 60s));
  ASSERT_TRUE(store->record_reply_retry(id, "w1", "POST /api/v1/statuses: status 503", 300ms));
  auto rec = store->get(uid);
  EXPECT_EQ(rec->replies[0].state, "queued");
  EXPECT_EQ(rec->replies[0].error, "POST /api/v1/statuses: status 503");
  EXPECT_TRUE(rec->replies[0].will_retry);
  const Event* failed = find_event(*rec, "reply_failed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->fields.at("will_retry"), "1");
  EXPECT_FALSE(store->take_reply("w1", 60s)) << "not due yet";
  std::this_thread::sleep_for(400ms);
  auto again = store->take_reply("w1", 200ms);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->reply.attempts, 2);
  EXPECT_EQ(again->previous_state, "queued");
  // w1 dies mid-request: after its sending lease w2 takes the reply, knowing it was being sent
  std::this_thread::sleep_for(300ms);
  auto taken_over = store->take_reply("w2", 60s);
  ASSERT_TRUE(taken_over);
  EXPECT_EQ(taken_over->previous_state, "sending");
  EXPECT_EQ(taken_over->reply.attempts, 3);
  EXPECT_GT(taken_over->reply.first_attempt_at, 0);
  // w1 comes back late: its outcome is not recorded
  EXPECT_FALSE(store->record_reply_sent(id, "w1", "1", "mastodon:1", "", 0));
  EXPECT_TRUE(store->record_reply_sent(id, "w2", "2", "mastodon:2", "", 0));
  EXPECT_EQ(store->get(uid)->replies[0].post_id, "2");
}

TEST_F(ReplyOutboxTest, APermanentFailureLeavesTheMentionWithItsAgentAndCancelsAPendingResolve) {
  auto store = make_store();
  const std::string uid = claimed(*store, "4");
  const std::string id = submit(*store, uid, "Sorry!");
  EXPECT_EQ(store->resolve(uid, "alice").status, OpStatus::pending);
  EXPECT_EQ(store->get(uid)->state.at("resolve_after_reply"), "alice");
  ASSERT_TRUE(store->take_reply("w", 60s));
  ASSERT_TRUE(store->record_reply_failed(id, "w", "POST /api/v1/statuses: status 404: Record not found"));
  auto rec = store->get(uid);
  EXPECT_EQ(rec->state.at("state"), "claimed");
  EXPECT_EQ(rec->state.at("owner"), "alice");
  EXPECT_FALSE(rec->state.count("resolve_after_reply"));
  EXPECT_EQ(num(*rec, "first_reply_at"), -1);
  EXPECT_EQ(rec->replies[0].state, "failed");
  EXPECT_FALSE(rec->replies[0].will_retry);
  EXPECT_EQ(rec->replies[0].error, "POST /api/v1/statuses: status 404: Record not found");
  EXPECT_EQ(find_event(*rec, "reply_failed")->fields.at("will_retry"), "0");
  EXPECT_EQ(store->outbox_depth(), 0);
  EXPECT_EQ(store->resolve(uid, "alice").status, OpStatus::ok) << "nothing pending: resolves at once";
}

TEST_F(ReplyOutboxTest, AResolveAskedWhileAReplyIsPendingHappensWhenItIsSent) {
  auto store = make_store();
  const std::string uid = claimed(*store, "5");
  const std::string id = submit(*store, uid, "Refunded.");
  EXPECT_EQ(store->resolve(uid, "alice").status, OpStatus::pending);
  EXPECT_EQ(store->get(uid)->state.at("state"), "claimed");
  ASSERT_TRUE(store->take_reply("w", 60s));
  ASSERT_TRUE(store->record_reply_sent(id, "w", "77", "mastodon:77", "", 0));
  auto rec = store->get(uid);
  EXPECT_EQ(rec->state.at("state"), "resolved");
  EXPECT_EQ(rec->state.at("resolved_by"), "alice");
  ASSERT_TRUE(find_event(*rec, "resolved"));
  EXPECT_GE(find_event(*rec, "resolved")->id, find_event(*rec, "reply_sent")->id);
  EXPECT_NE(redis.command("TTL {t}:r:" + id), "-1") << "a finished reply expires with its mention";
  EXPECT_NE(redis.command("TTL {t}:mr:" + uid), "-1");
}

// The claim ran out while the reply was pending and another agent took the mention: the first
// agent's resolve is not carried out on the second agent's claim.
TEST_F(ReplyOutboxTest, APendingResolveDiesWithTheClaimThatAskedForIt) {
  auto store = make_store(300ms);
  const std::string uid = claimed(*store, "8");
  const std::string id = submit(*store, uid, "Checking.");
  EXPECT_EQ(store->resolve(uid, "alice").status, OpStatus::pending);
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(store->reap_expired(), 1u);
  ASSERT_TRUE(store->claim("care", "bob"));
  EXPECT_FALSE(store->get(uid)->state.count("resolve_after_reply"));
  ASSERT_TRUE(store->take_reply("w", 60s));
  ASSERT_TRUE(store->record_reply_sent(id, "w", "88", "mastodon:88", "", 0));
  auto rec = store->get(uid);
  EXPECT_EQ(rec->state.at("state"), "replied");
  EXPECT_EQ(rec->state.at("owner"), "bob");
}

TEST_F(ReplyOutboxTest, AnExternalReplyCountsAtOnceAndNeverEntersTheOutbox) {
  auto store = make_store();
  const std::string uid = claimed(*store, "6");
  TimeMs submitted = 0;
  const std::string id = QueueStore::new_reply_id();
  ASSERT_EQ(store->submit_reply(uid, "alice", "Answered by phone.", id, true, &submitted).status, OpStatus::ok);
  auto rec = store->get(uid);
  EXPECT_EQ(rec->state.at("state"), "replied");
  EXPECT_EQ(num(*rec, "first_reply_at"), submitted);
  EXPECT_EQ(rec->replies.at(0).state, "sent");
  EXPECT_TRUE(rec->replies.at(0).external);
  const Event* replied = find_event(*rec, "replied");
  ASSERT_TRUE(replied);
  EXPECT_EQ(replied->fields.at("external"), "1");
  EXPECT_EQ(replied->fields.at("frt_ms"), std::to_string(submitted - kPosted));
  EXPECT_EQ(store->outbox_depth(), 0);
  EXPECT_FALSE(store->take_reply("w", 60s));
  EXPECT_EQ(store->resolve(uid, "alice").status, OpStatus::ok);
}

TEST_F(ReplyOutboxTest, AReplyWhoseMentionIsGoneFailsInsteadOfBlockingTheOutbox) {
  auto store = make_store();
  const std::string uid = claimed(*store, "7");
  const std::string id = submit(*store, uid, "Hello");
  redis.command("DEL {t}:m:" + uid);
  EXPECT_FALSE(store->take_reply("w", 60s));
  EXPECT_EQ(store->outbox_depth(), 0);
  EXPECT_EQ(redis.command("HGET {t}:r:" + id + " reply_state"), "failed");
}

// GET /v1/mentions/{uid} reads a mention in one script: a reply seen as sent always comes with
// the first response it set (read in two round trips, a reader could see one without the other).
TEST_F(ReplyOutboxTest, AMentionIsReadAsOfOneMoment) {
  auto store = make_store();
  std::vector<std::pair<std::string, std::string>> pending;  // uid, reply id
  for (int i = 0; i < 40; ++i) {
    const std::string uid = claimed(*store, "g" + std::to_string(i), "agent" + std::to_string(i));
    pending.emplace_back(uid, submit(*store, uid, "hi", false, "agent" + std::to_string(i)));
  }
  std::atomic<bool> done{false};
  std::atomic<int> torn{0}, seen_sent{0};
  std::thread reader([&] {
    auto mine = make_store();
    // Reads while the replies are recorded, then one whole pass after: on a slow machine the
    // writer may finish before this thread's first read.
    for (bool last = false; !last;) {
      last = done.load();
      for (const auto& [uid, id] : pending) {
        const auto rec = mine->get(uid);
        if (!rec || rec->replies.empty() || rec->replies[0].state != "sent") continue;
        ++seen_sent;
        if (!rec->state.count("first_reply_at")) ++torn;
      }
    }
  });
  size_t sent = 0;
  while (const auto t = store->take_reply("w", 60s)) {
    const std::string& id = t->reply.id;
    sent += store->record_reply_sent(id, "w", "p" + id, "mastodon:p" + id, "", 0);
  }
  done = true;
  reader.join();
  EXPECT_EQ(sent, pending.size());
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GE(seen_sent.load(), static_cast<int>(pending.size()));  // at least the last pass saw each
}

// Several daemons on one Redis: each reply is taken by one worker only.
TEST_F(ReplyOutboxTest, SeveralWorkersTakeEachReplyOnce) {
  auto store = make_store();
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const std::string uid = claimed(*store, "m" + std::to_string(i), "agent" + std::to_string(i));
    ids.push_back(submit(*store, uid, "reply " + std::to_string(i), false, "agent" + std::to_string(i)));
  }
  std::mutex mu;
  std::map<std::string, int> taken;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      auto mine = make_store();
      const std::string token = "worker" + std::to_string(w);
      while (auto t = mine->take_reply(token, 60s)) {
        ASSERT_TRUE(mine->record_reply_sent(t->reply.id, token, "p" + t->reply.id, "mastodon:p" + t->reply.id, "", 0));
        std::lock_guard lock(mu);
        ++taken[t->reply.id];
      }
    });
  }
  for (auto& t : workers) t.join();
  ASSERT_EQ(taken.size(), ids.size());
  for (const auto& [id, n] : taken) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(store->outbox_depth(), 0);
}

}  // namespace
}  // namespace carewatch
