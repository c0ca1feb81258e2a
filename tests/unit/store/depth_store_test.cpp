// The pure parts of the depth samples (daemon/store/depth_store.h): which level a step and a
// window read, the window widened to whole steps, the hashes it spans, the fields parsed.
#include "daemon/store/depth_store.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace carewatch {
namespace {

using L = DepthStore;
constexpr std::int64_t T = 1795341600000;  // 2026-11-22T10:00:00Z
constexpr std::int64_t kMin = L::kMinute, kHour = L::kHour, kDay = L::kDay;

TEST(DepthStore, EachOfferedStepHasItsLevelAndNothingElseDoes) {
  EXPECT_EQ(L::level_of_step(kMin)->name, 'm');
  EXPECT_EQ(L::level_of_step(5 * kMin)->name, 'f');
  EXPECT_EQ(L::level_of_step(15 * kMin)->name, 'q');
  EXPECT_EQ(L::level_of_step(kHour)->name, 'h');
  EXPECT_EQ(L::level_of_step(kDay)->name, 'd');
  for (std::int64_t step : std::vector<std::int64_t>{0, 30'000, 2 * kMin, 6 * kHour, 7 * kDay})
    EXPECT_EQ(L::level_of_step(step), nullptr) << step;
  EXPECT_FALSE(L::plan(6 * kHour, T - kDay, T, T).has_value());
}

TEST(DepthStore, LevelsAreOrderedAndEveryHashHoldsWholeStepsOfAtMost360) {
  for (size_t i = 0; i < L::kLevels.size(); ++i) {
    const auto& l = L::kLevels[i];
    EXPECT_EQ(l.span % l.step, 0) << l.name;
    EXPECT_LE(l.span / l.step, 360) << l.name;
    if (i > 0) {
      EXPECT_GT(l.step, L::kLevels[i - 1].step) << l.name;
      EXPECT_EQ(l.step % L::kLevels[i - 1].step, 0) << l.name;  // a coarse step is whole fine steps
      EXPECT_GE(l.keep, L::kLevels[i - 1].keep) << l.name;
    }
  }
}

TEST(DepthStore, AStepPastItsRetentionIsAnsweredByTheNextCoarserLevelThatHoldsTheWindow) {
  EXPECT_EQ(L::level_for(kMin, T - kDay, T)->name, 'm');
  EXPECT_EQ(L::level_for(kMin, T - 8 * kDay, T)->name, 'm');
  EXPECT_EQ(L::level_for(kMin, T - 8 * kDay - 1, T)->name, 'f');
  EXPECT_EQ(L::level_for(5 * kMin, T - 30 * kDay, T)->name, 'f');
  EXPECT_EQ(L::level_for(kMin, T - 36 * kDay, T)->name, 'h');
  EXPECT_EQ(L::level_for(15 * kMin, T - 36 * kDay, T)->name, 'h');
  EXPECT_EQ(L::level_for(kHour, T - 401 * kDay, T)->name, 'd');
  EXPECT_EQ(L::level_for(kDay, T - 2, T)->name, 'd');  // never finer than asked
  EXPECT_EQ(L::level_for(kHour, T - 900 * kDay, T)->name, 'd');  // nothing holds it: the coarsest
  EXPECT_EQ(L::level_for(3 * kMin, T, T), nullptr);
}

TEST(DepthStore, TheWindowIsWidenedToWholeStepsAndItsStepsCounted) {
  const auto p = L::plan(5 * kMin, T + 2 * kMin, T + kHour + 30'000, T + kHour);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->level->name, 'f');
  EXPECT_EQ(p->since, T);
  EXPECT_EQ(p->until, T + kHour + 5 * kMin);
  EXPECT_EQ(p->points, 13);

  const auto exact = L::plan(kMin, T, T + 2000 * kMin, T + 2000 * kMin);
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->points, 2000);
  EXPECT_EQ(L::plan(kMin, T, T + 2000 * kMin + 1, T + 2000 * kMin)->points, 2001);

  // The limit counts the steps asked for, even when a coarser level answers.
  const auto old = L::plan(kMin, T - 10 * kDay, T - 10 * kDay + 2 * kHour, T);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->level->name, 'f');
  EXPECT_EQ(old->points, 120);
  EXPECT_EQ(old->until - old->since, 2 * kHour);

  // Days are UTC days.
  const auto days = L::plan(kDay, T, T + 1, T);
  EXPECT_EQ(days->since, T - 10 * kHour);
  EXPECT_EQ(days->until, T + 14 * kHour);
  EXPECT_EQ(days->points, 1);
}

TEST(DepthStore, AWindowOfAtMost2000StepsReadsAtMost8Hashes) {
  for (const auto& l : L::kLevels) {
    for (std::int64_t offset : {std::int64_t{0}, l.step, l.span - l.step, l.span / 2}) {
      const std::int64_t since = T - T % l.span + offset;
      const auto spans = L::spans(l, since, since + L::kMaxPoints * l.step);
      EXPECT_LE(spans.size(), 8u) << l.name << " offset " << offset;
      EXPECT_GE(spans.size(), 1u);
      EXPECT_LE(spans.front(), since);
      EXPECT_GT(spans.back() + l.span, since + L::kMaxPoints * l.step - 1);
      for (std::int64_t s : spans) EXPECT_EQ(s % l.span, 0);
    }
  }
  // One hour of minutes inside one 6-hour hash.
  EXPECT_EQ(L::spans(L::kLevels[0], T, T + kHour), std::vector<std::int64_t>{T - 4 * kHour});
  // Crossing into the next one.
  EXPECT_EQ(L::spans(L::kLevels[0], T + kHour, T + 3 * kHour).size(), 2u);
}

TEST(DepthStore, FieldsAreReadAsTimeQueueWaitingAndClaimedAndMarkersAreSkipped) {
  std::string queue;
  DepthSample s;
  ASSERT_TRUE(parse_depth_field("1795341600000|care", "12|3", queue, s));
  EXPECT_EQ(queue, "care");
  EXPECT_EQ(s, (DepthSample{T, 12, 3}));
  ASSERT_TRUE(parse_depth_field("1795341600000|a|b", "0|0", queue, s));
  EXPECT_EQ(queue, "a|b");
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"1795341600000", "4"}, {"1795341600000|", "1|1"}, {"x|care", "1|1"}, {"1795341600000|care", "1"},
           {"1795341600000|care", "1|"}, {"1795341600000|care", "a|1"}, {"|care", "1|1"}}) {
    EXPECT_FALSE(parse_depth_field(name, value, queue, s)) << name << " = " << value;
  }
}

}  // namespace
}  // namespace carewatch
