#include "daemon/telemetry/metric_catalogue.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace carewatch {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every family the daemon records into, fed one scenario through the same handles and label
// orders as the scheduler, the maintenance loops, the latency follower and the API. The fixture
// is what /metrics printed for the same observations before the families had a catalogue
// (recorded by name, one describe() per family), so the text is unchanged but for the queue
// gauges' priority label, now "p1" like the histograms'.
TEST(MetricCatalogue, RendersTheSameTextAsBeforeForTheSameObservations) {
  Metrics metrics;
  const auto mentions = metrics.add(metric::mentions_total);
  const auto brand_replies = metrics.add(metric::brand_replies_total);
  const auto polls = metrics.add(metric::polls_total);
  const auto poll_errors = metrics.add(metric::poll_errors_total);
  const auto source_up = metrics.add(metric::source_up);
  const auto detection = metrics.add(metric::detection_delay_seconds);
  const auto warnings = metrics.add(metric::source_warnings_total);
  const auto queued_detection = metrics.add(metric::queued_detection_delay_seconds);
  const auto wait = metrics.add(metric::queue_wait_seconds);
  const auto frt = metrics.add(metric::first_response_seconds);
  const auto resolution = metrics.add(metric::resolution_seconds);
  const auto expired = metrics.add(metric::claims_expired_total);
  const auto requests = metrics.add(metric::http_requests_total);
  const auto waiting = metrics.add(metric::queue_waiting);
  const auto claimed = metrics.add(metric::queue_claimed);
  const auto oldest = metrics.add(metric::queue_oldest_age_seconds);

  poll_errors.inc({"masto", "retry"});
  polls.inc({"masto", "error"});
  source_up.set({"masto"}, 0);
  warnings.inc({"replay\"x"}, 2);
  polls.inc({"masto", "ok"});
  source_up.set({"masto"}, 1);
  mentions.inc({"masto", "queued"}, 3);
  mentions.inc({"masto", "duplicate"}, 1);
  mentions.inc({"a", "stored"}, 1);
  brand_replies.inc({"masto"}, 1);
  detection.observe({"mastodon"}, 4.5);
  detection.observe({"x"}, 0.25);
  poll_errors.inc({"masto", "redis"});
  expired.inc({}, 2);
  queued_detection.observe({"care", "x", "p1"}, 4);
  wait.observe({"care", "x", "p1", "ana"}, 61);
  frt.observe({"care", "x", "p1", "brand:acmeair"}, 90.5);
  resolution.observe({"care", "x", "unknown", "ana"}, 900);
  requests.inc({"/v1/queues", "200"});
  requests.inc({"/v1/mentions/{uid}", "404"});
  requests.inc({"/v1/queues", "200"});
  waiting.set({"care", metric::priority_label(1)}, 2);
  claimed.set({"care", metric::priority_label(1)}, 0);
  oldest.set({"care", metric::priority_label(1)}, 12.345);

  EXPECT_EQ(metrics.render(), read(CAREWATCH_SOURCE_DIR "/tests/fixtures/metrics/catalogue_scenario.prom"));
}

// One label form for a priority on every family: the queue gauges and the latency histograms
// write "p0".."p3", so one selector ({priority="p0"}) finds both.
TEST(MetricCatalogue, PriorityLabelsHaveOneForm) {
  EXPECT_EQ(metric::priority_label(0), "p0");
  EXPECT_EQ(metric::priority_label(3), "p3");
  EXPECT_EQ(metric::priority_label(std::string_view("2")), "p2");
  EXPECT_EQ(metric::priority_label(std::string_view()), "unknown");
}

TEST(MetricCatalogue, NamesAreUniqueAndFollowPrometheusConventions) {
  std::set<std::string_view> names;
  for (const MetricFamilyInfo& f : metric::kCatalogue) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_EQ(f.name.rfind("carewatch_", 0), 0u) << f.name;
    EXPECT_FALSE(f.help.empty()) << f.name;
    const bool total = f.name.size() > 6 && f.name.substr(f.name.size() - 6) == "_total";
    EXPECT_EQ(total, f.type == MetricType::counter) << f.name << ": counters, and only they, end in _total";
    if (f.type == MetricType::histogram) {
      EXPECT_EQ(f.name.substr(f.name.size() - 8), "_seconds") << f.name;
    }
  }
}

// Each family declared in the header is in kCatalogue (which the tests below walk).
TEST(MetricCatalogue, TheListHoldsEveryDeclaredFamily) {
  const std::string header = read(CAREWATCH_SOURCE_DIR "/daemon/telemetry/metric_catalogue.h");
  const std::regex literal("\"(carewatch_[a-z_]+)\"");
  std::set<std::string> declared;
  for (auto it = std::sregex_iterator(header.begin(), header.end(), literal); it != std::sregex_iterator(); ++it)
    declared.insert((*it)[1]);
  std::set<std::string> listed;
  for (const MetricFamilyInfo& f : metric::kCatalogue) listed.insert(std::string(f.name));
  EXPECT_EQ(declared, listed);
}

// The README's /metrics table names every family, with its type and label names, and no other.
TEST(MetricCatalogue, TheReadmeTableMatchesTheCatalogue) {
  const std::string readme = read(CAREWATCH_SOURCE_DIR "/README.md");
  const size_t start = readme.find("### Metrics (`/metrics`)");
  ASSERT_NE(start, std::string::npos);
  const size_t end = readme.find("\n## ", start);
  std::istringstream table(readme.substr(start, end - start));
  std::map<std::string, std::pair<std::string, std::string>> rows;  // name -> (type, labels cell)
  const std::regex row(R"(^\| (.*) \| (counter|gauge|histogram) \| (.*) \|$)");
  const std::regex name("`(carewatch_[a-z_]+)`");
  for (std::string line; std::getline(table, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    const std::string names = m[1], type = m[2], labels = m[3];
    for (auto it = std::sregex_iterator(names.begin(), names.end(), name); it != std::sregex_iterator(); ++it)
      rows[(*it)[1]] = {type, labels};
  }
  std::set<std::string> documented;
  for (const auto& [n, _] : rows) documented.insert(n);
  std::set<std::string> declared;
  for (const MetricFamilyInfo& f : metric::kCatalogue) {
    declared.insert(std::string(f.name));
    auto it = rows.find(std::string(f.name));
    if (it == rows.end()) continue;
    EXPECT_EQ(it->second.first, to_string(f.type)) << f.name;
    for (std::string_view label : f.labels)
      EXPECT_NE(it->second.second.find("`" + std::string(label) + "`"), std::string::npos)
          << f.name << ": label " << label << " not in the README row";
  }
  EXPECT_EQ(documented, declared);
}

}  // namespace
}  // namespace carewatch
