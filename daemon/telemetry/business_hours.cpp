#include "daemon/telemetry/business_hours.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace carewatch {
namespace {

using std::chrono::milliseconds;
using SysMs = date::sys_time<milliseconds>;
using LocalMs = date::local_time<milliseconds>;

constexpr int kDayMinutes = 24 * 60;
constexpr long long kDayMs = 86'400'000LL;
// add_business gives up after this many days without enough open time (a calendar whose every
// day is a holiday, in effect).
constexpr int kMaxDays = 366 * 20;

int digits(std::string_view s, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// "HH:MM" -> minutes since midnight (24:00 allowed when `end`).
std::optional<int> clock_minutes(std::string_view s, bool end) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  const int h = digits(s, 0, 2), m = digits(s, 3, 2);
  if (h < 0 || m < 0 || m > 59) return std::nullopt;
  if (h == 24 && m == 0 && end) return kDayMinutes;
  if (h > 23) return std::nullopt;
  return h * 60 + m;
}

long long floor_div(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::optional<OpenInterval> parse_open_interval(std::string_view s) {
  const size_t dash = s.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto b = clock_minutes(s.substr(0, dash), false);
  const auto e = clock_minutes(s.substr(dash + 1), true);
  if (!b || !e || *b == *e) return std::nullopt;
  return OpenInterval{*b, *e};
}

std::optional<int> parse_local_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<int>(date::sys_days(ymd).time_since_epoch().count());
}

bool BusinessCalendar::known_zone(const std::string& zone) {
  try {
    return date::locate_zone(zone) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

BusinessCalendar::BusinessCalendar(const std::string& zone, const std::array<std::vector<OpenInterval>, 7>& week,
                                   const std::set<int>& holidays)
    : zone_name_(zone), holidays_(holidays) {
  try {
    zone_ = date::locate_zone(zone);
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown time zone \"" + zone + "\"");
  }
  for (int d = 0; d < 7; ++d)
    for (const auto& i : week[d]) {
      if (i.end > i.begin) {
        day_[d].push_back(i);
      } else {  // overnight: split at midnight
        day_[d].push_back({i.begin, kDayMinutes});
        if (i.end > 0) day_[(d + 1) % 7].push_back({0, i.end});
      }
    }
  for (auto& v : day_) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
    std::vector<OpenInterval> merged;
    for (const auto& i : v) {
      if (!merged.empty() && i.begin <= merged.back().end) merged.back().end = std::max(merged.back().end, i.end);
      else merged.push_back(i);
    }
    v = std::move(merged);
  }
}

int BusinessCalendar::local_day(TimeMs t) const {
  const auto local = zone_->to_local(SysMs{milliseconds{t}});
  return static_cast<int>(floor_div(local.time_since_epoch().count(), kDayMs));
}

void BusinessCalendar::open_instants(int day, std::vector<std::pair<TimeMs, TimeMs>>& out) const {
  out.clear();
  if (holidays_.count(day)) return;
  const int weekday = static_cast<int>(date::weekday(date::sys_days(date::days(day))).c_encoding());
  for (const auto& i : day_[weekday]) {
    const LocalMs b{milliseconds{day * kDayMs + i.begin * 60'000LL}};
    const LocalMs e{milliseconds{day * kDayMs + i.end * 60'000LL}};
    const TimeMs from = zone_->to_sys(b, date::choose::earliest).time_since_epoch().count();
    const TimeMs to = zone_->to_sys(e, date::choose::latest).time_since_epoch().count();
    if (to > from) out.emplace_back(from, to);
  }
}

long long BusinessCalendar::business_ms(TimeMs from, TimeMs to) const {
  if (to <= from) return 0;
  if (always_open()) return to - from;
  long long sum = 0;
  std::vector<std::pair<TimeMs, TimeMs>> open;
  // One day of margin either side: an interval of a local date may reach into the next UTC day.
  for (int day = local_day(from) - 1, last = local_day(to) + 1; day <= last; ++day) {
    open_instants(day, open);
    for (const auto& [b, e] : open) {
      const TimeMs lo = std::max(b, from), hi = std::min(e, to);
      if (hi > lo) sum += hi - lo;
    }
  }
  return sum;
}

std::optional<TimeMs> BusinessCalendar::add_business(TimeMs from, long long ms) const {
  if (ms < 0) ms = 0;
  if (always_open()) return from + ms;
  long long left = ms;
  std::vector<std::pair<TimeMs, TimeMs>> open;
  const int first = local_day(from) - 1;
  for (int day = first; day <= first + kMaxDays; ++day) {
    open_instants(day, open);
    for (const auto& [b, e] : open) {
      if (e <= from) continue;
      const TimeMs lo = std::max(b, from);
      if (e - lo >= left) return lo + left;
      left -= e - lo;
    }
  }
  return std::nullopt;
}

}  // namespace carewatch
