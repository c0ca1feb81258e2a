#include "mention/common/duration.h"

#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

namespace carewatch {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDuration, Table) {
  const std::vector<std::pair<std::string, std::optional<milliseconds>>> table = {
      {"250ms", milliseconds(250)},
      {"30s", seconds(30)},
      {"5m", minutes(5)},
      {"2h", hours(2)},
      {"14d", hours(24 * 14)},
      {"1h30m", minutes(90)},
      {"1d2h3m4s5ms", hours(26) + minutes(3) + seconds(4) + milliseconds(5)},
      {"0s", milliseconds(0)},
      {"", std::nullopt},
      {"fast", std::nullopt},
      {"30", std::nullopt},
      {"s", std::nullopt},
      {"1.5h", std::nullopt},
      {"30 s", std::nullopt},
      {"-5s", std::nullopt},
      {"30S", std::nullopt},
      {"30m1h", std::nullopt},   // units largest first
      {"1m1m", std::nullopt},    // each unit once
      {"5w", std::nullopt},
      {"99999999999999999999d", std::nullopt},
  };
  for (const auto& [text, expected] : table) EXPECT_EQ(parse_duration(text), expected) << '"' << text << '"';
}

}  // namespace
}  // namespace carewatch
