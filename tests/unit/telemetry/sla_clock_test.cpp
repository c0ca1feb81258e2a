#include "daemon/telemetry/sla_clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <string>

namespace carewatch {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr TimeMs T = 1795341600000;  // 2026-11-22T10:00:00Z
constexpr long long kMin = 60 * 1000;

const std::map<int, milliseconds> kTargets = {
    {0, minutes(15)}, {1, hours(1)}, {2, hours(4)}, {3, hours(24)}};

// A mention hash as the queue store leaves it after enqueue (and later scripts).
std::map<std::string, std::string> mention(int priority, std::map<std::string, std::string> more = {}) {
  std::map<std::string, std::string> h = {{"uid", "masto:1"},
                                          {"queue", "care"},
                                          {"priority", std::to_string(priority)},
                                          {"state", "queued"},
                                          {"posted_at", std::to_string(T)},
                                          {"seen_at", std::to_string(T + 30000)},
                                          {"queued_at", std::to_string(T + 31000)}};
  for (auto& [k, v] : more) h[k] = v;
  return h;
}

void expect_clock(const SlaClock& c, SlaStatus status, long long target, long long elapsed, bool running) {
  EXPECT_EQ(to_string(c.status), std::string(to_string(status)));
  EXPECT_EQ(c.target_ms, target);
  EXPECT_EQ(c.elapsed_ms, elapsed);
  EXPECT_EQ(c.remaining_ms, target - elapsed);
  EXPECT_EQ(c.running, running);
}

TEST(SlaClock, RunningClockGoesOkWarningBreached) {
  const auto h = mention(0);  // p0: 15 min, warning at 12 min
  expect_clock(sla_clock(h, T + 5 * kMin, kTargets, 0.8), SlaStatus::ok, 15 * kMin, 5 * kMin, true);
  expect_clock(sla_clock(h, T + 12 * kMin - 1, kTargets, 0.8), SlaStatus::ok, 15 * kMin, 12 * kMin - 1, true);
  expect_clock(sla_clock(h, T + 12 * kMin, kTargets, 0.8), SlaStatus::warning, 15 * kMin, 12 * kMin, true);
  expect_clock(sla_clock(h, T + 15 * kMin, kTargets, 0.8), SlaStatus::warning, 15 * kMin, 15 * kMin, true);
  const auto late = sla_clock(h, T + 15 * kMin + 1, kTargets, 0.8);
  expect_clock(late, SlaStatus::breached, 15 * kMin, 15 * kMin + 1, true);
  EXPECT_EQ(late.remaining_ms, -1);
}

TEST(SlaClock, TargetFollowsPriority) {
  expect_clock(sla_clock(mention(1), T + 30 * kMin, kTargets, 0.8), SlaStatus::ok, 60 * kMin, 30 * kMin, true);
  expect_clock(sla_clock(mention(2), T + 200 * kMin, kTargets, 0.8), SlaStatus::warning, 240 * kMin, 200 * kMin, true);
  expect_clock(sla_clock(mention(3), T + 25 * 60 * kMin, kTargets, 0.8), SlaStatus::breached, 1440 * kMin,
               1500 * kMin, true);
}

TEST(SlaClock, FirstReplyStopsTheClock) {
  const auto in_time = mention(0, {{"state", "replied"}, {"first_reply_at", std::to_string(T + 10 * kMin)}});
  expect_clock(sla_clock(in_time, T + 2 * 60 * kMin, kTargets, 0.8), SlaStatus::met, 15 * kMin, 10 * kMin, false);
  const auto exactly = mention(0, {{"state", "claimed"}, {"first_reply_at", std::to_string(T + 15 * kMin)}});
  expect_clock(sla_clock(exactly, T + 16 * kMin, kTargets, 0.8), SlaStatus::met, 15 * kMin, 15 * kMin, false);
  const auto late = mention(0, {{"state", "resolved"},
                                {"first_reply_at", std::to_string(T + 20 * kMin)},
                                {"resolved_at", std::to_string(T + 21 * kMin)}});
  const auto c = sla_clock(late, T + 60 * kMin, kTargets, 0.8);
  expect_clock(c, SlaStatus::breached, 15 * kMin, 20 * kMin, false);
  EXPECT_EQ(c.remaining_ms, -5 * kMin);
}

TEST(SlaClock, NativeBrandReplyCountsLikeAnyFirstReply) {
  // record_native_reply sets first_reply_at whatever the state: a queued mention answered on
  // the platform has met its SLA.
  const auto h = mention(1, {{"native_reply_at", std::to_string(T + 40 * kMin)},
                             {"first_reply_at", std::to_string(T + 40 * kMin)}});
  expect_clock(sla_clock(h, T + 3 * 60 * kMin, kTargets, 0.8), SlaStatus::met, 60 * kMin, 40 * kMin, false);
}

TEST(SlaClock, ResolvedWithoutReplyStopsAtResolution) {
  const auto quick = mention(0, {{"state", "resolved"}, {"resolved_at", std::to_string(T + 3 * kMin)}});
  expect_clock(sla_clock(quick, T + 60 * kMin, kTargets, 0.8), SlaStatus::met, 15 * kMin, 3 * kMin, false);
  const auto slow = mention(0, {{"state", "resolved"}, {"resolved_at", std::to_string(T + 30 * kMin)}});
  expect_clock(sla_clock(slow, T + 60 * kMin, kTargets, 0.8), SlaStatus::breached, 15 * kMin, 30 * kMin, false);
}

TEST(SlaClock, NoClockWithoutQueuePostedAtPriorityOrTarget) {
  const auto expect_none = [](const std::map<std::string, std::string>& h, const char* why) {
    const auto c = sla_clock(h, T + 5 * kMin, kTargets, 0.8);
    EXPECT_EQ(c.status, SlaStatus::none) << why;
    EXPECT_EQ(c.target_ms, 0) << why;
    EXPECT_EQ(c.remaining_ms, 0) << why;
    EXPECT_FALSE(c.running) << why;
  };
  expect_none(mention(1, {{"queue", ""}, {"state", "stored"}}), "not routed");
  auto no_queue = mention(1);
  no_queue.erase("queue");
  expect_none(no_queue, "no queue field");
  auto no_posted = mention(1);
  no_posted.erase("posted_at");
  expect_none(no_posted, "no posted_at");
  expect_none(mention(1, {{"posted_at", "0"}}), "posted_at 0 (platform gave no time)");
  expect_none(mention(1, {{"posted_at", "yesterday"}}), "malformed posted_at");
  expect_none(mention(7), "priority without a target");
  expect_none(mention(1, {{"priority", "high"}}), "malformed priority");
  expect_none({}, "empty hash");
  EXPECT_EQ(sla_clock(mention(0), T + 5 * kMin, {}, 0.8).status, SlaStatus::none);
  EXPECT_EQ(sla_clock(mention(0), T + 5 * kMin, {{0, milliseconds(0)}}, 0.8).status, SlaStatus::none);
}

TEST(SlaClock, PostedInTheFutureCountsFromZero) {
  // The platform's clock may run ahead of ours.
  const auto h = mention(0, {{"posted_at", std::to_string(T + 60000)}});
  expect_clock(sla_clock(h, T, kTargets, 0.8), SlaStatus::ok, 15 * kMin, 0, true);
}

TEST(SlaClock, WarnFractionIsClamped) {
  const auto h = mention(0);
  // warn_at 1.5 acts as 1: no warning before the target itself
  EXPECT_EQ(sla_clock(h, T + 14 * kMin, kTargets, 1.5).status, SlaStatus::ok);
  EXPECT_EQ(sla_clock(h, T + 15 * kMin, kTargets, 1.5).status, SlaStatus::warning);
  // warn_at below 0 acts as 0: warning from the start
  EXPECT_EQ(sla_clock(h, T, kTargets, -1).status, SlaStatus::warning);
  EXPECT_EQ(sla_clock(h, T + 14 * kMin, kTargets, std::nan("")).status, SlaStatus::ok);
  EXPECT_EQ(sla_clock(h, T + 7 * kMin, kTargets, 0.5).status, SlaStatus::ok);
  EXPECT_EQ(sla_clock(h, T + 7 * kMin + 30000, kTargets, 0.5).status, SlaStatus::warning);
}

TEST(SlaClock, StatusNames) {
  EXPECT_STREQ(to_string(SlaStatus::none), "none");
  EXPECT_STREQ(to_string(SlaStatus::ok), "ok");
  EXPECT_STREQ(to_string(SlaStatus::warning), "warning");
  EXPECT_STREQ(to_string(SlaStatus::breached), "breached");
  EXPECT_STREQ(to_string(SlaStatus::met), "met");
}

}  // namespace
}  // namespace carewatch
