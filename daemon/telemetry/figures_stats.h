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

// Reads the crossed dimension ("ax" groups "<queue>\x1f<platform>\x1f<priority>\x1f<kind>:<actor>")
// as the agent dimension ("ag" groups "<kind>:<actor>"), keeping the groups `filter` takes: the
// StatsStore::read map that gives the agent figures of one queue, platform and/or priority.
// `filter` must outlive the map.
StatsStore::GroupMap agent_groups_of(const FigureFilter& filter);

// The groups of one dimension's cells (StatsStore::read), as latency_stats would give them.
std::vector<GroupStats> stats_from_cells(const std::map<std::string, StatsStore::Cells>& cells, GroupBy by);

}  // namespace carewatch
