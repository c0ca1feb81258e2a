#include "connectors/common/poll_errors.h"

#include <string>

namespace carewatch {

PollError first_of_errors(const std::vector<PollError>& errors, std::optional<std::chrono::milliseconds> wait) {
  PollError e = errors.front();
  if (errors.size() > 1) e.message += " (and " + std::to_string(errors.size() - 1) + " more errors)";
  e.retry_after = wait;
  return e;
}

}  // namespace carewatch
