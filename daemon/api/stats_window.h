// The window of the figures routes (/v1/stats and the marketing figures), read once from the
// query: since and until are ISO 8601 UTC times in event time; without since the window is
// `window` (a duration, default 1h) back from until; without until it ends at `default_until`.
#pragma once

#include <optional>
#include <string>

#include "daemon/api/api_routes.h"
#include "daemon/api/route_context.h"
#include "mention/common/time.h"

namespace carewatch {

// The value of a query parameter, nullptr when absent.
const std::string* query_param(const RouteContext& ctx, const char* name);

// Sets since and until; on bad input returns the 400 naming the parameter.
std::optional<ApiResponse> read_stats_window(const RouteContext& ctx, TimeMs default_until, TimeMs& since,
                                             TimeMs& until);

}  // namespace carewatch
