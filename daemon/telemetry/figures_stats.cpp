#include "daemon/telemetry/figures_stats.h"

#include <utility>

namespace carewatch {

const char* figures_dimension(GroupBy by) {
  switch (by) {
    case GroupBy::none: return "all";
    case GroupBy::queue: return "q";
    case GroupBy::platform: return "pl";
    case GroupBy::priority: return "pr";
    case GroupBy::agent: return "ag";
  }
  return "all";
}

std::vector<GroupStats> stats_from_cells(const std::map<std::string, StatsStore::Cells>& cells, GroupBy by) {
  // Ordered as latency_stats: by (kind, group).
  std::map<std::pair<std::string, std::string>, const StatsStore::Cells*> ordered;
  const StatsStore::Cells empty;
  for (const auto& [name, c] : cells) {
    if (by == GroupBy::agent) {
      const size_t colon = name.find(':');
      if (colon == std::string::npos) continue;
      const std::string k = name.substr(0, colon);
      const char* kind = k == "s" ? "source" : k == "b" ? "brand" : k == "a" ? "agent" : nullptr;
      if (!kind) continue;
      ordered[{kind, name.substr(colon + 1)}] = &c;
    } else {
      ordered[{"", name}] = &c;
    }
  }
  if (by == GroupBy::none) ordered.try_emplace({"", "all"}, &empty);
  std::vector<GroupStats> out;
  out.reserve(ordered.size());
  for (const auto& [key, c] : ordered) {
    GroupStats g;
    g.kind = key.first;
    g.group = key.second;
    g.detection = summarize_histogram(c->histograms[0]);
    g.queue_wait = summarize_histogram(c->histograms[1]);
    g.first_response = summarize_histogram(c->histograms[2]);
    g.resolution = summarize_histogram(c->histograms[3]);
    for (const auto& [type, n] : c->counts)
      if (long long* slot = action_counter(g.counts, type)) *slot += n;
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace carewatch
