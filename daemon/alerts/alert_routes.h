// Which channels take an alert (config alerts.routes). Pure and thread-safe once built.
//
// A route takes an alert when its kind is listed (or the route lists none) and every filter the
// route sets matches: queues, priorities, categories, platforms, sources (the alert has one of
// the listed values; an alert without that dimension - empty, or priority -1 - does not match a
// route that filters on it) and tags (the alert carries at least one of them). An urgent alert is
// taken by a route only when its priority is 0 or it carries one of the route's urgent_tags.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "daemon/alerts/alert.h"
#include "daemon/config/alerts_config.h"

namespace carewatch {

class AlertRoutes {
 public:
  AlertRoutes() = default;
  explicit AlertRoutes(std::vector<AlertRouteConfig> routes);

  // The names of the channels that take `a`, each once, in route order.
  std::vector<std::string> channels_for(const Alert& a) const;
  static bool takes(const AlertRouteConfig& route, const Alert& a);

  // The urgent_tags of every route: a mention carrying one of them is raised as urgent (the
  // routes then decide where it goes).
  std::set<std::string> urgent_tags() const;

 private:
  std::vector<AlertRouteConfig> routes_;
};

}  // namespace carewatch
