// GET /v1/sla/breaches?since=&limit=50&queue=: the SLA breaches the watch wrote (each target a
// mention breached, once), newest first by the instant of the breach:
//   200 {"items": [{"uid", "queue", "priority", "target", "at", "target_ms", "elapsed_ms",
//                   "platform", "text", "author"}]}
// at: when the target was breached (ISO 8601); target_ms / elapsed_ms: the target and the
// business time elapsed when the watch wrote it; queue: the mention's queue when it breached;
// text and author (handle): from the mention, "" once it has expired. since: ISO 8601 UTC,
// default 24 hours ago; limit 1..500; queue optional (every queue). Read from the records
// sla_update.lua keeps (daemon/store/sla_store.h), never from the events stream. 400 naming the
// parameter, 404 for an unknown queue. Any role may read it.
#pragma once

#include "daemon/api/api_routes.h"
#include "daemon/api/route_context.h"

namespace carewatch {

ApiResponse sla_breaches_route(const RouteContext& ctx);

}  // namespace carewatch
