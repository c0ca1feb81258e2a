#include "daemon/telemetry/figures_stats.h"

#include <string_view>
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

StatsStore::GroupMap agent_groups_of(const FigureFilter& filter) {
  return [&filter](std::string_view name, std::string_view& into) {
    std::string_view parts[3];  // queue, platform, priority; then the actor group (the rest)
    for (auto& part : parts) {
      const size_t sep = name.find('\x1f');
      if (sep == std::string_view::npos) return false;
      part = name.substr(0, sep);
      name.remove_prefix(sep + 1);
    }
    if (name.size() < 2 || name[1] != ':') return false;
    const std::string_view kind = name[0] == 'a' ? "agent" : name[0] == 'b' ? "brand" : "source";
    if (!filter.takes(parts[0], parts[1], parts[2], kind)) return false;
    into = name;
    return true;
  };
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
