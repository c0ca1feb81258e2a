// The live feed's subscribers: every frame reaches every subscriber in order, a wake only when
// frames become pending, the per-agent and total limits, a slow subscriber cut off, and the
// `mention` event's body.
#include "daemon/api/live_feed.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <thread>

#include "daemon/api/api_json.h"
#include "daemon/api/live_pump.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;

TEST(LiveFeed, EveryFrameReachesEverySubscriberInOrder) {
  LiveFeed feed;
  auto a = feed.join("ana").client;
  auto b = feed.join("ben").client;
  ASSERT_TRUE(a && b);
  feed.publish("one\n\n");
  feed.publish("two\n\n");
  EXPECT_EQ(a->take(), "one\n\ntwo\n\n");
  EXPECT_EQ(a->take(), "");
  feed.publish("three\n\n");
  EXPECT_EQ(a->take(), "three\n\n");
  EXPECT_EQ(b->take(), "one\n\ntwo\n\nthree\n\n");
}

TEST(LiveFeed, FramesBeforeJoiningAreNotSent) {
  LiveFeed feed;
  feed.publish("before\n\n");
  auto a = feed.join("ana").client;
  feed.publish("after\n\n");
  EXPECT_EQ(a->take(), "after\n\n");
}

TEST(LiveFeed, WakesOnlyWhenFramesBecomePending) {
  LiveFeed feed;
  auto a = feed.join("ana").client;
  int wakes = 0;
  a->on_pending([&] { ++wakes; });
  feed.publish("1");
  feed.publish("2");
  EXPECT_EQ(wakes, 1);  // the second found one pending: the session takes both at once
  EXPECT_EQ(a->take(), "12");
  feed.publish("3");
  EXPECT_EQ(wakes, 2);
}

TEST(LiveFeed, PerAgentLimitThenTotalLimit) {
  LiveFeed feed;
  std::vector<std::shared_ptr<LiveClient>> held;
  for (size_t i = 0; i < LiveFeed::kPerAgent; ++i) {
    auto j = feed.join("ana");
    ASSERT_TRUE(j.client) << i;
    held.push_back(j.client);
  }
  auto over = feed.join("ana");
  EXPECT_FALSE(over.client);
  EXPECT_EQ(over.status, 429);
  EXPECT_NE(over.refusal.find("agent ana already has 8 live connections"), std::string::npos) << over.refusal;
  EXPECT_TRUE(feed.join("ben").client);  // another agent is not held back (and leaves at once)

  held.pop_back();  // a subscriber that leaves frees its place
  EXPECT_EQ(feed.clients(), LiveFeed::kPerAgent - 1);
  EXPECT_TRUE(feed.join("ana").client);

  held.clear();
  for (size_t i = 0; i < LiveFeed::kTotal; ++i) {
    auto j = feed.join("agent" + std::to_string(i / LiveFeed::kPerAgent));
    ASSERT_TRUE(j.client) << i;
    held.push_back(j.client);
  }
  auto full = feed.join("zoe");
  EXPECT_FALSE(full.client);
  EXPECT_EQ(full.status, 503);
  EXPECT_EQ(feed.clients(), LiveFeed::kTotal);
}

TEST(LiveFeed, ASubscriberThatStopsTakingIsCutOff) {
  LiveFeed feed;
  auto slow = feed.join("ana").client;
  auto fast = feed.join("ben").client;
  int wakes = 0;
  slow->on_pending([&] { ++wakes; });
  const std::string frame(64 * 1024, 'x');
  for (size_t sent = 0; sent <= LiveFeed::kMaxPending; sent += frame.size()) {
    feed.publish(frame);
    fast->take();
  }
  EXPECT_TRUE(slow->overflowed());
  EXPECT_EQ(wakes, 2);  // frames became pending, then the overflow (its session closes it)
  EXPECT_EQ(slow->take(), "");
  feed.publish(frame);  // nothing more is kept for it
  EXPECT_EQ(slow->take(), "");
  EXPECT_FALSE(fast->overflowed());
}

TEST(LiveFeed, WaitForClientsReturnsWhenOneJoins) {
  LiveFeed feed;
  EXPECT_FALSE(feed.wait_for_clients(10ms));
  std::shared_ptr<LiveClient> c;
  std::thread t([&] {
    std::this_thread::sleep_for(50ms);
    c = feed.join("ana").client;
  });
  EXPECT_TRUE(feed.wait_for_clients(10s));
  t.join();
  c.reset();
  EXPECT_FALSE(feed.wait_for_clients(1ms));
}

TEST(LiveFeed, WakeWaitersEndsAWait) {
  LiveFeed feed;
  std::thread t([&] {
    std::this_thread::sleep_for(50ms);
    feed.wake_waiters();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(feed.wait_for_clients(30s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
  t.join();
}

TEST(LiveFeed, MentionEventCarriesUidTypeActorAtAndQueue) {
  Event e;
  e.id = "1700000000000-0";
  e.type = "claimed";
  e.uid = "mastodon:1\"<x>";
  e.actor = "ana";
  e.at = 1'700'000'000'000;
  e.fields["queue"] = "care";
  e.fields["platform"] = "mastodon";
  const std::string frame = LivePump::mention_frame(e);
  ASSERT_EQ(frame.rfind("event: mention\ndata: ", 0), 0u) << frame;
  ASSERT_EQ(frame.substr(frame.size() - 2), "\n\n");
  const std::string data = frame.substr(21, frame.size() - 23);
  rapidjson::Document d;
  d.Parse(data.c_str());
  ASSERT_FALSE(d.HasParseError()) << data;
  EXPECT_STREQ(d["uid"].GetString(), "mastodon:1\"<x>");
  EXPECT_STREQ(d["type"].GetString(), "claimed");
  EXPECT_STREQ(d["actor"].GetString(), "ana");
  EXPECT_STREQ(d["at"].GetString(), "2023-11-14T22:13:20.000Z");
  EXPECT_STREQ(d["queue"].GetString(), "care");
  EXPECT_EQ(d.MemberCount(), 5u);
  e.fields.clear();
  EXPECT_NE(live_event_json(e).find(R"("queue":"")"), std::string::npos);
}

}  // namespace
}  // namespace carewatch
