// Which route a request names: the path split into percent-decoded segments and matched against
// the API's route patterns, and the query string read into a map. No I/O, no handlers.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch {

enum class RouteId {
  healthz, readyz, metrics, queues, claim, mention, renew, release, resolve, reply, stats, stats_depth, sla_at_risk,
  session, root, console,
  handoff, notes, note_add, conversation, history, customer, customer_link, customer_unlink, replies_check,
  live, stats_volume, stats_top, sla_breaches, export_csv, claims
};

struct RouteMatch {
  bool found = false;
  RouteId id = RouteId::healthz;
  const char* pattern = "unmatched";  // "/v1/mentions/{uid}"; counted in carewatch_http_requests_total
  const char* method = "";            // the method the route answers ("GET, POST, DELETE": several)
  std::string param;                  // {queue}, {uid}, {identity} or the console {path} ("" for index.html)
};

// Splits "/a/b%3Ac" into decoded segments {"a", "b:c"}; false on malformed percent-encoding.
bool split_path(std::string_view path, std::vector<std::string>& out);
// `method` picks between routes sharing a path (GET and POST /v1/mentions/{uid}/notes); without
// it, or with another method, the path's first route is named (a 405 then says which to use).
RouteMatch match_route(const std::vector<std::string>& segments, std::string_view method = {});
// The route `target` (a path with an optional query) names; not found when it names none.
RouteMatch match_target(std::string_view target, std::string_view method = {});
bool is_v1(std::string_view path);
// Whether `method` is one of the route's methods (m.method, a list like "GET, POST, DELETE").
bool allows_method(const RouteMatch& m, std::string_view method);

struct Query {
  std::map<std::string, std::string> values;  // a repeated key: the last one counts
  bool ok = true;                             // false on malformed percent-encoding
};
Query read_query(std::string_view query);

}  // namespace carewatch
