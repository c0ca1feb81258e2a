// The pure spike detector on synthetic series: the Poisson tail, the recent and seasonal
// baselines, the tests on 1- and 2-bucket windows, min_count, min_ratio, over and cooldown.
#include "daemon/alerts/spike_detector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace carewatch {
namespace {

constexpr std::int64_t kWeek = kSpikeBucketsPerWeek;

// A series: a constant background from `since`, with explicit counts on top.
struct Series {
  std::int64_t background = 5;
  std::map<std::int64_t, std::int64_t> at;
  SpikeCounts view() const {
    return [this](std::int64_t b) {
      auto it = at.find(b);
      return it == at.end() ? background : it->second;
    };
  }
};

double log_tail_by_sum(std::int64_t k, double lambda) {
  // ln sum_{i >= k} e^-lambda lambda^i / i!, summed in log space far into the tail.
  double m = -1e300, s = 0;
  std::vector<double> terms;
  for (std::int64_t i = k; i < k + 20000; ++i)
    terms.push_back(-lambda + static_cast<double>(i) * std::log(lambda) - std::lgamma(static_cast<double>(i) + 1));
  for (double t : terms) m = std::max(m, t);
  for (double t : terms) s += std::exp(t - m);
  return m + std::log(s);
}

TEST(SpikeDetector, PoissonTailMatchesKnownValues) {
  EXPECT_DOUBLE_EQ(poisson_upper_tail(0, 3), 1);
  EXPECT_NEAR(poisson_upper_tail(1, 0.5), 1 - std::exp(-0.5), 1e-12);
  EXPECT_NEAR(poisson_upper_tail(10, 2) / 4.6498075017109564e-05, 1, 1e-9);
  EXPECT_NEAR(poisson_upper_tail(15, 5) / 0.0002262536761766798, 1, 1e-9);
  EXPECT_NEAR(poisson_upper_tail(30, 10) / 2.509951200213578e-07, 1, 1e-9);
  EXPECT_NEAR(poisson_upper_tail(3, 0.5), 0.014387677966970713, 1e-12);
  EXPECT_EQ(poisson_upper_tail(1, 0), 0);
  // Below the mean: the continued fraction side.
  EXPECT_NEAR(poisson_upper_tail(5, 10), 1 - 0.029252688076961127, 1e-12);
}

TEST(SpikeDetector, PoissonTailIsStableForLargeCounts) {
  for (auto [k, lambda] : {std::pair<std::int64_t, double>{1500, 1000}, {12000, 10000}, {400, 40}, {100000, 99000}}) {
    const double got = poisson_log_upper_tail(k, lambda);
    EXPECT_TRUE(std::isfinite(got)) << k << " " << lambda;
    EXPECT_NEAR(got, log_tail_by_sum(k, lambda), 1e-6 * std::fabs(got) + 1e-9) << k << " " << lambda;
  }
  EXPECT_LT(poisson_log_upper_tail(5000, 10), -20000);  // far beyond double range, still a number
}

TEST(SpikeDetector, NoDecisionBeforeAnHourOfHistory) {
  Series s;
  SpikeParams p;
  const SpikeDecision d = evaluate_spike(s.view(), 10, 0, {}, p);
  EXPECT_FALSE(d.evaluated);
  EXPECT_EQ(d.action, SpikeAction::none);
  EXPECT_TRUE(evaluate_spike(s.view(), 14, 0, {}, p).evaluated);
}

TEST(SpikeDetector, RecentBaselineBeforeAWeek) {
  Series s;
  s.background = 5;
  SpikeParams p;
  bool seasonal = true;
  EXPECT_DOUBLE_EQ(spike_baseline(s.view(), 500, 0, 499, p, &seasonal), 5);
  EXPECT_FALSE(seasonal);
  // The highest eighth of the recent buckets is dropped: an earlier burst does not raise it.
  s.at[480] = 400;
  EXPECT_DOUBLE_EQ(spike_baseline(s.view(), 500, 0, 499, p, &seasonal), 5);
}

TEST(SpikeDetector, SilentSeriesHasAFloor) {
  Series s;
  s.background = 0;
  SpikeParams p;
  EXPECT_DOUBLE_EQ(spike_baseline(s.view(), 500, 0, 499, p), p.floor);
}

TEST(SpikeDetector, SeasonalBaselineOnceAWeekIsKnown) {
  // Every day at the same hour (buckets 100..111 of each week) runs at 20, otherwise 2.
  Series s;
  s.background = 2;
  for (std::int64_t w = 0; w < 6; ++w)
    for (std::int64_t b = 96; b < 116; ++b) s.at[w * kWeek + b] = 20;
  SpikeParams p;
  bool seasonal = false;
  // Week 0: the recent baseline sees only the quiet hours before it, and 20 looks like a spike.
  const SpikeDecision early = evaluate_spike(s.view(), 97, 0, {}, p);
  EXPECT_FALSE(early.seasonal);
  EXPECT_EQ(early.action, SpikeAction::spike);
  // Week 2: the same hour of past weeks says 20 is usual.
  const double b = spike_baseline(s.view(), 2 * kWeek + 106, 0, 2 * kWeek + 105, p, &seasonal);
  EXPECT_TRUE(seasonal);
  EXPECT_NEAR(b, 20, 0.5);
  EXPECT_EQ(evaluate_spike(s.view(), 2 * kWeek + 106, 0, {}, p).action, SpikeAction::none);
  // Buckets before `since` are unknown: with since in week 1, week 2 has one week to read, week 1 none.
  EXPECT_GT(spike_baseline(s.view(), 2 * kWeek + 106, kWeek, 2 * kWeek + 105, p, &seasonal), 0);
  EXPECT_TRUE(seasonal);
  spike_baseline(s.view(), kWeek + 300, kWeek, kWeek + 299, p, &seasonal);
  EXPECT_FALSE(seasonal);
}

TEST(SpikeDetector, SeasonalBaselineIgnoresOneOddWeek) {
  Series s;
  s.background = 10;
  for (std::int64_t b = 2 * kWeek + 90; b < 2 * kWeek + 110; ++b) s.at[b] = 200;  // a spike two weeks ago
  SpikeParams p;
  const double b = spike_baseline(s.view(), 4 * kWeek + 100, 0, 4 * kWeek + 99, p);
  EXPECT_NEAR(b, 10, 0.01);
}

TEST(SpikeDetector, SeasonalBaselineFollowsTodaysLevel) {
  // Today runs at twice the usual level since two hours: the baseline follows (within the clamp).
  Series s;
  s.background = 10;
  const std::int64_t now = 3 * kWeek + 500;
  for (std::int64_t b = now - 30; b <= now; ++b) s.at[b] = 20;
  SpikeParams p;
  EXPECT_GT(spike_baseline(s.view(), now, 0, now - 1, p), 17);
  EXPECT_EQ(evaluate_spike(s.view(), now, 0, {}, p).action, SpikeAction::none);
}

TEST(SpikeDetector, FiresFarAboveTheBaseline) {
  Series s;
  s.at[600] = 40;
  SpikeParams p;
  const SpikeDecision d = evaluate_spike(s.view(), 600, 0, {}, p);
  EXPECT_EQ(d.action, SpikeAction::spike);
  EXPECT_EQ(d.window, 1);
  EXPECT_EQ(d.count, 40);
  EXPECT_DOUBLE_EQ(d.baseline, 5);
  EXPECT_DOUBLE_EQ(d.ratio, 8);
  EXPECT_LT(d.p_value, 1e-10);
  EXPECT_TRUE(d.state.active);
  EXPECT_EQ(d.state.started, 600);
  EXPECT_EQ(d.state.raised, 600);
  // A usual count does nothing.
  EXPECT_EQ(evaluate_spike(s.view(), 599, 0, {}, p).action, SpikeAction::none);
}

TEST(SpikeDetector, TwoBucketWindowCatchesWhatOneBucketMisses) {
  Series s;
  s.at[600] = 15;
  s.at[601] = 15;
  SpikeParams p;
  EXPECT_EQ(evaluate_spike(s.view(), 600, 0, {}, p).action, SpikeAction::none);  // p = 2.3e-4 alone
  const SpikeDecision d = evaluate_spike(s.view(), 601, 0, {}, p);
  EXPECT_EQ(d.action, SpikeAction::spike);
  EXPECT_EQ(d.window, 2);
  EXPECT_EQ(d.count, 30);
  EXPECT_DOUBLE_EQ(d.expected, 10);
  EXPECT_NEAR(d.p_value, 2.509951200213578e-07, 1e-12);
  p.max_window = 1;
  EXPECT_EQ(evaluate_spike(s.view(), 601, 0, {}, p).action, SpikeAction::none);
}

TEST(SpikeDetector, MinCountKeepsSilentSeriesQuiet) {
  Series s;
  s.background = 0;
  s.at[600] = 6;  // against the floor of 0.2: p is tiny, but 6 mentions are not a spike
  SpikeParams p;
  SpikeDecision d = evaluate_spike(s.view(), 600, 0, {}, p);
  EXPECT_LT(d.p_value, 1e-5);
  EXPECT_EQ(d.action, SpikeAction::none);
  s.at[600] = 10;
  EXPECT_EQ(evaluate_spike(s.view(), 600, 0, {}, p).action, SpikeAction::spike);
}

TEST(SpikeDetector, MinRatioKeepsBusySeriesFromFiringOnAModestRise) {
  Series s;
  s.background = 1000;
  s.at[600] = 1400;  // 1.4x: the Poisson tail is tiny, but it is no spike
  SpikeParams p;
  SpikeDecision d = evaluate_spike(s.view(), 600, 0, {}, p);
  EXPECT_LT(d.p_value, 1e-20);
  EXPECT_EQ(d.action, SpikeAction::none);
  s.at[600] = 2100;
  EXPECT_EQ(evaluate_spike(s.view(), 600, 0, {}, p).action, SpikeAction::spike);
}

TEST(SpikeDetector, OverAfterQuietBucketsThenCooldown) {
  Series s;
  for (std::int64_t b = 600; b < 604; ++b) s.at[b] = 40;  // 20 minutes of spike
  SpikeParams p;
  SpikeState st;
  std::vector<SpikeAction> actions;
  for (std::int64_t b = 600; b < 610; ++b) {
    const SpikeDecision d = evaluate_spike(s.view(), b, 0, st, p);
    actions.push_back(d.action);
    // The baseline while a spike is under way is the one from before it.
    if (st.active) {
      EXPECT_DOUBLE_EQ(d.baseline, 5) << b;
    }
    st = d.state;
  }
  const std::vector<SpikeAction> want{SpikeAction::spike, SpikeAction::none, SpikeAction::none, SpikeAction::none,
                                      SpikeAction::none,  SpikeAction::none, SpikeAction::over, SpikeAction::none,
                                      SpikeAction::none,  SpikeAction::none};
  EXPECT_EQ(actions, want);
  EXPECT_FALSE(st.active);
  EXPECT_EQ(st.raised, 600);
  EXPECT_EQ(st.started, 600);
  // Another burst within the cooldown (12 buckets from 600) is not raised; after it, it is.
  s.at[611] = 40;
  SpikeDecision d = evaluate_spike(s.view(), 611, 0, st, p);
  EXPECT_EQ(d.action, SpikeAction::suppressed);
  EXPECT_FALSE(d.state.active);
  s.at[640] = 40;
  d = evaluate_spike(s.view(), 640, 0, st, p);
  EXPECT_EQ(d.action, SpikeAction::spike);
  EXPECT_EQ(d.state.raised, 640);
}

TEST(SpikeDetector, ALastingJumpBecomesTheNewLevel) {
  Series s;
  for (std::int64_t b = 600; b < 800; ++b) s.at[b] = 40;  // from 5 to 40 for good
  SpikeParams p;
  SpikeState st;
  std::int64_t over = -1;
  for (std::int64_t b = 600; b < 800 && over < 0; ++b) {
    const SpikeDecision d = evaluate_spike(s.view(), b, 0, st, p);
    if (b == 600) {
      EXPECT_EQ(d.action, SpikeAction::spike);
    }
    if (d.action == SpikeAction::over) over = b;
    st = d.state;
  }
  // Held out of the baseline for 3 hours, then taken in: over three quiet buckets later.
  EXPECT_GE(over, 600 + p.hold_buckets);
  EXPECT_LE(over, 600 + p.hold_buckets + p.over_after + 1);
}

TEST(SpikeDetector, StateRoundTrips) {
  SpikeState s;
  s.active = true;
  s.started = 5981234;
  s.raised = 5981234;
  s.quiet = 2;
  s.baseline = 12.5;
  EXPECT_EQ(SpikeState::parse(s.serialize()), s);
  EXPECT_EQ(SpikeState::parse(SpikeState{}.serialize()), SpikeState{});
  EXPECT_EQ(SpikeState::parse("garbage"), SpikeState{});
  EXPECT_EQ(SpikeState::parse("1|2|3|4|x"), SpikeState{});
}

TEST(SpikeDetector, BucketsOfTimes) {
  EXPECT_EQ(spike_bucket_of(0), 0);
  EXPECT_EQ(spike_bucket_of(299999), 0);
  EXPECT_EQ(spike_bucket_of(300000), 1);
  EXPECT_EQ(spike_bucket_of(-1), -1);
  EXPECT_EQ(spike_bucket_start(spike_bucket_of(1795341600123)), 1795341600000);
}

}  // namespace
}  // namespace carewatch
