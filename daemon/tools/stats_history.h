// A generated history of mentions and their events, as the queue store scripts would have written
// them over days: for carewatch bench stats and the figures tests. Per mention: ingested and
// queued (detect_ms) by its source; most are claimed by an agent (wait_ms), replied to
// (reply_sent, frt_ms) and resolved (resolve_ms); some are claimed again, handed off, or get a
// native brand reply that arrives late but was earlier (replied, native, frt_ms with
// frt_was_ms: the first response moves). Latencies are log-normal, from seconds to days.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace carewatch {

struct StatsHistoryOptions {
  size_t mentions = 1000;
  int agents = 40;
  std::int64_t start_ms = 0;  // mentions are posted evenly (randomly) in [start_ms, end_ms)
  std::int64_t end_ms = 0;
  std::uint64_t seed = 16;
};

// Calls `sink` with batches of events (flat field lists: type, uid, actor, at, queue, platform,
// priority, then the durations), in time order overall (events at or after end_ms included).
using EventBatch = std::vector<std::vector<std::string>>;
void generate_stats_history(const StatsHistoryOptions& options, size_t batch,
                            const std::function<void(EventBatch&)>& sink);

}  // namespace carewatch
