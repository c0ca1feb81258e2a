#include "daemon/telemetry/latency_metrics.h"

#include <gtest/gtest.h>

namespace carewatch {
namespace {

Event event(const std::string& type, const std::string& actor,
            std::map<std::string, std::string> fields) {
  Event e;
  e.id = "1-0";
  e.type = type;
  e.uid = "x:1";
  e.actor = actor;
  e.at = 1;
  e.fields = std::move(fields);
  e.fields.emplace("queue", "care");
  e.fields.emplace("platform", "x");
  e.fields.emplace("priority", "1");
  return e;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(LatencyMetrics, EachDurationGoesToItsHistogramWithItsLabels) {
  Metrics m;
  const LatencyMetrics latency(m);
  EXPECT_TRUE(latency.observe(event("queued", "sample", {{"detect_ms", "4000"}})));
  EXPECT_TRUE(latency.observe(event("claimed", "ana", {{"wait_ms", "61000"}})));
  EXPECT_TRUE(latency.observe(event("replied", "ana", {{"frt_ms", "240000"}})));
  EXPECT_TRUE(latency.observe(event("replied", "brand:acmeair", {{"frt_ms", "90500"}, {"native", "1"}})));
  EXPECT_TRUE(latency.observe(event("resolved", "ana", {{"resolve_ms", "900000"}})));
  const std::string text = m.render();

  EXPECT_TRUE(has_line(text, "# TYPE carewatch_first_response_seconds histogram")) << text;
  EXPECT_TRUE(has_line(text, "carewatch_queued_detection_delay_seconds_sum{queue=\"care\",platform=\"x\",priority=\"p1\"} 4"))
      << text;
  EXPECT_TRUE(has_line(text, "carewatch_queue_wait_seconds_bucket{queue=\"care\",platform=\"x\",priority=\"p1\",agent=\"ana\",le=\"60\"} 0"))
      << text;
  EXPECT_TRUE(has_line(text, "carewatch_queue_wait_seconds_bucket{queue=\"care\",platform=\"x\",priority=\"p1\",agent=\"ana\",le=\"120\"} 1"))
      << text;
  EXPECT_TRUE(has_line(text, "carewatch_first_response_seconds_sum{queue=\"care\",platform=\"x\",priority=\"p1\",agent=\"ana\"} 240"))
      << text;
  EXPECT_TRUE(has_line(text, "carewatch_first_response_seconds_sum{queue=\"care\",platform=\"x\",priority=\"p1\",agent=\"brand:acmeair\"} 90.5"))
      << text;
  EXPECT_TRUE(has_line(text, "carewatch_resolution_seconds_count{queue=\"care\",platform=\"x\",priority=\"p1\",agent=\"ana\"} 1"))
      << text;
}

TEST(LatencyMetrics, EventsWithoutADurationOrWithABadOneAreNotObserved) {
  Metrics m;
  const LatencyMetrics latency(m);
  EXPECT_FALSE(latency.observe(event("ingested", "sample", {})));
  EXPECT_FALSE(latency.observe(event("claimed", "ana", {})));  // a second claim: no wait_ms
  EXPECT_FALSE(latency.observe(event("replied", "ana", {{"frt_ms", "-5"}})));
  EXPECT_FALSE(latency.observe(event("replied", "ana", {{"frt_ms", "12abc"}})));
  EXPECT_FALSE(latency.observe(event("released", "ana", {{"wait_ms", "5"}})));
  EXPECT_EQ(m.render().find("_count{"), std::string::npos) << m.render();
}

}  // namespace
}  // namespace carewatch
