#include "daemon/api/figures_routes.h"

#include <algorithm>
#include <optional>
#include <string>

#include "daemon/api/api_response.h"
#include "daemon/store/stats_store.h"
#include "daemon/telemetry/figures_stats.h"
#include "daemon/telemetry/latency_stats.h"
#include "mention/common/duration.h"
#include "mention/common/time.h"

namespace carewatch {
namespace {

const std::string* param(const RouteContext& ctx, const char* name) {
  auto it = ctx.query.values.find(name);
  return it == ctx.query.values.end() ? nullptr : &it->second;
}

}  // namespace

ApiResponse stats_route(const RouteContext& ctx) {
  std::string by_text;
  if (const std::string* b = param(ctx, "by")) by_text = *b;
  const auto by = group_by_from_string(by_text);
  if (!by)
    return error_response(400, "by: expected one of none, queue, platform, priority, agent, got \"" + by_text + "\"");
  const TimeMs now = ctx.now();
  TimeMs until = StatsStore::align(now, now, now).second;  // "now": the current minute in full
  if (const std::string* u = param(ctx, "until")) {
    if (!parse_iso8601(*u, until))
      return error_response(400, "until: expected an ISO 8601 UTC time like \"2026-11-22T10:00:00Z\", got \"" + *u + "\"");
  }
  TimeMs since = 0;
  const std::string* s = param(ctx, "since");
  const std::string* w = param(ctx, "window");
  if (s && w) return error_response(400, "window: give since or window, not both");
  if (s) {
    if (!parse_iso8601(*s, since))
      return error_response(400, "since: expected an ISO 8601 UTC time like \"2026-11-22T10:00:00Z\", got \"" + *s + "\"");
  } else {
    const std::string window_text = w ? *w : "1h";
    const auto window = parse_duration(window_text);
    if (!window || window->count() <= 0)
      return error_response(400, "window: expected a positive duration like \"1h\", got \"" + window_text + "\"");
    since = until - window->count();
  }
  if (since >= until) return error_response(400, "since: must be before until");
  const auto [from, to] = StatsStore::align(since, until, now);
  StatsStore figures(ctx.store.pool(), ctx.store.options().prefix);
  std::vector<GroupStats> groups = stats_from_cells(figures.read(figures_dimension(*by), from, to), *by);
  if (*by == GroupBy::agent && ctx.caller.role == AgentRole::agent) {
    std::erase_if(groups, [&](const GroupStats& g) { return g.kind == "agent" && g.group != ctx.caller.agent; });
  }
  return json_response(200, latency_stats_json(groups, *by, from, to));
}

}  // namespace carewatch
