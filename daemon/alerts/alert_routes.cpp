#include "daemon/alerts/alert_routes.h"

#include <algorithm>

namespace carewatch {

namespace {

template <class T>
bool listed(const std::vector<T>& list, const T& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool filter(const std::vector<std::string>& list, const std::string& v) {
  return list.empty() || (!v.empty() && listed(list, v));
}

bool any_of_tags(const std::vector<std::string>& wanted, const std::vector<std::string>& tags) {
  for (const auto& t : tags)
    if (listed(wanted, t)) return true;
  return false;
}

}  // namespace

AlertRoutes::AlertRoutes(std::vector<AlertRouteConfig> routes) : routes_(std::move(routes)) {}

bool AlertRoutes::takes(const AlertRouteConfig& r, const Alert& a) {
  if (!r.kinds.empty() && !listed(r.kinds, std::string(to_string(a.kind)))) return false;
  if (!filter(r.queues, a.queue)) return false;
  if (!r.priorities.empty() && (a.priority < 0 || !listed(r.priorities, a.priority))) return false;
  if (!filter(r.categories, a.category)) return false;
  if (!filter(r.platforms, a.platform)) return false;
  if (!filter(r.sources, a.source)) return false;
  if (!r.tags.empty() && !any_of_tags(r.tags, a.tags)) return false;
  if (a.kind == AlertKind::urgent && a.priority != 0 && !any_of_tags(r.urgent_tags, a.tags)) return false;
  return true;
}

std::vector<std::string> AlertRoutes::channels_for(const Alert& a) const {
  std::vector<std::string> out;
  for (const auto& r : routes_)
    if (!listed(out, r.channel) && takes(r, a)) out.push_back(r.channel);
  return out;
}

std::set<std::string> AlertRoutes::urgent_tags() const {
  std::set<std::string> out;
  for (const auto& r : routes_) out.insert(r.urgent_tags.begin(), r.urgent_tags.end());
  return out;
}

}  // namespace carewatch
