// GET /v1/live: the console's live feed as Server-Sent Events (text/event-stream), authenticated
// like every /v1 route (bearer key or session cookie; on a route worker, never the I/O threads).
// The answer starts with "retry: 2000" and an `event: queues` holding the body of GET
// /v1/queues, then carries what daemon/api/live_pump.h publishes (`queues`, `mention`, `: ping`)
// for as long as the connection lasts. 429 with Retry-After when the agent already holds
// LiveFeed::kPerAgent live connections, 503 with Retry-After over LiveFeed::kTotal in all (the
// console then polls GET /v1/queues).
#pragma once

#include "daemon/api/api_routes.h"
#include "daemon/api/live_feed.h"
#include "daemon/api/route_context.h"

namespace carewatch {

// How long a browser waits before it reconnects a broken stream (the "retry:" line).
inline constexpr int kLiveRetryMs = 2000;

ApiResponse live_route(const RouteContext& ctx, LiveFeed* feed);

}  // namespace carewatch
