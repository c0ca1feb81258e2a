#include "daemon/api/figures_routes.h"

#include <algorithm>
#include <optional>
#include <string>

#include "daemon/api/api_response.h"
#include "daemon/api/stats_window.h"
#include "daemon/store/stats_store.h"
#include "daemon/telemetry/figures_stats.h"
#include "daemon/telemetry/latency_stats.h"
#include "daemon/telemetry/metric_catalogue.h"
#include "mention/common/time.h"

namespace carewatch {

ApiResponse stats_route(const RouteContext& ctx) {
  std::string by_text;
  if (const std::string* b = query_param(ctx, "by")) by_text = *b;
  const auto by = group_by_from_string(by_text);
  if (!by)
    return error_response(400, "by: expected one of none, queue, platform, priority, agent, got \"" + by_text + "\"");
  const TimeMs now = ctx.now();
  TimeMs since = 0, until = 0;
  // until defaults to "now": the current minute in full
  if (auto bad = read_stats_window(ctx, StatsStore::align(now, now, now).second, since, until)) return *bad;
  const auto [from, to] = StatsStore::align(since, until, now);
  FigureFilter filter;
  if (const std::string* q = query_param(ctx, "queue"); q && !q->empty()) filter.queue = *q;
  if (const std::string* p = query_param(ctx, "platform"); p && !p->empty()) filter.platform = *p;
  if (const std::string* p = query_param(ctx, "priority"); p && !p->empty()) {
    if (p->size() != 1 || (*p)[0] < '0' || (*p)[0] > '3')
      return error_response(400, "priority: expected 0, 1, 2 or 3, got \"" + *p + "\"");
    filter.priority = metric::priority_label(*p);
  }
  if (filter.any() && *by != GroupBy::agent)
    return error_response(400, "queue, platform and priority filter the agent figures only: use by=agent (got by=" +
                                   std::string(to_string(*by)) + ")");
  StatsStore figures(ctx.store.pool(), ctx.store.options().prefix);
  std::vector<GroupStats> groups =
      filter.any() ? stats_from_cells(figures.read("ax", from, to, agent_groups_of(filter)), *by)
                   : stats_from_cells(figures.read(figures_dimension(*by), from, to), *by);
  if (*by == GroupBy::agent && ctx.caller.role == AgentRole::agent) {
    std::erase_if(groups, [&](const GroupStats& g) { return g.kind == "agent" && g.group != ctx.caller.agent; });
  }
  return json_response(200, latency_stats_json(groups, *by, from, to));
}

}  // namespace carewatch
