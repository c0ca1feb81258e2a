// Business hours: a calendar of when the clock of an SLA runs. A time zone (IANA, read from the
// system's tzdata by Howard Hinnant's date/tz.h), open intervals per weekday in local wall-clock
// time, and holidays (local dates closed all day). Time outside the open intervals does not count.
//
// The default calendar is 24x7: every instant counts, no time zone needed.
//
// Local times are turned into instants day by day, so a day's hours follow the zone's offset on
// that day: on a spring-forward day "09:00-17:00" is still 8 hours when the change happens at
// night, and "00:00-24:00" is 23 hours (25 on a fall-back day). A local time that does not
// exist (in the gap of a spring forward) is the instant of the change; an ambiguous one (the
// repeated hour of a fall back) is its earlier instant for an opening and its later one for a
// closing, so an interval always covers the whole wall-clock span.
//
// Overnight hours ("22:00-06:00" on mon) are split at midnight: 22:00-24:00 on Monday and
// 00:00-06:00 on Tuesday. A holiday closes its whole local date, the early hours of an overnight
// shift that started the day before included.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mention/common/time.h"

namespace date {
class time_zone;
}

namespace carewatch {

// Minutes since local midnight, [begin, end), 0 <= begin < end <= 1440.
struct OpenInterval {
  int begin = 0;
  int end = 0;
};

class BusinessCalendar {
 public:
  BusinessCalendar() = default;  // 24x7

  // `zone`: an IANA name ("Europe/Berlin"). `week[d]`: the open intervals of weekday d (0 = Sunday
  // .. 6 = Saturday), as configured (an interval with end <= begin runs overnight into the next
  // day). `holidays`: local dates as days since 1970-01-01. Throws std::invalid_argument for an
  // unknown zone.
  BusinessCalendar(const std::string& zone, const std::array<std::vector<OpenInterval>, 7>& week,
                   const std::set<int>& holidays);

  bool always_open() const { return zone_ == nullptr; }
  const std::string& zone_name() const { return zone_name_; }

  // Business time elapsed between two instants (0 when to <= from).
  long long business_ms(TimeMs from, TimeMs to) const;
  // The instant at which `ms` of business time has passed since `from` (from itself for ms <= 0
  // when it is open; otherwise the next opening). A calendar that never opens gives nullopt.
  std::optional<TimeMs> add_business(TimeMs from, long long ms) const;

  // Is a zone name known to the system's tzdata?
  static bool known_zone(const std::string& zone);

 private:
  // The open intervals of the local date `day` (days since the epoch) as instants, in order.
  void open_instants(int day, std::vector<std::pair<TimeMs, TimeMs>>& out) const;
  int local_day(TimeMs t) const;

  const date::time_zone* zone_ = nullptr;
  std::string zone_name_;
  std::array<std::vector<OpenInterval>, 7> day_;  // after splitting at midnight, sorted, merged
  std::set<int> holidays_;
};

// "HH:MM-HH:MM" (24:00 allowed as an end) -> the interval; nullopt when malformed. An end at or
// before the beginning means overnight.
std::optional<OpenInterval> parse_open_interval(std::string_view s);
// "YYYY-MM-DD" -> days since 1970-01-01; nullopt when malformed or not a real date.
std::optional<int> parse_local_date(std::string_view s);

}  // namespace carewatch
