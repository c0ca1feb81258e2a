// The figures routes: answered from the aggregates the queue store scripts keep
// (daemon/store/stats_store.h), never from the raw events.
//   GET /v1/stats?since=&until=&window=1h&by=   200 latency_stats_json (daemon/telemetry/
//        latency_stats.h) over [since, until) in event time (the events' `at`). since and until
//        are ISO 8601 UTC; without since the window is `window` (default 1h) back from until;
//        without until it is now. since is rounded down and until up to the minute (to the hour
//        beyond 7 days back, to the day beyond 61 days; the answer says which window it
//        covers). by: none, queue, platform, priority, agent; by=agent groups carry "counts"
//        {"claims", "replies", "resolutions", "handoffs"}. A caller whose role is agent sees
//        only their own agent group (and the brand and source groups). 400 naming the parameter.
#pragma once

#include "daemon/api/api_routes.h"
#include "daemon/api/route_context.h"

namespace carewatch {

ApiResponse stats_route(const RouteContext& ctx);

}  // namespace carewatch
