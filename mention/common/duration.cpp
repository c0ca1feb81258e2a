#include "mention/common/duration.h"

#include <cstdint>
#include <limits>

namespace carewatch {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
  struct Unit {
    std::string_view name;
    int64_t ms;
  };
  // Longest names first so "ms" is not read as "m".
  static constexpr Unit units[] = {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  if (s.empty()) return std::nullopt;
  int64_t total = 0;
  int64_t last_unit = std::numeric_limits<int64_t>::max();
  size_t i = 0;
  while (i < s.size()) {
    const size_t start = i;
    int64_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n > 1'000'000'000) return std::nullopt;  // no duration needs more digits
      n = n * 10 + (s[i++] - '0');
    }
    if (i == start) return std::nullopt;
    const Unit* unit = nullptr;
    for (const auto& u : units)
      if (s.substr(i, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    if (!unit || unit->ms >= last_unit) return std::nullopt;  // units largest first, each once
    last_unit = unit->ms;
    i += unit->name.size();
    if (n > (std::numeric_limits<int64_t>::max() - total) / unit->ms) return std::nullopt;
    total += n * unit->ms;
  }
  return std::chrono::milliseconds(total);
}

}  // namespace carewatch
