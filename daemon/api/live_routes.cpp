#include "daemon/api/live_routes.h"

#include "daemon/api/api_json.h"
#include "daemon/api/api_response.h"
#include "daemon/api/sse_frame.h"

namespace carewatch {

ApiResponse live_route(const RouteContext& ctx, LiveFeed* feed) {
  if (!feed) {
    ApiResponse r = error_response(503, "the live feed is not running here: poll GET /v1/queues");
    r.headers.emplace_back("Retry-After", "30");
    return r;
  }
  // Joined before the queues are read: whatever happens after this read reaches the client.
  LiveFeed::Joined joined = feed->join(ctx.caller.agent);
  if (!joined.client) {
    ApiResponse r = error_response(joined.status, joined.refusal);
    r.headers.emplace_back("Retry-After", "30");
    return r;
  }
  ApiResponse r;
  r.status = 200;
  r.content_type = "text/event-stream; charset=utf-8";
  r.body = sse_retry(kLiveRetryMs) + sse_event("queues", queues_json(ctx.store.depths(), ctx.now()));
  r.headers.emplace_back("X-Accel-Buffering", "no");  // a proxy in front must not hold the stream back
  r.live = std::move(joined.client);
  return r;
}

}  // namespace carewatch
