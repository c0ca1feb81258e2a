// A poll over several streams collects their errors; when none of them read a page, the poll fails
// with the first one, the others counted in its message.
#pragma once

#include "connectors/connector.h"

#include <chrono>
#include <optional>
#include <vector>

namespace carewatch {

// errors.front() with " (and <n> more errors)" when there are others, retried after `wait`.
// Requires !errors.empty().
PollError first_of_errors(const std::vector<PollError>& errors, std::optional<std::chrono::milliseconds> wait);

}  // namespace carewatch
