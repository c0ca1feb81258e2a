// What a route handler gets: the daemon's parts it may use and the request, already
// authenticated (caller), matched (match) and checked (every string valid UTF-8, the path
// parameter in its alphabet). Routes live in files of their own, one per area
// (daemon/api/*_routes.cpp), each a function RouteContext -> ApiResponse; api_routes.cpp
// authenticates, matches and dispatches.
#pragma once

#include <functional>

#include "daemon/api/api_match.h"
#include "daemon/api/api_routes.h"
#include "daemon/api/caller.h"
#include "daemon/config/config.h"
#include "daemon/store/queue_store.h"
#include "daemon/telemetry/metrics.h"

namespace carewatch {

struct RouteContext {
  const Config& config;
  QueueStore& store;
  Metrics& metrics;
  const std::function<TimeMs()>& now;  // wall-clock ms
  const ApiRequest& request;
  const RouteMatch& match;
  const Query& query;
  const Caller& caller;
};

}  // namespace carewatch
