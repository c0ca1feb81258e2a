// A daily budget of a platform's billed units: posts read on X, quota units on YouTube. Counted
// per UTC day. The connector keeps the state in its cursor (day and used), so a restart or another
// instance taking the source over neither forgets nor re-counts what was spent. The cursor is
// stored only after a batch is enqueued, so units spent by a poll that then failed are counted
// again from the platform's answer on the retry: the count errs toward spending less, never more.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "mention/common/time.h"

namespace carewatch {

class DailyBudget {
 public:
  // `per_day`: units a UTC day may spend (0: nothing may be spent).
  explicit DailyBudget(std::uint64_t per_day = 0) : per_day_(per_day) {}

  // Takes up the state a cursor kept ("2026-12-04", 812); another day's state, or an empty one,
  // starts today at 0.
  void load(const std::string& day, std::uint64_t used, TimeMs now);
  // Starts a new day at 0 once `now` is past the current one.
  void roll(TimeMs now);

  std::uint64_t per_day() const { return per_day_; }
  std::uint64_t used() const { return used_; }
  std::uint64_t remaining() const { return used_ >= per_day_ ? 0 : per_day_ - used_; }
  bool can_spend(std::uint64_t units) const { return units <= remaining(); }
  void spend(std::uint64_t units) { used_ += units; }
  const std::string& day() const { return day_; }   // "YYYY-MM-DD" (UTC), what the cursor keeps

  // Time until the next UTC midnight after `now`, when the budget is full again.
  static std::chrono::milliseconds until_next_day(TimeMs now);
  // "YYYY-MM-DD" of `now` in UTC.
  static std::string day_of(TimeMs now);

 private:
  std::uint64_t per_day_;
  std::uint64_t used_ = 0;
  std::string day_;
};

}  // namespace carewatch
