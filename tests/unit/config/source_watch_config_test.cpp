// detectors.sources: defaults, every option read, overrides by source name, and the errors.
#include "daemon/config/source_watch_config.h"

#include <gtest/gtest.h>

#include "daemon/config/config.h"

namespace carewatch {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

struct Parsed {
  std::optional<Config> config;
  std::vector<std::string> errors;
};

Parsed parse(const std::string& detectors) {
  Parsed p;
  const std::string text = R"({"sources": [{"name": "masto", "type": "replay", "options": {"path": "m.jsonl"}},
                                            {"name": "rss.blog", "type": "replay", "options": {"path": "b.jsonl"}}])" +
                           (detectors.empty() ? std::string() : ", \"detectors\": " + detectors) + "}";
  p.config = parse_config(text, "test.json", "/srv/carewatch", p.errors,
                          [](const std::string&) { return std::optional<std::string>(); });
  return p;
}

TEST(SourceWatchConfig, DefaultsWithoutTheSectionOrWithAnEmptyOne) {
  for (const std::string d : {"", "{}", R"({"sources": {}})"}) {
    const Parsed p = parse(d);
    ASSERT_TRUE(p.config) << d << ": " << ::testing::PrintToString(p.errors);
    const SourceWatchConfig& c = p.config->source_watch;
    EXPECT_TRUE(c.enabled);
    EXPECT_EQ(c.down_after, minutes(15));
    EXPECT_DOUBLE_EQ(c.silent_factor, 6);
    EXPECT_EQ(c.silent_floor, hours(2));
    EXPECT_EQ(c.min_history, 20u);
    EXPECT_TRUE(c.overrides.empty());
  }
}

TEST(SourceWatchConfig, EveryOptionIsRead) {
  const Parsed p = parse(R"({"sources": {"enabled": false, "down_after": "30m", "silent_factor": 4.5,
      "silent_floor": "1h30m", "min_history": 50,
      "overrides": {"masto": {"enabled": false, "down_after": "1h", "silent_after": "3d"}, "rss.blog": {}}}})");
  ASSERT_TRUE(p.config) << ::testing::PrintToString(p.errors);
  const SourceWatchConfig& c = p.config->source_watch;
  EXPECT_FALSE(c.enabled);
  EXPECT_EQ(c.down_after, minutes(30));
  EXPECT_DOUBLE_EQ(c.silent_factor, 4.5);
  EXPECT_EQ(c.silent_floor, minutes(90));
  EXPECT_EQ(c.min_history, 50u);
  ASSERT_EQ(c.overrides.size(), 2u);
  const SourceWatchOverride& m = c.overrides.at("masto");
  EXPECT_EQ(m.enabled, false);
  EXPECT_EQ(m.down_after, hours(1));
  EXPECT_EQ(m.silent_after, hours(72));
  const SourceWatchOverride& r = c.overrides.at("rss.blog");
  EXPECT_FALSE(r.enabled || r.down_after || r.silent_after);
}

std::vector<std::string> errors_of(const std::string& detectors) {
  const Parsed p = parse(detectors);
  EXPECT_FALSE(p.config) << "accepted: " << detectors;
  return p.errors;
}

TEST(SourceWatchConfigErrors, NameThePathAndTheValue) {
  EXPECT_EQ(errors_of(R"({"sources": {"down_after": "soon"}})"),
            std::vector<std::string>{"detectors.sources.down_after: expected a duration like \"15m\", got \"soon\""});
  EXPECT_EQ(errors_of(R"({"sources": {"silent_floor": "30s"}})"),
            std::vector<std::string>{"detectors.sources.silent_floor: expected a duration of at least 1m, got \"30s\""});
  EXPECT_EQ(errors_of(R"({"sources": {"overrides": {"masto": {"silent_after": "2x"}}}})"),
            std::vector<std::string>{
                "detectors.sources.overrides.masto.silent_after: expected a duration like \"15m\", got \"2x\""});
  EXPECT_EQ(errors_of(R"({"sources": {"overrides": {"mastodon": {}}}})"),
            std::vector<std::string>{"detectors.sources.overrides.mastodon: expected the name of a configured source "
                                     "(\"masto\", \"rss.blog\"), got \"mastodon\""});
}

TEST(SourceWatchConfigErrors, TheSchemaRejectsUnknownKeysAndBadTypes) {
  const auto unknown = errors_of(R"({"sources": {"silence": "1h"}})");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].rfind("detectors.sources", 0), 0u) << unknown[0];
  EXPECT_NE(unknown[0].find("silence"), std::string::npos) << unknown[0];
  const auto nested = errors_of(R"({"sources": {"overrides": {"masto": {"silent": false}}}})");
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0].rfind("detectors.sources.overrides.masto", 0), 0u) << nested[0];
  const auto factor = errors_of(R"({"sources": {"silent_factor": 0.5}})");
  ASSERT_EQ(factor.size(), 1u);
  EXPECT_EQ(factor[0].rfind("detectors.sources.silent_factor", 0), 0u) << factor[0];
  const auto history = errors_of(R"({"sources": {"min_history": "many"}})");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].rfind("detectors.sources.min_history", 0), 0u) << history[0];
  const auto top = errors_of(R"({"source": {}})");
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].rfind("detectors", 0), 0u) << top[0];
}

}  // namespace
}  // namespace carewatch
