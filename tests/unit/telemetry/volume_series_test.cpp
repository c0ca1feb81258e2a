// The marketing series from the volume aggregates' fields: parsing, filters, points, blocks.
#include <gtest/gtest.h>

#include "daemon/telemetry/volume_series.h"

namespace carewatch {
namespace {

constexpr TimeMs kHour = VolumeStore::kHour, kDay = VolumeStore::kDay;

TEST(VolumeSeries, FieldsSplitIntoTheirParts) {
  VolumeCell c;
  ASSERT_TRUE(parse_volume_field("x|complaint|negative|en", false, c));
  EXPECT_EQ(c.platform, "x");
  EXPECT_EQ(c.language, "en");
  EXPECT_EQ(c.tag, "");
  ASSERT_TRUE(parse_volume_field("x|complaint|negative|en|refund", true, c));
  EXPECT_EQ(c.tag, "refund");
  EXPECT_FALSE(parse_volume_field("x|complaint|negative", false, c));
  EXPECT_FALSE(parse_volume_field("x|complaint|negative|en|refund", false, c));
  EXPECT_FALSE(parse_volume_field("x|complaint|negative|en", true, c));
}

TEST(VolumeSeries, PointsAreStepMultiplesFilteredAndOrderedByTotal) {
  VolumeFilter f;
  f.platform = "x";
  const TimeMs d0 = 100 * kDay;
  VolumeSeriesBuilder b(VolumeBy::category, f, d0 + 3 * kHour, d0 + 2 * kDay, kDay);
  EXPECT_FALSE(b.tagged());
  EXPECT_EQ(b.first(), d0);
  ASSERT_EQ(b.points(), 2u);
  b.add(d0 + 3 * kHour, "x|praise|positive|en", 2);
  b.add(d0 + kDay, "x|complaint|negative|en", 3);
  b.add(d0 + kDay + 5 * kHour, "x|complaint|neutral|es", 1);
  b.add(d0 + kDay, "mastodon|complaint|negative|en", 50);  // filtered out
  b.add(d0 + 9 * kDay, "x|complaint|negative|en", 50);     // outside the window
  b.add(d0, "malformed", 50);
  const auto s = b.series();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].key, "complaint");
  EXPECT_EQ(s[0].total, 4);
  EXPECT_EQ(s[0].points, (std::vector<std::pair<TimeMs, long long>>{{d0, 0}, {d0 + kDay, 4}}));
  EXPECT_EQ(s[1].key, "praise");
  EXPECT_EQ(s[1].points, (std::vector<std::pair<TimeMs, long long>>{{d0, 2}, {d0 + kDay, 0}}));
}

TEST(VolumeSeries, ATagAsByOrFilterReadsThePerTagFields) {
  VolumeFilter f;
  f.tag = "refund";
  VolumeSeriesBuilder b(VolumeBy::sentiment, f, 0, kHour, kHour);
  EXPECT_TRUE(b.tagged());
  b.add(0, "x|complaint|negative|en|refund", 2);
  b.add(0, "x|complaint|negative|en|outage", 7);
  const auto s = b.series();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].key, "negative");
  EXPECT_EQ(s[0].total, 2);
  EXPECT_TRUE(VolumeSeriesBuilder(VolumeBy::tag, {}, 0, kHour, kHour).tagged());
}

TEST(VolumeSeries, WindowsRoundToHoursAndToDaysWhereHoursAreGone) {
  const TimeMs now = 1000 * kDay + 5 * kHour + 123;
  EXPECT_EQ(volume_window(now - 90 * 60'000, now, now), std::make_pair(now - now % kHour - 2 * kHour, now - now % kHour + kHour));
  const TimeMs old = now - 70 * kDay;
  EXPECT_EQ(volume_window(old, now, now).first, old - old % kDay);
  EXPECT_EQ(volume_window(old, old + kHour, now).second, old - old % kDay + kDay);
}

TEST(VolumeSeries, BlocksUseWholeDaysOnlyWhenAsked) {
  const TimeMs d0 = 10 * kDay;
  const auto hours = volume_blocks(d0 - 2 * kHour, d0 + kDay + kHour, false);
  EXPECT_EQ(hours.size(), 27u);
  const auto mixed = volume_blocks(d0 - 2 * kHour, d0 + kDay + kHour, true);
  ASSERT_EQ(mixed.size(), 4u);
  EXPECT_EQ(mixed[0].level, 'h');
  EXPECT_EQ(mixed[2].level, 'd');
  EXPECT_EQ(mixed[2].start, d0);
  EXPECT_EQ(mixed[3].start, d0 + kDay);
  EXPECT_EQ(volume_days(d0 - kHour, d0 + kDay + kHour), (std::vector<TimeMs>{d0 - kDay, d0, d0 + kDay}));
}

TEST(VolumeSeries, JsonHasTheContractShape) {
  VolumeSeries s{"x", 3, {{0, 1}, {kHour, 2}}};
  EXPECT_EQ(volume_json({s}, VolumeBy::platform, 0, 2 * kHour, kHour),
            R"({"since":"1970-01-01T00:00:00.000Z","until":"1970-01-01T02:00:00.000Z","step_s":3600,"by":"platform",)"
            R"("series":[{"key":"x","total":3,"points":[[0,1],[3600000,2]]}],"spikes":[]})");
  TopFigures t;
  t.total = 4;
  t.complaints = 1;
  t.lists.words = {{"bag", 2}};
  t.lists.hashtags = {{"fail", 1}};
  t.lists.authors = {{"x", "ana", "Ana", 10, 2}};
  const std::string j = top_json(t);
  EXPECT_NE(j.find(R"("total":4,"complaints":1,"complaint_share":0.25,"words":[{"word":"bag","count":2}],)"
                   R"("hashtags":[{"tag":"fail","count":1}],"authors":[{"platform":"x","handle":"ana",)"
                   R"("display_name":"Ana","followers":10,"mentions":2}]})"),
            std::string::npos) << j;
  t.total = 0;
  EXPECT_NE(top_json(t).find(R"("complaint_share":null)"), std::string::npos);
}

TEST(VolumeSeries, FieldPartsHoldNoBar) {
  EXPECT_EQ(VolumeStore::field_part("a|b"), "a/b");
  EXPECT_EQ(VolumeStore::language_part(""), "unknown");
  EXPECT_EQ(VolumeStore::language_part(std::string(36, 'e')), "unknown");
  EXPECT_EQ(VolumeStore::language_part("pt-BR"), "pt-BR");
}

}  // namespace
}  // namespace carewatch
