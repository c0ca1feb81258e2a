// DailyBudget: a platform's billed units per UTC day, carried across restarts in the cursor.
#include "connectors/common/daily_budget.h"

#include <gtest/gtest.h>

namespace carewatch {
namespace {

constexpr TimeMs kDay = 86'400'000;
constexpr TimeMs kNoon = 1795341600000 + 2 * 3'600'000;  // 2026-11-22T12:00:00Z

TEST(DailyBudget, SpendsUpToTheDaysAllowance) {
  DailyBudget b(100);
  b.load("", 0, kNoon);
  EXPECT_EQ(b.day(), "2026-11-22");
  EXPECT_TRUE(b.can_spend(100));
  b.spend(60);
  EXPECT_EQ(b.remaining(), 40u);
  EXPECT_FALSE(b.can_spend(41));
  b.spend(40);
  EXPECT_EQ(b.remaining(), 0u);
}

TEST(DailyBudget, ARestartOnTheSameDayKeepsWhatWasSpent) {
  DailyBudget b(100);
  b.load("2026-11-22", 75, kNoon);
  EXPECT_EQ(b.used(), 75u);
  EXPECT_EQ(b.remaining(), 25u);
}

TEST(DailyBudget, ANewUtcDayStartsFull) {
  DailyBudget b(100);
  b.load("2026-11-21", 100, kNoon);  // yesterday's state
  EXPECT_EQ(b.remaining(), 100u);
  b.spend(100);
  b.roll(kNoon + 11 * 3'600'000);    // 23:00, same day
  EXPECT_EQ(b.remaining(), 0u);
  b.roll(kNoon + 12 * 3'600'000);    // midnight
  EXPECT_EQ(b.day(), "2026-11-23");
  EXPECT_EQ(b.remaining(), 100u);
}

TEST(DailyBudget, WaitsUntilUtcMidnight) {
  EXPECT_EQ(DailyBudget::until_next_day(kNoon), std::chrono::hours(12));
  EXPECT_EQ(DailyBudget::until_next_day(kNoon - 12 * 3'600'000), std::chrono::milliseconds(kDay));
  EXPECT_EQ(DailyBudget::day_of(kNoon - 12 * 3'600'000 - 1), "2026-11-21");
}

}  // namespace
}  // namespace carewatch
