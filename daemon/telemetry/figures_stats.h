// GET /v1/stats from the aggregates (daemon/store/stats_store.h) instead of the raw events: the
// same groups, in the same order, with the same figures as latency_stats over the events of the
// window (see its exactness rule).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "daemon/store/stats_store.h"
#include "daemon/telemetry/latency_stats.h"

namespace carewatch {

// The aggregate dimension a grouping reads: "all", "q", "pl", "pr", "ag" (stats_store.h).
const char* figures_dimension(GroupBy by);

// The groups of one dimension's cells (StatsStore::read), as latency_stats would give them.
std::vector<GroupStats> stats_from_cells(const std::map<std::string, StatsStore::Cells>& cells, GroupBy by);

}  // namespace carewatch
