// The agent API as a function: request in, response out, over the QueueStore. No sockets here
// (daemon/api/http_api.cpp serves it with Boost.Beast), so every route is testable without a
// server. Beside it: api_match.h (which route a path names), api_json.h (the JSON bodies).
//
// Routes (JSON in and out; every error is {"error": "<message>"}):
//   GET  /v1/queues                       200 {"queues": [{"queue", "waiting", "claimed",
//                                          "oldest_age_s", "priorities": [{"priority", "waiting",
//                                          "claimed", "oldest_age_s"}]}]}
//   POST /v1/queues/{queue}/claim         200 {"uid", "queue", "priority", "lease_until",
//                                          "mention": {...}} or 204 when the queue is empty;
//                                          404 naming the existing queues when it does not exist
//                                          (exists: in the store's {P}:queues set, i.e. a mention
//                                          was ever queued there; a queue the rules route to only
//                                          appears with its first mention)
//   POST /v1/mentions/{uid}/renew         200 {"uid", "status": "ok", "lease_until"}
//   POST /v1/mentions/{uid}/release       200 {"uid", "status": "ok"}; a lead may release anyone's claim
//   POST /v1/mentions/{uid}/resolve       200 {"uid", "status": "ok"}
//   POST /v1/mentions/{uid}/reply         body {"text": "..."}; 200 {"uid", "status": "ok"}; 400
//                                          "body: invalid UTF-8 at byte offset N" (nothing stored),
//                                          400 for a text of only white space (no response recorded)
//        (these four: 404 unknown mention; 409 {"error", "code": "conflict"} when another agent
//         holds the claim, the message names the holder; 409 {"error", "code": "not_claimed"}
//         when nobody holds it: the mention's state, not the request, is what is wrong)
//   GET  /v1/mentions/{uid}               200 {"uid", "mention": {...}, "state": {...},
//                                          "events": [{"id", "type", "actor", "at", ...}],
//                                          "sla": {"status", "target_s", "elapsed_s",
//                                                  "remaining_s", "running", "target", "deadline"}}
//        (state: the mention hash without its JSON; events oldest first; in both, each field
//         as its type in daemon/store/redis_fields.def says: timestamps ISO 8601, durations
//         and integers numbers; sla: daemon/telemetry/sla_clock.h, only "status": "none" when no
//         target applies)
//   GET  /v1/stats?since&until&window&by  200 latency_stats_json, from the figures aggregates
//                                          (daemon/api/figures_routes.h)
//   GET  /v1/stats/depth?since&until&step&queue  200 {"since", "until", "step_s", "series":
//                                          [{"queue", "points": [[t_ms, waiting, claimed]]}]},
//                                          queue depth over time (daemon/api/depth_routes.h)
//   GET  /v1/sla/at-risk?queue=&limit=    200 {"items": [{"uid", "queue", "priority", "target",
//                                          "deadline", "remaining_ms", "state", "platform", "text",
//                                          "author"}]}: open mentions with a running SLA clock, most
//                                          urgent first (remaining_ms negative when overdue); limit
//                                          1..500 (default 50), queue optional (all queues merged);
//                                          400 naming the parameter, 404 for an unknown queue
//   GET  /v1/live                         Server-Sent Events: queue depths and events as they
//                                          happen (daemon/api/live_routes.h)
//   POST|GET|DELETE /v1/session           the console's login, who is logged in, logout
//                                          (daemon/api/session_routes.h)
//   GET  /healthz                         200 {"status": "ok"}
//   GET  /readyz                          200 {"status": "ready"} or 503 {"status", "error"}
//   GET  /metrics                         Prometheus text format 0.0.4; api.metrics says who may:
//                                          "key" (default) like /v1, "public" anyone (at most
//                                          kPublicMetricsPerMinute a minute per address), "off" 404
// Times are ISO 8601 UTC strings. Path segments are percent-decoded (uids contain ':'). Every
// string accepted (path segments, query values, the reply) must be valid UTF-8 and the path
// parameters keep to their alphabets (daemon/api/api_input.h): 400 naming what was wrong.
// Every /v1 route but the login needs "Authorization: Bearer <key>" or, without that header, the
// console's session cookie (401 {"code": "unauthenticated"} otherwise, with WWW-Authenticate
// unless a cookie was sent) and is limited per agent (429 with Retry-After). Cookie writes need
// X-CSRF-Token and viewers only read (403 {"code": "csrf" | "forbidden"}, daemon/api/session_auth.h). Failed authentication is limited per client
// address (daemon/api/auth_failures.h: 429 with Retry-After once over; a valid key still passes). Unknown path: 404; known path, other method: 405
// with Allow. Redis away: 503 {"error": "redis unavailable"}; any other failure: 500.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/connector.h"
#include "daemon/config/config.h"
#include "daemon/telemetry/metrics.h"
#include "daemon/store/queue_store.h"
#include "daemon/api/rate_limiter.h"
#include "mention/mention.h"

namespace carewatch {

class LiveClient;
class LiveFeed;

struct ApiRequest {
  std::string method;         // "GET", "POST", ...
  std::string target;         // origin form: path and optional query ("/v1/stats?window=1h")
  std::string authorization;  // the Authorization header value, "" when absent
  std::string client_address; // the peer's address (the server's per-address key), "" if unknown
  std::string body;
  // Every request header, names in lower case ("cookie", "x-csrf-token", "origin"), in order.
  std::vector<std::pair<std::string, std::string>> headers;
  // The first header named `lower_case_name`, "" when absent.
  std::string header(std::string_view lower_case_name) const;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;           // empty for 204
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Retry-After, ...)
  std::string route;          // the matched pattern ("/v1/mentions/{uid}"), "unmatched" if none
  // A body too large to hold (a CSV export): when set, the server sends `body` first, then
  // calls next_chunk on a route worker until it returns false, writing each chunk it filled
  // (chunked transfer encoding). Each call should produce a bounded piece (a page of rows).
  std::function<bool(std::string& chunk)> next_chunk;
  // A live stream (GET /v1/live): when set, the server sends `body` and then, for as long as the
  // connection lasts, the frames the client is given (daemon/api/live_feed.h).
  std::shared_ptr<LiveClient> live;
};

// What POST /v1/mentions/{uid}/reply needs beyond the store: the connector of the mention's source
// (its rules check the text before it is accepted) and a nudge for the outbox's workers.
struct ReplyDesk {
  ConnectorLookup connector_for;        // unset: every source is treated as one that cannot reply
  std::function<void()> submitted;      // called after a reply entered the outbox
};

class ApiRoutes {
 public:
  using Clock = std::function<TimeMs()>;

  // `ready` answers /readyz. `now` gives wall-clock ms (latency windows, queue ages);
  // `limiter_clock` drives the per-agent token buckets.
  ApiRoutes(const Config& config, QueueStore& store, Metrics& metrics, std::function<bool()> ready,
            Clock now = {}, RateLimiter::Clock limiter_clock = &std::chrono::steady_clock::now);
  ~ApiRoutes();
  ApiRoutes(const ApiRoutes&) = delete;
  ApiRoutes& operator=(const ApiRoutes&) = delete;

  // Set before serving.
  void set_reply_desk(ReplyDesk desk);
  // The feed GET /v1/live subscribes to (503 without one). It must outlive this.
  void set_live_feed(LiveFeed* feed);

  // Answers one request. Never throws. Counts it in carewatch_http_requests_total{route,status}.
  ApiResponse handle(const ApiRequest& request);

  // A JSON error for a request the server refused before it could be handled (body too large,
  // malformed HTTP); counted like handled requests, under the route the target matches.
  ApiResponse reject(std::string_view target, int status, const std::string& message);

  // /metrics under api.metrics "public": requests a minute allowed per client address (a burst
  // of as many), then 429 with Retry-After.
  static constexpr int kPublicMetricsPerMinute = 60;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
