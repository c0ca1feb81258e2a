#include "connectors/common/daily_budget.h"

namespace carewatch {

namespace {

constexpr TimeMs kDayMs = 86'400'000;

TimeMs floor_day(TimeMs t) { return (t >= 0 ? t / kDayMs : (t - kDayMs + 1) / kDayMs) * kDayMs; }

}  // namespace

std::string DailyBudget::day_of(TimeMs now) { return format_iso8601(floor_day(now)).substr(0, 10); }

std::chrono::milliseconds DailyBudget::until_next_day(TimeMs now) {
  return std::chrono::milliseconds(floor_day(now) + kDayMs - now);
}

void DailyBudget::load(const std::string& day, std::uint64_t used, TimeMs now) {
  day_ = day_of(now);
  used_ = day == day_ ? used : 0;
}

void DailyBudget::roll(TimeMs now) {
  const std::string today = day_of(now);
  if (today != day_) {
    day_ = today;
    used_ = 0;
  }
}

}  // namespace carewatch
