// detectors.spikes: defaults, every option read, and the errors the schema and the reader give.
#include "daemon/config/spike_config.h"

#include <gtest/gtest.h>

#include "daemon/config/config.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;

std::optional<Config> parse(const std::string& text, std::vector<std::string>& errors) {
  return parse_config(text, "test.json", "/srv/carewatch", errors,
                      [](const std::string&) { return std::optional<std::string>(); });
}

std::string joined(const std::vector<std::string>& errors) {
  std::string s;
  for (const auto& e : errors) s += e + "\n";
  return s;
}

TEST(SpikeConfig, DefaultsWithoutTheSection) {
  std::vector<std::string> errors;
  const auto cfg = parse("{}", errors);
  ASSERT_TRUE(cfg) << joined(errors);
  EXPECT_TRUE(cfg->spikes.enabled);
  EXPECT_DOUBLE_EQ(cfg->spikes.threshold, 1e-5);
  EXPECT_EQ(cfg->spikes.min_count, 10);
  EXPECT_DOUBLE_EQ(cfg->spikes.min_ratio, 2);
  EXPECT_EQ(cfg->spikes.cooldown, 1h);
  EXPECT_EQ(cfg->spikes.history, std::chrono::hours(24 * 28));
  EXPECT_EQ(cfg->spikes.settle, 1min);
}

TEST(SpikeConfig, EmptySectionsTakeTheDefaults) {
  std::vector<std::string> errors;
  const auto cfg = parse(R"({"detectors": {"spikes": {}}})", errors);
  ASSERT_TRUE(cfg) << joined(errors);
  EXPECT_TRUE(cfg->spikes.enabled);
  EXPECT_EQ(cfg->spikes.min_count, 10);
}

TEST(SpikeConfig, EveryOptionIsRead) {
  std::vector<std::string> errors;
  const auto cfg = parse(R"({"detectors": {"spikes": {"enabled": false, "threshold": 0.001, "min_count": 25,
      "min_ratio": 3.5, "cooldown": "2h", "history": "14d", "settle": "30s"}}})",
                         errors);
  ASSERT_TRUE(cfg) << joined(errors);
  EXPECT_FALSE(cfg->spikes.enabled);
  EXPECT_DOUBLE_EQ(cfg->spikes.threshold, 0.001);
  EXPECT_EQ(cfg->spikes.min_count, 25);
  EXPECT_DOUBLE_EQ(cfg->spikes.min_ratio, 3.5);
  EXPECT_EQ(cfg->spikes.cooldown, 2h);
  EXPECT_EQ(cfg->spikes.history, std::chrono::hours(24 * 14));
  EXPECT_EQ(cfg->spikes.settle, 30s);
}

std::string one_error(const std::string& text) {
  std::vector<std::string> errors;
  const auto cfg = parse(text, errors);
  EXPECT_FALSE(cfg) << "accepted: " << text;
  EXPECT_EQ(errors.size(), 1u) << joined(errors);
  return errors.empty() ? "" : errors.front();
}

TEST(SpikeConfig, DurationErrorsNameThePath) {
  EXPECT_EQ(one_error(R"({"detectors": {"spikes": {"cooldown": "soon"}}})"),
            "detectors.spikes.cooldown: expected a duration like \"1h\", got \"soon\"");
  EXPECT_EQ(one_error(R"({"detectors": {"spikes": {"cooldown": "1m"}}})"),
            "detectors.spikes.cooldown: expected a duration from 5m to 7d, got \"1m\"");
  EXPECT_EQ(one_error(R"({"detectors": {"spikes": {"history": "3d"}}})"),
            "detectors.spikes.history: expected a duration from 7d to 84d, got \"3d\"");
  EXPECT_EQ(one_error(R"({"detectors": {"spikes": {"settle": "2h"}}})"),
            "detectors.spikes.settle: expected a duration from 0s to 1h, got \"2h\"");
}

TEST(SpikeConfig, SchemaErrorsNameThePath) {
  EXPECT_EQ(one_error(R"({"detectors": {"spikes": {"threshold": 0}}})").rfind("detectors.spikes.threshold: ", 0), 0u);
  EXPECT_EQ(one_error(R"({"detectors": {"spikes": {"threshold": 0.5}}})").rfind("detectors.spikes.threshold: ", 0), 0u);
  EXPECT_EQ(one_error(R"({"detectors": {"spikes": {"min_count": 0}}})").rfind("detectors.spikes.min_count: ", 0), 0u);
  EXPECT_EQ(one_error(R"({"detectors": {"spikes": {"min_ratio": 0.5}}})").rfind("detectors.spikes.min_ratio: ", 0), 0u);
  EXPECT_EQ(one_error(R"({"detectors": {"spikes": {"enabled": "yes"}}})").rfind("detectors.spikes.enabled: ", 0), 0u);
  EXPECT_NE(one_error(R"({"detectors": {"spikes": {"bucket": "10m"}}})").find("bucket"), std::string::npos);
  EXPECT_NE(one_error(R"({"detectors": {"spiky": {}}})").find("spiky"), std::string::npos);
}

}  // namespace
}  // namespace carewatch
