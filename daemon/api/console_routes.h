// Serving the browser console: GET / redirects to /console/, GET /console/<path> answers the
// asset built into the binary (daemon/api/console_assets.h) with its Content-Type, an ETag (a
// hash of its bytes; If-None-Match gives 304) and Cache-Control: no-cache (the browser
// revalidates, so a new daemon's assets are picked up at once). No authentication (static
// files, no data); no Redis, so the server answers these on its I/O threads.
#pragma once

#include <string_view>

#include "daemon/api/api_routes.h"
#include "daemon/api/route_context.h"

namespace carewatch {

ApiResponse console_redirect(const RouteContext& ctx);
ApiResponse console_asset(const RouteContext& ctx);

// True when `if_none_match` (an If-None-Match header value: "*" or a list of entity tags,
// weak or strong) names `etag`.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace carewatch
