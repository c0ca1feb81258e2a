// Business hours over DST changes (Europe/Berlin, America/New_York), holidays, overnight hours
// and the 24x7 default. Expected instants are written out in UTC by hand.
#include "daemon/telemetry/business_hours.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace carewatch {
namespace {

constexpr long long kMin = 60'000, kHour = 60 * kMin;

TimeMs utc(const char* iso) {
  TimeMs t = 0;
  EXPECT_TRUE(parse_iso8601(iso, t)) << iso;
  return t;
}

OpenInterval range(const char* s) {
  auto r = parse_open_interval(s);
  EXPECT_TRUE(r) << s;
  return r.value_or(OpenInterval{});
}

// Weekdays 0 = Sunday .. 6 = Saturday.
BusinessCalendar weekdays(const char* zone, const char* hours, std::set<int> holidays = {}) {
  std::array<std::vector<OpenInterval>, 7> week;
  for (int d = 1; d <= 5; ++d) week[d].push_back(range(hours));
  return BusinessCalendar(zone, week, holidays);
}

BusinessCalendar one_day(const char* zone, int weekday, std::vector<const char*> hours) {
  std::array<std::vector<OpenInterval>, 7> week;
  for (const char* h : hours) week[weekday].push_back(range(h));
  return BusinessCalendar(zone, week, {});
}

TEST(BusinessHours, AlwaysOpenByDefault) {
  const BusinessCalendar cal;
  EXPECT_TRUE(cal.always_open());
  const TimeMs t = utc("2026-03-29T00:30:00Z");
  EXPECT_EQ(cal.business_ms(t, t + 90 * kMin), 90 * kMin);
  EXPECT_EQ(cal.business_ms(t + 1, t), 0);
  EXPECT_EQ(cal.add_business(t, 15 * kMin), t + 15 * kMin);
}

TEST(BusinessHours, WeekendIsSkipped) {
  const auto cal = weekdays("Europe/Berlin", "09:00-17:00");
  // Friday 16:00 CET + 2h of business time = Monday 10:00 CET.
  EXPECT_EQ(cal.add_business(utc("2026-01-09T15:00:00Z"), 2 * kHour), utc("2026-01-12T09:00:00Z"));
  EXPECT_EQ(cal.business_ms(utc("2026-01-09T15:00:00Z"), utc("2026-01-12T09:00:00Z")), 2 * kHour);
  // Before opening: the clock starts at 09:00.
  EXPECT_EQ(cal.add_business(utc("2026-01-12T05:00:00Z"), 30 * kMin), utc("2026-01-12T08:30:00Z"));
  // Exactly at closing: reached at 17:00, not the next morning.
  EXPECT_EQ(cal.add_business(utc("2026-01-12T15:00:00Z"), kHour), utc("2026-01-12T16:00:00Z"));
}

TEST(BusinessHours, BerlinSpringForwardAndFallBackWholeDays) {
  const auto cal = one_day("Europe/Berlin", 0, {"00:00-24:00"});
  // Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST; the day has 23 hours.
  EXPECT_EQ(cal.business_ms(utc("2026-03-28T00:00:00Z"), utc("2026-03-31T00:00:00Z")), 23 * kHour);
  // Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET; the day has 25 hours.
  EXPECT_EQ(cal.business_ms(utc("2026-10-24T00:00:00Z"), utc("2026-10-27T00:00:00Z")), 25 * kHour);
  // 24 hours from Sunday 00:00 CEST: 23:00 CET the same day (25 hours that day).
  EXPECT_EQ(cal.add_business(utc("2026-10-24T22:00:00Z"), 24 * kHour), utc("2026-10-25T22:00:00Z"));
}

TEST(BusinessHours, BerlinHoursSpanningTheChange) {
  // 01:00-04:00 on the spring-forward Sunday: 01:00 CET (00:00Z) to 04:00 CEST (02:00Z), 2 hours.
  const auto sunday = one_day("Europe/Berlin", 0, {"01:00-04:00"});
  EXPECT_EQ(sunday.business_ms(utc("2026-03-28T12:00:00Z"), utc("2026-03-29T12:00:00Z")), 2 * kHour);
  EXPECT_EQ(sunday.add_business(utc("2026-03-28T12:00:00Z"), 90 * kMin), utc("2026-03-29T01:30:00Z"));
  // On the fall-back Sunday: 01:00 CEST (23:00Z the day before) to 04:00 CET (03:00Z), 4 hours.
  EXPECT_EQ(sunday.business_ms(utc("2026-10-24T12:00:00Z"), utc("2026-10-25T12:00:00Z")), 4 * kHour);
  EXPECT_EQ(sunday.add_business(utc("2026-10-24T12:00:00Z"), 150 * kMin), utc("2026-10-25T01:30:00Z"));
  // Opening at a time that does not exist (02:30 on the spring-forward day) opens at the change.
  const auto gap = one_day("Europe/Berlin", 0, {"02:30-05:00"});
  EXPECT_EQ(gap.business_ms(utc("2026-03-28T12:00:00Z"), utc("2026-03-29T12:00:00Z")), 2 * kHour);
  // An ambiguous opening (02:30, twice on the fall-back day) opens at the first of them.
  const auto twice = one_day("Europe/Berlin", 0, {"02:30-05:00"});
  EXPECT_EQ(twice.business_ms(utc("2026-10-24T12:00:00Z"), utc("2026-10-25T12:00:00Z")), 210 * kMin);
}

TEST(BusinessHours, NewYorkWeekdaysOverTheSpringForwardWeekend) {
  const auto cal = weekdays("America/New_York", "09:00-17:00");
  // Friday 2026-03-06 16:00 EST (21:00Z) + 2h = Monday 2026-03-09 10:00 EDT (14:00Z).
  EXPECT_EQ(cal.add_business(utc("2026-03-06T21:00:00Z"), 2 * kHour), utc("2026-03-09T14:00:00Z"));
  EXPECT_EQ(cal.business_ms(utc("2026-03-06T21:00:00Z"), utc("2026-03-09T14:00:00Z")), 2 * kHour);
  // The week after fall back: Monday 2026-11-02 09:00 EST is 14:00Z.
  EXPECT_EQ(cal.add_business(utc("2026-10-30T20:00:00Z"), 90 * kMin), utc("2026-11-02T14:30:00Z"));
}

TEST(BusinessHours, NewYorkOvernightShiftOverFallBack) {
  // Saturday 22:00-06:00: split at midnight. The night of 2026-10-31: 22:00 EDT (02:00Z) to
  // 24:00 EDT (04:00Z), then Sunday 00:00 EDT (04:00Z) to 06:00 EST (11:00Z): 9 hours.
  const auto cal = one_day("America/New_York", 6, {"22:00-06:00"});
  EXPECT_EQ(cal.business_ms(utc("2026-10-31T12:00:00Z"), utc("2026-11-01T20:00:00Z")), 9 * kHour);
  EXPECT_EQ(cal.add_business(utc("2026-10-31T12:00:00Z"), 8 * kHour), utc("2026-11-01T10:00:00Z"));
  // The spring-forward night 2026-03-07: 22:00 EST (03:00Z) to 06:00 EDT (10:00Z): 7 hours.
  EXPECT_EQ(cal.business_ms(utc("2026-03-07T12:00:00Z"), utc("2026-03-08T20:00:00Z")), 7 * kHour);
}

TEST(BusinessHours, HolidaysAreClosedAllDay) {
  const auto christmas = parse_local_date("2026-12-25");
  ASSERT_TRUE(christmas);
  const auto cal = weekdays("Europe/Berlin", "09:00-17:00", {*christmas});
  // Thursday 2026-12-24 16:00 CET + 2h: Friday is a holiday, so Monday 2026-12-28 10:00 CET.
  EXPECT_EQ(cal.add_business(utc("2026-12-24T15:00:00Z"), 2 * kHour), utc("2026-12-28T09:00:00Z"));
  EXPECT_EQ(cal.business_ms(utc("2026-12-25T00:00:00Z"), utc("2026-12-26T00:00:00Z")), 0);
  // Without the holiday: Friday 10:00.
  const auto plain = weekdays("Europe/Berlin", "09:00-17:00");
  EXPECT_EQ(plain.add_business(utc("2026-12-24T15:00:00Z"), 2 * kHour), utc("2026-12-25T09:00:00Z"));
}

TEST(BusinessHours, ACalendarThatNeverOpensNeverReachesATarget) {
  const BusinessCalendar closed("UTC", {}, {});
  EXPECT_EQ(closed.add_business(utc("2026-01-01T00:00:00Z"), kMin), std::nullopt);
  EXPECT_EQ(closed.business_ms(utc("2026-01-01T00:00:00Z"), utc("2026-02-01T00:00:00Z")), 0);
}

TEST(BusinessHours, ParsesRangesDatesAndZones) {
  EXPECT_EQ(range("09:00-17:00").begin, 9 * 60);
  EXPECT_EQ(range("09:00-17:00").end, 17 * 60);
  EXPECT_EQ(range("00:00-24:00").end, 24 * 60);
  EXPECT_EQ(range("22:00-06:00").end, 6 * 60);  // overnight
  for (const char* bad : {"9-5", "09:00", "10:00-10:00", "24:00-01:00", "09:60-10:00", "25:00-26:00", "a"})
    EXPECT_FALSE(parse_open_interval(bad)) << bad;
  EXPECT_TRUE(parse_local_date("2028-02-29"));
  for (const char* bad : {"2026-02-29", "2026-13-01", "26-01-01", "2026/01/01"})
    EXPECT_FALSE(parse_local_date(bad)) << bad;
  EXPECT_TRUE(BusinessCalendar::known_zone("Europe/Berlin"));
  EXPECT_FALSE(BusinessCalendar::known_zone("Mars/Base"));
  EXPECT_THROW(BusinessCalendar("Mars/Base", {}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace carewatch
