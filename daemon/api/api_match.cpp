#include "daemon/api/api_match.h"

#include "mention/common/url.h"

namespace carewatch {

Query read_query(std::string_view q) {
  Query out;
  auto pairs = parse_query(q);
  if (!pairs) {
    out.ok = false;
    return out;
  }
  for (auto& [key, value] : *pairs) out.values[key] = std::move(value);  // the last one counts
  return out;
}

RouteMatch match_route(const std::vector<std::string>& seg, std::string_view method) {
  RouteMatch m;
  auto hit = [&m](RouteId id, const char* pattern, const char* method, std::string param = {}) {
    m.found = true;
    m.id = id;
    m.pattern = pattern;
    m.method = method;
    m.param = std::move(param);
  };
  const size_t n = seg.size();
  if (n == 1 && seg[0].empty()) hit(RouteId::root, "/", "GET");
  else if (n >= 2 && seg[0] == "console") {
    std::string rest = seg[1];
    for (size_t i = 2; i < n; ++i) rest += "/" + seg[i];
    hit(RouteId::console, "/console/{path}", "GET", std::move(rest));
  } else if (n == 1 && seg[0] == "healthz") hit(RouteId::healthz, "/healthz", "GET");
  else if (n == 1 && seg[0] == "readyz") hit(RouteId::readyz, "/readyz", "GET");
  else if (n == 1 && seg[0] == "metrics") hit(RouteId::metrics, "/metrics", "GET");
  else if (n >= 2 && seg[0] == "v1") {
    if (n == 2 && seg[1] == "queues") hit(RouteId::queues, "/v1/queues", "GET");
    else if (n == 2 && seg[1] == "stats") hit(RouteId::stats, "/v1/stats", "GET");
    else if (n == 2 && seg[1] == "live") hit(RouteId::live, "/v1/live", "GET");
    else if (n == 2 && seg[1] == "claims") hit(RouteId::claims, "/v1/claims", "GET");
    else if (n == 3 && seg[1] == "stats" && seg[2] == "depth") hit(RouteId::stats_depth, "/v1/stats/depth", "GET");
    else if (n == 2 && seg[1] == "session") hit(RouteId::session, "/v1/session", "GET, POST, DELETE");
    else if (n == 3 && seg[1] == "stats" && seg[2] == "volume") hit(RouteId::stats_volume, "/v1/stats/volume", "GET");
    else if (n == 3 && seg[1] == "stats" && seg[2] == "top") hit(RouteId::stats_top, "/v1/stats/top", "GET");
    else if (n == 3 && seg[1] == "sla" && seg[2] == "at-risk") hit(RouteId::sla_at_risk, "/v1/sla/at-risk", "GET");
    else if (n == 3 && seg[1] == "sla" && seg[2] == "breaches") hit(RouteId::sla_breaches, "/v1/sla/breaches", "GET");
    else if (n == 2 && seg[1] == "export.csv") hit(RouteId::export_csv, "/v1/export.csv", "GET");
    else if (n == 3 && seg[1] == "replies" && seg[2] == "check") hit(RouteId::replies_check, "/v1/replies/check", "POST");
    else if (n == 3 && seg[1] == "customers" && seg[2] == "link")
      hit(RouteId::customer_link, "/v1/customers/link", "POST");
    else if (n == 3 && seg[1] == "customers" && seg[2] == "unlink")
      hit(RouteId::customer_unlink, "/v1/customers/unlink", "POST");
    else if (n == 3 && seg[1] == "customers" && !seg[2].empty())
      hit(RouteId::customer, "/v1/customers/{identity}", "GET", seg[2]);
    else if (n == 4 && seg[1] == "queues" && seg[3] == "claim" && !seg[2].empty())
      hit(RouteId::claim, "/v1/queues/{queue}/claim", "POST", seg[2]);
    else if (n == 3 && seg[1] == "mentions" && !seg[2].empty())
      hit(RouteId::mention, "/v1/mentions/{uid}", "GET", seg[2]);
    else if (n == 4 && seg[1] == "mentions" && !seg[2].empty()) {
      if (seg[3] == "renew") hit(RouteId::renew, "/v1/mentions/{uid}/renew", "POST", seg[2]);
      else if (seg[3] == "release") hit(RouteId::release, "/v1/mentions/{uid}/release", "POST", seg[2]);
      else if (seg[3] == "resolve") hit(RouteId::resolve, "/v1/mentions/{uid}/resolve", "POST", seg[2]);
      else if (seg[3] == "reply") hit(RouteId::reply, "/v1/mentions/{uid}/reply", "POST", seg[2]);
      else if (seg[3] == "handoff") hit(RouteId::handoff, "/v1/mentions/{uid}/handoff", "POST", seg[2]);
      else if (seg[3] == "notes" && method == "POST")
        hit(RouteId::note_add, "/v1/mentions/{uid}/notes", "POST", seg[2]);
      else if (seg[3] == "notes") hit(RouteId::notes, "/v1/mentions/{uid}/notes", "GET", seg[2]);
      else if (seg[3] == "conversation")
        hit(RouteId::conversation, "/v1/mentions/{uid}/conversation", "GET", seg[2]);
      else if (seg[3] == "history") hit(RouteId::history, "/v1/mentions/{uid}/history", "GET", seg[2]);
    }
  }
  return m;
}

bool split_path(std::string_view path, std::vector<std::string>& out) {
  if (path.empty() || path[0] != '/') return false;
  path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    auto segment = percent_decode(path.substr(0, slash));
    if (!segment) return false;
    out.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return true;
}

RouteMatch match_target(std::string_view target, std::string_view method) {
  std::vector<std::string> segments;
  return split_path(target.substr(0, target.find('?')), segments) ? match_route(segments, method) : RouteMatch{};
}

bool is_v1(std::string_view path) { return path == "/v1" || path.rfind("/v1/", 0) == 0; }

bool allows_method(const RouteMatch& m, std::string_view method) {
  std::string_view list = m.method;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view one = list.substr(0, comma);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    if (!one.empty() && one == method) return true;
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return false;
}

}  // namespace carewatch
