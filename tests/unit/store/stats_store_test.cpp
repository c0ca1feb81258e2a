// The figures store's pure parts: the dense numbering of histogram buckets its sealed copies use,
// the blocks a window is read as, and the levels the Lua scripts are given (one declaration,
// daemon/store/figure_levels.def, for both).
#include "daemon/store/stats_store.h"

#include <gtest/gtest.h>

#include <string>

#include "daemon/telemetry/latency_stats.h"

namespace carewatch {

extern const char* const kLuaFields;  // the generated prelude of every script
extern const char* const kLuaCommon;

namespace {

TEST(StatsStoreBuckets, EveryBucketHasTheNextIndexAndBack) {
  long long expected = 0;
  long long previous = -1;
  // Every bucket up to 10^13 ms (317 years), in order: the indexes are 0, 1, 2, ... without gaps.
  for (long long v = 0; v < 10'000'000'000'000; ) {
    const long long b = latency_bucket(v);
    ASSERT_EQ(b, v) << "the loop walks buckets";
    ASSERT_GT(b, previous);
    EXPECT_EQ(StatsStore::bucket_index(b), expected) << b;
    EXPECT_EQ(StatsStore::bucket_at(expected), b) << expected;
    previous = b;
    ++expected;
    long long step = 1;
    while (v / step >= 100) step *= 10;
    v += step;
  }
  EXPECT_EQ(StatsStore::bucket_index(100), 100);
  EXPECT_EQ(StatsStore::bucket_index(990), 189);
  EXPECT_EQ(StatsStore::bucket_index(1000), 190);
  EXPECT_EQ(StatsStore::bucket_index(1'200'000), 100 + 90 * 4 + 2);
}

TEST(StatsStoreBuckets, WhatIsNotABucketHasNoIndex) {
  EXPECT_EQ(StatsStore::bucket_index(-1), -1);
  EXPECT_EQ(StatsStore::bucket_index(101), -1);
  EXPECT_EQ(StatsStore::bucket_index(1'234), -1);
  EXPECT_EQ(StatsStore::bucket_index(latency_bucket(1'234)), 190 + 2);
}

TEST(StatsStoreLevels, TheScriptsAreGivenTheLevelsTheReaderUses) {
  std::string want = "local FIG_LEVELS = {";
  for (const auto& l : StatsStore::kLevels)
    want += std::string("{'") + l.letter + "', " + std::to_string(l.length) + ", " +
            std::to_string(l.retention / StatsStore::kDay) + " * 86400000}, ";
  want += "}";
  const std::string prelude = kLuaFields;
  EXPECT_NE(prelude.find(want), std::string::npos) << prelude;
  EXPECT_NE(prelude.find("local FIG_FRT_TTL_MS = " + std::to_string(StatsStore::kFirstResponseMemory / StatsStore::kDay) +
                         " * 86400000"),
            std::string::npos);
  // common.lua takes them from the prelude and does not define its own.
  const std::string common = kLuaCommon;
  EXPECT_EQ(common.find("local FIG_LEVELS"), std::string::npos);
  EXPECT_EQ(common.find("local FIG_FRT_TTL_MS"), std::string::npos);
  EXPECT_NE(common.find("ipairs(FIG_LEVELS)"), std::string::npos);
  EXPECT_EQ(StatsStore::kMinuteRetention, 8 * StatsStore::kDay);
  EXPECT_EQ(StatsStore::kHourRetention, 62 * StatsStore::kDay);
  EXPECT_EQ(StatsStore::kDayRetention, 800 * StatsStore::kDay);
}

}  // namespace
}  // namespace carewatch
