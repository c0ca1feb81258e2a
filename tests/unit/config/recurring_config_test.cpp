// detectors.recurring: defaults, every option read, and errors that name their path.
#include <gtest/gtest.h>

#include "daemon/config/config.h"

namespace carewatch {
namespace {

std::optional<Config> parse(const std::string& text, std::vector<std::string>& errors) {
  return parse_config(text, "test.json", "/srv/carewatch", errors,
                      [](const std::string&) { return std::optional<std::string>(); });
}

std::string errors_text(const std::vector<std::string>& errors) {
  std::string s;
  for (const auto& e : errors) s += e + "\n";
  return s;
}

TEST(RecurringConfig, DefaultsWithoutTheSection) {
  std::vector<std::string> errors;
  const auto cfg = parse("{}", errors);
  ASSERT_TRUE(cfg) << errors_text(errors);
  EXPECT_TRUE(cfg->recurring.enabled);
  EXPECT_EQ(cfg->recurring.window, std::chrono::hours(2));
  EXPECT_EQ(cfg->recurring.min_mentions, 5u);
  EXPECT_EQ(cfg->recurring.min_authors, 3u);
  EXPECT_EQ(cfg->recurring.bands, 32);
  EXPECT_EQ(cfg->recurring.rows, 2);
  EXPECT_EQ(cfg->recurring.min_band_hits, 2);
  const auto empty = parse(R"({"detectors": {"recurring": {}}})", errors);
  ASSERT_TRUE(empty) << errors_text(errors);
  EXPECT_EQ(empty->recurring.min_mentions, 5u);
}

TEST(RecurringConfig, EveryOptionIsRead) {
  std::vector<std::string> errors;
  const auto cfg = parse(R"({"detectors": {"recurring": {"enabled": false, "window": "90m", "min_mentions": 20,
                         "min_authors": 8, "bands": 24, "rows": 3, "min_band_hits": 1}}})",
                         errors);
  ASSERT_TRUE(cfg) << errors_text(errors);
  EXPECT_FALSE(cfg->recurring.enabled);
  EXPECT_EQ(cfg->recurring.window, std::chrono::minutes(90));
  EXPECT_EQ(cfg->recurring.min_mentions, 20u);
  EXPECT_EQ(cfg->recurring.min_authors, 8u);
  EXPECT_EQ(cfg->recurring.bands, 24);
  EXPECT_EQ(cfg->recurring.rows, 3);
  EXPECT_EQ(cfg->recurring.min_band_hits, 1);
}

TEST(RecurringConfig, ErrorsNameThePath) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"detectors": {"recurring": {"window": "soon"}}})", "detectors.recurring.window: expected a duration"},
      {R"({"detectors": {"recurring": {"window": "30s"}}})", "detectors.recurring.window: expected a duration of at least 1m"},
      {R"({"detectors": {"recurring": {"min_mentions": 1}}})", "detectors.recurring.min_mentions"},
      {R"({"detectors": {"recurring": {"min_mentions": 4, "min_authors": 5}}})",
       "detectors.recurring.min_authors: expected at most min_mentions (4), got 5"},
      {R"({"detectors": {"recurring": {"bands": 4, "min_band_hits": 5}}})",
       "detectors.recurring.min_band_hits: expected at most bands (4), got 5"},
      {R"({"detectors": {"recurring": {"threshold": 5}}})", "detectors.recurring"},
      {R"({"detectors": {"recurring": {"rows": 9}}})", "detectors.recurring.rows"},
  };
  for (const auto& [text, expected] : cases) {
    std::vector<std::string> errors;
    EXPECT_FALSE(parse(text, errors)) << text;
    EXPECT_NE(errors_text(errors).find(expected), std::string::npos) << text << "\n" << errors_text(errors);
  }
}

}  // namespace
}  // namespace carewatch
