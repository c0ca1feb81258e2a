#include "daemon/telemetry/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace carewatch {
namespace {

TEST(MetricsTest, RendersCountersGaugesAndCumulativeHistogramBuckets) {
  Metrics m;
  m.describe("carewatch_polls_total", "counter", "Polls of a source, by result.");
  m.inc("carewatch_polls_total", {{"source", "masto"}, {"result", "ok"}});
  m.inc("carewatch_polls_total", {{"source", "masto"}, {"result", "ok"}}, 2);
  m.inc("carewatch_polls_total", {{"source", "masto"}, {"result", "error"}});
  m.describe("carewatch_source_up", "gauge", "1 when up.");
  m.set("carewatch_source_up", {{"source", "masto"}}, 1);
  m.set("carewatch_source_up", {{"source", "masto"}}, 0);
  m.set("carewatch_source_up", {{"source", "b"}}, 0.5);
  m.describe("carewatch_wait_seconds", "histogram", "Wait.", {5, 1, 10});  // sorted on describe
  for (double v : {0.5, 1.0, 3.0, 7.0, 20.0}) m.observe("carewatch_wait_seconds", {{"queue", "care"}}, v);

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
  m.describe("carewatch_poll_errors_total", "counter", "Failed polls.");
  for (int i = 0; i < 4; ++i) m.inc("carewatch_poll_errors_total", {{"source", "masto"}, {"kind", "retry"}});
  m.describe("carewatch_big", "gauge", "Big values.");
  m.set("carewatch_big", {{"v", "a"}}, 100000);
  m.set("carewatch_big", {{"v", "b"}}, -3);
  m.set("carewatch_big", {{"v", "c"}}, 1e20);
  m.set("carewatch_big", {{"v", "d"}}, 0.1);
  const std::string out = m.render();
  EXPECT_NE(out.find("\ncarewatch_poll_errors_total{source=\"masto\",kind=\"retry\"} 4\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_big{v=\"a\"} 100000\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_big{v=\"b\"} -3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_big{v=\"c\"} 1e+20\n"), std::string::npos) << out;
  EXPECT_NE(out.find("carewatch_big{v=\"d\"} 0.1\n"), std::string::npos) << out;
}

TEST(MetricsTest, EscapesLabelValuesAndHelpText) {
  Metrics m;
  m.describe("carewatch_x_total", "counter", "Line one\\two\nline two \"quoted\".");
  m.inc("carewatch_x_total", {{"source", "a\\b\"c\nd"}});
  EXPECT_EQ(m.render(),
            "# HELP carewatch_x_total Line one\\\\two\\nline two \"quoted\".\n"
            "# TYPE carewatch_x_total counter\n"
            "carewatch_x_total{source=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(MetricsTest, SeriesWithoutLabelsAndFamiliesSortedByName) {
  Metrics m;
  m.describe("carewatch_b_total", "counter", "B.");
  m.describe("carewatch_a_total", "counter", "A.");
  m.inc("carewatch_b_total");
  m.inc("carewatch_a_total", {}, 2.5);
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
  m.describe("carewatch_frt_seconds", "histogram", "First response time.");
  m.observe("carewatch_frt_seconds", {}, 90);
  m.observe("carewatch_frt_seconds", {}, 700000);  // past the last bound: only +Inf
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
  m.describe("carewatch_rtt_seconds", "histogram", "RTT.", {0.25, 0.5});
  m.observe("carewatch_rtt_seconds", {}, 0.25);  // an upper bound is inclusive
  EXPECT_EQ(m.render(),
            "# HELP carewatch_rtt_seconds RTT.\n"
            "# TYPE carewatch_rtt_seconds histogram\n"
            "carewatch_rtt_seconds_bucket{le=\"0.25\"} 1\n"
            "carewatch_rtt_seconds_bucket{le=\"0.5\"} 1\n"
            "carewatch_rtt_seconds_bucket{le=\"+Inf\"} 1\n"
            "carewatch_rtt_seconds_sum 0.25\n"
            "carewatch_rtt_seconds_count 1\n");
}

TEST(MetricsTest, UndescribedNamesStillWork) {
  Metrics m;
  m.inc("carewatch_surprise_total", {{"k", "v"}}, 3);
  m.set("carewatch_level", {}, 7);
  m.observe("carewatch_lag_seconds", {}, 2);
  const std::string out = m.render();
  EXPECT_NE(out.find("# TYPE carewatch_surprise_total untyped\ncarewatch_surprise_total{k=\"v\"} 3\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("# TYPE carewatch_level untyped\ncarewatch_level 7\n"), std::string::npos) << out;
  EXPECT_NE(out.find("# TYPE carewatch_lag_seconds histogram\ncarewatch_lag_seconds_bucket{le=\"1\"} 0\n"
                     "carewatch_lag_seconds_bucket{le=\"5\"} 1\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("# HELP"), std::string::npos) << out;

  // Described later: HELP/TYPE appear and the value recorded so far is kept.
  m.describe("carewatch_surprise_total", "counter", "Now described.");
  EXPECT_NE(m.render().find("# HELP carewatch_surprise_total Now described.\n"
                            "# TYPE carewatch_surprise_total counter\n"
                            "carewatch_surprise_total{k=\"v\"} 3\n"),
            std::string::npos);
}

TEST(MetricsTest, MismatchedCallsAreIgnoredNotFatal) {
  Metrics m;
  m.describe("carewatch_h_seconds", "histogram", "H.", {1});
  m.describe("carewatch_c_total", "counter", "C.");
  m.inc("carewatch_h_seconds", {}, 5);
  m.set("carewatch_h_seconds", {}, 5);
  m.observe("carewatch_c_total", {}, 5);
  EXPECT_EQ(m.render(),
            "# HELP carewatch_c_total C.\n"
            "# TYPE carewatch_c_total counter\n"
            "# HELP carewatch_h_seconds H.\n"
            "# TYPE carewatch_h_seconds histogram\n");
}

TEST(MetricsTest, ConcurrentIncrementsAreAllCounted) {
  Metrics m;
  m.describe("carewatch_n_total", "counter", "N.");
  m.describe("carewatch_d_seconds", "histogram", "D.", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 1000; ++i) {
        m.inc("carewatch_n_total", {{"t", t % 2 ? "odd" : "even"}});
        m.observe("carewatch_d_seconds", {}, 0.5);
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
