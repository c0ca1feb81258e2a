// What one poll counts as it goes: the rate-limit allowance the platform last reported, the posts
// read, and the warnings of its batch (at most kMaxWarningsPerBatch; the rest are only counted and
// named in one closing line).
#pragma once

#include "connectors/connector.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace carewatch {

struct PollTally {
  static constexpr size_t kMaxWarningsPerBatch = 20;

  std::optional<double> remaining;  // the latest rate-limit allowance, if the platform says
  std::uint64_t posts_read = 0;
  size_t warned = 0;
  size_t unreported = 0;

  // The usage to report with the poll's result.
  SourceUsage usage() const;

  // `message` added to the batch's warnings, or only counted once there are enough of them.
  void warn(Batch& batch, std::string message);

  // The closing "<n> more <what> in this batch" warning, if any were only counted
  // (`what` e.g. "skipped reviews", "warnings").
  void finish(Batch& batch, std::string_view what) const;
};

}  // namespace carewatch
