// The SLA evaluator: first / next response and resolution clocks, threshold instants and which
// are due, business hours, and the mention view's clock built on it.
#include "daemon/telemetry/sla_policy.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "daemon/telemetry/sla_clock.h"

namespace carewatch {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr TimeMs T = 1795341600000;  // 2026-11-22T10:00:00Z (a Sunday)
constexpr long long kMin = 60'000;

std::map<std::string, std::string> mention(int priority, std::map<std::string, std::string> more = {}) {
  std::map<std::string, std::string> h = {{"uid", "masto:1"},      {"queue", "care"},
                                          {"priority", std::to_string(priority)},
                                          {"state", "queued"},     {"posted_at", std::to_string(T)}};
  for (auto& [k, v] : more) h[k] = v;
  return h;
}

SlaPolicies policies() {
  SlaPolicies p;
  p.fallback.warnings = {0.5, 0.8};
  p.fallback.targets[0].first_response = minutes(10);
  p.fallback.targets[0].next_response = minutes(30);
  p.fallback.targets[0].resolution = hours(2);
  p.fallback.targets[1].first_response = hours(1);
  return p;
}

std::vector<std::string> due(const SlaTargetClock& c) {
  std::vector<std::string> out;
  for (const auto& t : c.thresholds)
    if (t.due) out.push_back(t.token());
  return out;
}

using V = std::vector<std::string>;

TEST(SlaPolicy, ThresholdsInOrderAndDueAsTimePasses) {
  const auto p = policies();
  const auto h = mention(0);
  const auto at4 = evaluate_sla(h, T + 4 * kMin, p);
  ASSERT_NE(at4.response(), nullptr);
  const auto& r = *at4.response();
  EXPECT_EQ(r.target, SlaTarget::first_response);
  ASSERT_EQ(r.thresholds.size(), 3u);
  EXPECT_EQ(r.thresholds[0].at, T + 5 * kMin);
  EXPECT_EQ(r.thresholds[1].at, T + 8 * kMin);
  EXPECT_EQ(r.thresholds[2].at, T + 10 * kMin);
  EXPECT_TRUE(r.thresholds[2].breach);
  EXPECT_EQ(r.deadline, T + 10 * kMin);
  EXPECT_EQ(due(r), V{});
  EXPECT_EQ(at4.next_threshold(T + 4 * kMin), T + 5 * kMin);
  EXPECT_EQ(due(*evaluate_sla(h, T + 5 * kMin, p).response()), V{"0.5"});
  EXPECT_EQ(due(*evaluate_sla(h, T + 9 * kMin, p).response()), (V{"0.5", "0.8"}));
  const auto late = evaluate_sla(h, T + 11 * kMin, p);
  EXPECT_EQ(due(*late.response()), (V{"0.5", "0.8", "1"}));
  EXPECT_EQ(late.response()->remaining_ms, -kMin);
  // The resolution clock runs beside it: its next threshold is at 1h (0.5 of 2h).
  ASSERT_NE(late.resolution(), nullptr);
  EXPECT_EQ(late.next_threshold(T + 11 * kMin), T + 60 * kMin);
  EXPECT_EQ(late.urgent(), late.response());
}

TEST(SlaPolicy, AnsweredBeforeAThresholdNeverFiresIt) {
  const auto p = policies();
  // Answered at 3 min: nothing of the response clock is ever due.
  const auto early = evaluate_sla(mention(0, {{"first_reply_at", std::to_string(T + 3 * kMin)}}), T + 60 * kMin, p);
  EXPECT_FALSE(early.response()->running);
  EXPECT_EQ(early.response()->elapsed_ms, 3 * kMin);
  EXPECT_EQ(due(*early.response()), V{});
  // Answered at 6 min, looked at later: 0.5 passed while running, but a warning after the
  // answer is noise; the breach never happened.
  const auto mid = evaluate_sla(mention(0, {{"first_reply_at", std::to_string(T + 6 * kMin)}}), T + 60 * kMin, p);
  EXPECT_EQ(due(*mid.response()), V{});
  // Answered at 12 min, noticed late: the breach did happen and is due.
  const auto breached = evaluate_sla(mention(0, {{"first_reply_at", std::to_string(T + 12 * kMin)}}), T + 60 * kMin, p);
  EXPECT_EQ(due(*breached.response()), V{"1"});
  // Resolved without a reply at 4 min stops both clocks.
  const auto resolved = evaluate_sla(
      mention(0, {{"state", "resolved"}, {"resolved_at", std::to_string(T + 4 * kMin)}}), T + 300 * kMin, p);
  EXPECT_FALSE(resolved.any_running());
  EXPECT_EQ(due(*resolved.response()), V{});
  EXPECT_EQ(due(*resolved.resolution()), V{});
  EXPECT_EQ(resolved.urgent(), nullptr);
}

TEST(SlaPolicy, FollowUpWaitsOnTheNextResponseTarget) {
  const auto p = policies();
  const auto e = evaluate_sla(mention(0, {{"follow_up", "1"}}), T + 20 * kMin, p);
  ASSERT_NE(e.response(), nullptr);
  EXPECT_EQ(e.response()->target, SlaTarget::next_response);
  EXPECT_EQ(e.response()->target_ms, 30 * kMin);
  EXPECT_EQ(due(*e.response()), V{"0.5"});
  // Without a next-response target, the first-response one applies (named next_response).
  const auto p1 = evaluate_sla(mention(1, {{"follow_up", "1"}}), T, p);
  EXPECT_EQ(p1.response()->target, SlaTarget::next_response);
  EXPECT_EQ(p1.response()->target_ms, 60 * kMin);
  EXPECT_EQ(p1.resolution(), nullptr);
}

TEST(SlaPolicy, ResolutionRunsAfterTheReply) {
  const auto p = policies();
  const auto h = mention(0, {{"first_reply_at", std::to_string(T + 2 * kMin)}, {"state", "replied"}});
  const auto e = evaluate_sla(h, T + 90 * kMin, p);
  EXPECT_FALSE(e.response()->running);
  ASSERT_NE(e.urgent(), nullptr);
  EXPECT_EQ(e.urgent()->target, SlaTarget::resolution);
  EXPECT_EQ(due(*e.resolution()), V{"0.5"});
  EXPECT_EQ(e.next_threshold(T + 90 * kMin), T + 96 * kMin);
}

TEST(SlaPolicy, NoClockWithoutQueuePostedAtOrTarget) {
  const auto p = policies();
  EXPECT_TRUE(evaluate_sla(mention(0, {{"queue", ""}}), T, p).clocks.empty());
  EXPECT_TRUE(evaluate_sla(mention(0, {{"posted_at", "0"}}), T, p).clocks.empty());
  EXPECT_TRUE(evaluate_sla(mention(3), T, p).clocks.empty());
  EXPECT_TRUE(evaluate_sla(mention(7), T, p).clocks.empty());
}

TEST(SlaPolicy, QueuePolicyWithBusinessHours) {
  SlaPolicies p = policies();
  SlaPolicy berlin = p.fallback;
  std::array<std::vector<OpenInterval>, 7> week;
  for (int d = 1; d <= 5; ++d) week[d].push_back({9 * 60, 17 * 60});
  berlin.calendar = std::make_shared<BusinessCalendar>("Europe/Berlin", week, std::set<int>{});
  p.queues["support"] = berlin;
  // Posted Sunday 11:00 CET: the clock starts Monday 09:00 CET (08:00Z).
  auto h = mention(0, {{"queue", "support"}});
  const TimeMs monday_open = T + 22 * 60 * kMin;  // 2026-11-23T08:00:00Z
  const auto e = evaluate_sla(h, T + 10 * 60 * kMin, p);
  EXPECT_EQ(e.response()->elapsed_ms, 0);
  EXPECT_EQ(e.response()->deadline, monday_open + 10 * kMin);
  EXPECT_EQ(e.response()->thresholds[0].at, monday_open + 5 * kMin);
  // The fallback queue is 24x7.
  EXPECT_EQ(evaluate_sla(mention(0), T, p).response()->deadline, T + 10 * kMin);
}

TEST(SlaPolicy, MentionViewClockFollowsThePolicy) {
  const auto p = policies();
  const auto c = sla_clock(mention(0), T + 6 * kMin, p);
  EXPECT_EQ(c.status, SlaStatus::warning);  // the first warning fraction is 0.5
  EXPECT_STREQ(c.target, "first_response");
  EXPECT_EQ(c.deadline, T + 10 * kMin);
  EXPECT_EQ(sla_clock(mention(0), T + 4 * kMin, p).status, SlaStatus::ok);
  EXPECT_EQ(sla_clock(mention(0), T + 11 * kMin, p).status, SlaStatus::breached);
  EXPECT_EQ(sla_clock(mention(0, {{"first_reply_at", std::to_string(T + kMin)}}), T + 11 * kMin, p).status,
            SlaStatus::met);
  EXPECT_EQ(sla_clock(mention(3), T, p).status, SlaStatus::none);
  EXPECT_STREQ(sla_clock(mention(0, {{"follow_up", "1"}}), T, p).target, "next_response");
}

TEST(SlaPolicy, FractionText) {
  EXPECT_EQ(fraction_text(0.5), "0.5");
  EXPECT_EQ(fraction_text(0.8), "0.8");
  EXPECT_EQ(fraction_text(1.0), "1");
  EXPECT_EQ(fraction_text(0.75), "0.75");
}

}  // namespace
}  // namespace carewatch
