#include "connectors/common/poll_tally.h"

#include <utility>

namespace carewatch {

SourceUsage PollTally::usage() const {
  SourceUsage u;
  u.rate_limit_remaining = remaining;
  u.posts_read = posts_read;
  return u;
}

void PollTally::warn(Batch& batch, std::string message) {
  if (warned++ < kMaxWarningsPerBatch) batch.warnings.push_back(std::move(message));
  else ++unreported;
}

void PollTally::finish(Batch& batch, std::string_view what) const {
  if (unreported) batch.warnings.push_back(std::to_string(unreported) + " more " + std::string(what) + " in this batch");
}

}  // namespace carewatch
