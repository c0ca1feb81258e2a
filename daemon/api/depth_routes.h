// Queue depth over time, from the samples the daemons record once a minute
// (daemon/store/depth_store.h, daemon/pipeline/depth_sampler.h). Any role may read it.
//   GET /v1/stats/depth?since=&until=&window=&step=5m&queue=
//        200 {"since", "until", "step_s", "series": [{"queue", "points": [[t_ms, waiting,
//        claimed], ...]}]}: per queue (only `queue` when given; queues by name), a point per step
//        that has samples, t_ms the step's start, waiting and claimed the highest of the step's
//        minute samples (each its own maximum), over [since, until) widened to whole steps (the
//        answer says which). The window as for /v1/stats (daemon/api/stats_window.h). step:
//        1m, 5m (default), 15m, 1h or 1d; once a step's samples are past their retention (1m:
//        8 days, 5m and 15m: 35 days, 1h: 400 days) the next coarser step that still has them is
//        answered, and step_s says so. 400 naming the parameter, and naming step when the
//        window holds more than 2000 steps.
#pragma once

#include "daemon/api/api_routes.h"
#include "daemon/api/route_context.h"

namespace carewatch {

ApiResponse depth_route(const RouteContext& ctx);

}  // namespace carewatch
