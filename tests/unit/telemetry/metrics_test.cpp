#include "daemon/telemetry/metrics.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace carewatch {
namespace {

// Families of these tests only (carewatch's own are in daemon/telemetry/metric_catalogue.h).
constexpr CounterFamily<2> kPolls{"carewatch_polls_total", "Polls of a source, by result.", {"source", "result"}};
constexpr GaugeFamily<1> kUp{"carewatch_source_up", "1 when up.", {"source"}};
constexpr double kWaitBounds[] = {5, 1, 10};
constexpr HistogramFamily<1> kWait{"carewatch_wait_seconds", "Wait.", {"queue"}, kWaitBounds};

TEST(MetricsTest, RendersCountersGaugesAndCumulativeHistogramBuckets) {
  Metrics m;
  const auto polls = m.add(kPolls);
  polls.inc({"masto", "ok"});
  polls.inc({"masto", "ok"}, 2);
  polls.inc({"masto", "error"});
  const auto up = m.add(kUp);
  up.set({"masto"}, 1);
  up.set({"masto"}, 0);
  up.set({"b"}, 0.5);
  const auto wait = m.add(kWait);  // bounds sorted when added
  for (double v : {0.5, 1.0, 3.0, 7.0, 20.0}) wait.observe({"care"}, v);

  EXPECT_EQ(m.render(),
            "# HELP carewatch_polls_total Polls of a source, by result.\n"
            "# TYPE carewatch_polls_total counter\n"
            "carewatch_polls_total{source=\"masto\",result=\"error\"} 1\n"
            "carewatch_polls_total{source=\"masto\",result=\"ok\"} 3\n"
            "# HELP carewatch_source_up 1 when up.\n"
            "# TYPE carewatch_source_up gauge\n"
            "carewatch_source_up{source=\"b\"} 0.5\n"
            "carewatch_source_up{source=\"masto\"} 0\n"
            "# HELP carewatch_wait_seconds Wait.\n"
            "# TYPE carewatch_wait_seconds histogram\n"
            "carewatch_wait_seconds_bucket{queue=\"care\",le=\"1\"} 2\n"
            "carewatch_wait_seconds_bucket{queue=\"care\",le=\"5\"} 3\n"
            "carewatch_wait_seconds_bucket{queue=\"care\",le=\"10\"} 4\n"
            "carewatch_wait_seconds_bucket{queue=\"care\",le=\"+Inf\"} 5\n"
            "carewatch_wait_seconds_sum{queue=\"care\"} 31.5\n"
            "carewatch_wait_seconds_count{queue=\"care\"} 5\n");
}

TEST(MetricsTest, IntegersPrintWithoutDecimalsAndLabelOrderIsKept) {
  Metrics m;
  const auto errors = m.add(CounterFamily<2>{"carewatch_poll_errors_total", "Failed polls.", {"source", "kind"}});
  for (int i = 0; i < 4; ++i) errors.inc({"masto", "retry"});
  const auto big = m.add(GaugeFamily<1>{"carewatch_big", "Big values.", {"v"}});
  big.set({"a"}, 100000);
  big.set({"b"}, -3);
  big.set({"c"}, 1e20);
  big.set({"d"}, 0.1);
  const std::string out = m.render();
  EXPECT_NE(out.find("\ncarewatch_poll_errors_total{source=\"masto\",kind=\"retry\"} 4\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_big{v=\"a\"} 100000\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_big{v=\"b\"} -3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_big{v=\"c\"} 1e+20\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_big{v=\"d\"} 0.1\n"), std::string::npos) << out;
}

TEST(MetricsTest, EscapesLabelValuesAndHelpText) {
  Metrics m;
  m.add(CounterFamily<1>{"carewatch_x_total", "Line one\\two\nline two \"quoted\".", {"source"}})
      .inc({"a\\b\"c\nd"});
  EXPECT_EQ(m.render(),
            "# HELP carewatch_x_total Line one\\\\two\\nline two \"quoted\".\n"
            "# TYPE carewatch_x_total counter\n"
            "carewatch_x_total{source=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(MetricsTest, SeriesWithoutLabelsAndFamiliesSortedByName) {
  Metrics m;
  const auto b = m.add(CounterFamily<0>{"carewatch_b_total", "B.", {}});
  const auto a = m.add(CounterFamily<0>{"carewatch_a_total", "A.", {}});
  b.inc({});
  a.inc({}, 2.5);
  EXPECT_EQ(m.render(),
            "# HELP carewatch_a_total A.\n"
            "# TYPE carewatch_a_total counter\n"
            "carewatch_a_total 2.5\n"
            "# HELP carewatch_b_total B.\n"
            "# TYPE carewatch_b_total counter\n"
            "carewatch_b_total 1\n");
}

TEST(MetricsTest, DefaultLatencyBucketsAndHistogramWithoutLabels) {
  Metrics m;
  const auto frt = m.add(HistogramFamily<0>{"carewatch_frt_seconds", "First response time.", {}});
  frt.observe({}, 90);
  frt.observe({}, 700000);  // past the last bound: only +Inf
  std::string expected =
      "# HELP carewatch_frt_seconds First response time.\n"
      "# TYPE carewatch_frt_seconds histogram\n";
  const std::vector<std::pair<std::string, int>> buckets = {
      {"1", 0},     {"5", 0},     {"15", 0},     {"30", 0},     {"60", 0},    {"120", 1},
      {"300", 1},   {"600", 1},   {"900", 1},    {"1800", 1},   {"3600", 1},  {"7200", 1},
      {"14400", 1}, {"28800", 1}, {"86400", 1},  {"172800", 1}, {"604800", 1}};
  for (const auto& [le, n] : buckets)
    expected += "carewatch_frt_seconds_bucket{le=\"" + le + "\"} " + std::to_string(n) + "\n";
  expected +=
      "carewatch_frt_seconds_bucket{le=\"+Inf\"} 2\n"
      "carewatch_frt_seconds_sum 700090\n"
      "carewatch_frt_seconds_count 2\n";
  EXPECT_EQ(m.render(), expected);
}

TEST(MetricsTest, FractionalBucketBounds) {
  Metrics m;
  static constexpr double kBounds[] = {0.25, 0.5};
  m.add(HistogramFamily<0>{"carewatch_rtt_seconds", "RTT.", {}, kBounds}).observe({}, 0.25);  // inclusive
  EXPECT_EQ(m.render(),
            "# HELP carewatch_rtt_seconds RTT.\n"
            "# TYPE carewatch_rtt_seconds histogram\n"
            "carewatch_rtt_seconds_bucket{le=\"0.25\"} 1\n"
            "carewatch_rtt_seconds_bucket{le=\"0.5\"} 1\n"
            "carewatch_rtt_seconds_bucket{le=\"+Inf\"} 1\n"
            "carewatch_rtt_seconds_sum 0.25\n"
            "carewatch_rtt_seconds_count 1\n");
}

TEST(MetricsTest, AFamilyIsListedOnceAddedEvenWithoutSeries) {
  Metrics m;
  EXPECT_EQ(m.render(), "");
  m.add(kPolls);
  EXPECT_EQ(m.render(),
            "# HELP carewatch_polls_total Polls of a source, by result.\n"
            "# TYPE carewatch_polls_total counter\n");
}

TEST(MetricsTest, AddingADeclarationTwiceSharesItsSeriesAndTwoDeclarationsOfOneNameThrow) {
  Metrics m;
  m.add(kPolls).inc({"a", "ok"});
  m.add(kPolls).inc({"a", "ok"});
  EXPECT_NE(m.render().find("carewatch_polls_total{source=\"a\",result=\"ok\"} 2\n"), std::string::npos);
  EXPECT_THROW(m.add(GaugeFamily<2>{kPolls.name, kPolls.help, kPolls.labels}), std::logic_error);
  EXPECT_THROW(m.add(CounterFamily<1>{kPolls.name, kPolls.help, {"source"}}), std::logic_error);
  EXPECT_THROW(m.add(CounterFamily<2>{kPolls.name, kPolls.help, {"source", "outcome"}}), std::logic_error);
  EXPECT_THROW(m.add(CounterFamily<2>{kPolls.name, "Other help.", kPolls.labels}), std::logic_error);
}

TEST(MetricsTest, ConcurrentIncrementsAreAllCounted) {
  Metrics m;
  const auto n = m.add(CounterFamily<1>{"carewatch_n_total", "N.", {"t"}});
  static constexpr double kOne[] = {1};
  const auto d = m.add(HistogramFamily<0>{"carewatch_d_seconds", "D.", {}, kOne});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&m, &n, &d, t] {
      for (int i = 0; i < 1000; ++i) {
        n.inc({t % 2 ? "odd" : "even"});
        d.observe({}, 0.5);
        if (i % 100 == 0) (void)m.render();
      }
    });
  for (auto& th : threads) th.join();
  const std::string out = m.render();
  EXPECT_NE(out.find("carewatch_n_total{t=\"even\"} 2000\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_n_total{t=\"odd\"} 2000\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_d_seconds_bucket{le=\"1\"} 4000\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_d_seconds_sum 2000\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace carewatch
