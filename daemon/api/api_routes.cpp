#include "daemon/api/api_routes.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <optional>

#include "daemon/api/api_key.h"
#include "daemon/telemetry/latency_stats.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/sla_clock.h"
#include "mention/common/duration.h"
#include "mention/common/url.h"
#include "mention/mention_json.h"

namespace carewatch {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* kRequests = "carewatch_http_requests_total";
constexpr const char* kWaiting = "carewatch_queue_waiting";
constexpr const char* kClaimed = "carewatch_queue_claimed";
constexpr const char* kOldest = "carewatch_queue_oldest_age_seconds";
constexpr const char* kUnmatched = "unmatched";

void put(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

std::string done(const rapidjson::StringBuffer& sb) { return std::string(sb.GetString(), sb.GetSize()); }

ApiResponse json_response(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ApiResponse error_response(int status, std::string_view message) {
  return json_response(status, json_error(message));
}

// {"error": message, "code": code}
ApiResponse coded_error(int status, std::string_view message, std::string_view code) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("error");
  put(w, message);
  w.Key("code");
  put(w, code);
  w.EndObject();
  return json_response(status, done(sb));
}

// Writes stored JSON text as a nested value (null when it does not parse).
void put_json(Writer& w, const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    w.Null();
    return;
  }
  doc.Accept(w);
}

std::optional<long long> to_integer(const std::string& s) {
  if (s.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A hash or event field: timestamps (*_at, ms) as ISO 8601, counts and durations as numbers,
// anything else as the string it is.
void put_field(Writer& w, const std::string& name, const std::string& value) {
  const auto n = to_integer(value);
  if (n && ends_with(name, "_at")) {
    put(w, format_iso8601(*n));
  } else if (n && (ends_with(name, "_ms") || name == "priority" || name == "replies")) {
    w.Int64(*n);
  } else {
    put(w, value);
  }
}

double seconds(long long ms) { return static_cast<double>(ms) / 1000.0; }

struct Query {
  std::map<std::string, std::string> values;
  bool ok = true;
};

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

// The routes, matched on decoded path segments.
enum class RouteId { healthz, readyz, metrics, queues, claim, mention, renew, release, resolve, reply, stats };

struct Match {
  bool found = false;
  RouteId id = RouteId::healthz;
  const char* pattern = kUnmatched;
  const char* method = "";  // the one method the route answers
  std::string param;        // {queue} or {uid}
};

Match match(const std::vector<std::string>& seg) {
  Match m;
  auto hit = [&m](RouteId id, const char* pattern, const char* method, std::string param = {}) {
    m.found = true;
    m.id = id;
    m.pattern = pattern;
    m.method = method;
    m.param = std::move(param);
  };
  const size_t n = seg.size();
  if (n == 1 && seg[0] == "healthz") hit(RouteId::healthz, "/healthz", "GET");
  else if (n == 1 && seg[0] == "readyz") hit(RouteId::readyz, "/readyz", "GET");
  else if (n == 1 && seg[0] == "metrics") hit(RouteId::metrics, "/metrics", "GET");
  else if (n >= 2 && seg[0] == "v1") {
    if (n == 2 && seg[1] == "queues") hit(RouteId::queues, "/v1/queues", "GET");
    else if (n == 2 && seg[1] == "stats") hit(RouteId::stats, "/v1/stats", "GET");
    else if (n == 4 && seg[1] == "queues" && seg[3] == "claim" && !seg[2].empty())
      hit(RouteId::claim, "/v1/queues/{queue}/claim", "POST", seg[2]);
    else if (n == 3 && seg[1] == "mentions" && !seg[2].empty())
      hit(RouteId::mention, "/v1/mentions/{uid}", "GET", seg[2]);
    else if (n == 4 && seg[1] == "mentions" && !seg[2].empty()) {
      if (seg[3] == "renew") hit(RouteId::renew, "/v1/mentions/{uid}/renew", "POST", seg[2]);
      else if (seg[3] == "release") hit(RouteId::release, "/v1/mentions/{uid}/release", "POST", seg[2]);
      else if (seg[3] == "resolve") hit(RouteId::resolve, "/v1/mentions/{uid}/resolve", "POST", seg[2]);
      else if (seg[3] == "reply") hit(RouteId::reply, "/v1/mentions/{uid}/reply", "POST", seg[2]);
    }
  }
  return m;
}

// Splits "/a/b%3Ac" into decoded segments {"a", "b:c"}; false on malformed percent-encoding.
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

bool is_v1(std::string_view path) { return path == "/v1" || path.rfind("/v1/", 0) == 0; }

}  // namespace

std::string json_error(std::string_view message) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("error");
  put(w, message);
  w.EndObject();
  return done(sb);
}

struct ApiRoutes::Impl {
  const Config& config;
  QueueStore& store;
  Metrics& metrics;
  std::function<bool()> ready;
  Clock now;
  RateLimiter limiter;

  Impl(const Config& c, QueueStore& s, Metrics& m, std::function<bool()> r, Clock n,
       RateLimiter::Clock lc)
      : config(c), store(s), metrics(m), ready(std::move(r)), now(n ? std::move(n) : Clock(&now_ms)),
        limiter(c.api_rate_limit_per_minute, std::move(lc)) {
    metrics.describe(kRequests, "counter", "HTTP API requests, by route pattern and status.");
    metrics.describe(kWaiting, "gauge", "Mentions waiting in a queue (not yet claimed), by queue and priority.");
    metrics.describe(kClaimed, "gauge", "Mentions claimed and not yet resolved, by queue and priority.");
    metrics.describe(kOldest, "gauge", "Age of the oldest waiting mention in seconds, by queue and priority.");
  }

  void count(const char* route, int status) {
    metrics.inc(kRequests, {{"route", route}, {"status", std::to_string(status)}});
  }

  ApiResponse dispatch(const ApiRequest& req, Match& m, const std::string& agent, const Query& query);

  ApiResponse queues();
  ApiResponse claim(const std::string& queue, const std::string& agent);
  ApiResponse operation(RouteId id, const std::string& uid, const std::string& agent, const std::string& body);
  ApiResponse mention(const std::string& uid);
  ApiResponse stats(const Query& query);
  ApiResponse readyz();
  ApiResponse metrics_text();
};

ApiResponse ApiRoutes::Impl::dispatch(const ApiRequest& req, Match& m, const std::string& agent,
                                      const Query& query) {
  switch (m.id) {
    case RouteId::healthz: return json_response(200, R"({"status":"ok"})");
    case RouteId::readyz: return readyz();
    case RouteId::metrics: return metrics_text();
    case RouteId::queues: return queues();
    case RouteId::claim: return claim(m.param, agent);
    case RouteId::mention: return mention(m.param);
    case RouteId::stats: return stats(query);
    case RouteId::renew:
    case RouteId::release:
    case RouteId::resolve:
    case RouteId::reply: return operation(m.id, m.param, agent, req.body);
  }
  return error_response(404, "not found");
}

ApiResponse ApiRoutes::Impl::queues() {
  const auto depths = store.depths();
  const TimeMs t = now();
  auto age_s = [t](TimeMs oldest) { return oldest > 0 ? std::max(0.0, seconds(t - oldest)) : 0.0; };

  // Group by queue (first-seen order), priorities ascending within.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const QueueDepth*>> by_queue;
  for (const auto& d : depths) {
    auto& list = by_queue[d.queue];
    if (list.empty()) order.push_back(d.queue);
    list.push_back(&d);
  }
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("queues");
  w.StartArray();
  for (const auto& name : order) {
    auto& list = by_queue[name];
    std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->priority < b->priority; });
    std::int64_t waiting = 0, claimed = 0;
    double oldest = 0;
    w.StartObject();
    w.Key("queue");
    put(w, name);
    w.Key("priorities");
    w.StartArray();
    for (const QueueDepth* d : list) {
      waiting += d->waiting;
      claimed += d->claimed;
      oldest = std::max(oldest, age_s(d->oldest_queued_at));
      w.StartObject();
      w.Key("priority");
      w.Int(d->priority);
      w.Key("waiting");
      w.Int64(d->waiting);
      w.Key("claimed");
      w.Int64(d->claimed);
      w.Key("oldest_age_s");
      w.Double(age_s(d->oldest_queued_at));
      w.EndObject();
    }
    w.EndArray();
    w.Key("waiting");
    w.Int64(waiting);
    w.Key("claimed");
    w.Int64(claimed);
    w.Key("oldest_age_s");
    w.Double(oldest);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json_response(200, done(sb));
}

ApiResponse ApiRoutes::Impl::claim(const std::string& queue, const std::string& agent) {
  const auto c = store.claim(queue, agent);
  if (!c) {
    ApiResponse r;
    r.status = 204;
    return r;
  }
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("uid");
  put(w, c->uid);
  w.Key("queue");
  put(w, c->queue);
  w.Key("priority");
  w.Int(c->priority);
  w.Key("lease_until");
  put(w, format_iso8601(c->lease_until));
  w.Key("mention");
  put_json(w, c->mention_json);
  w.EndObject();
  return json_response(200, done(sb));
}

ApiResponse ApiRoutes::Impl::operation(RouteId id, const std::string& uid, const std::string& agent,
                                       const std::string& body) {
  OpResult result;
  TimeMs lease_until = 0;
  switch (id) {
    case RouteId::renew: result = store.renew(uid, agent, &lease_until); break;
    case RouteId::release: result = store.release(uid, agent); break;
    case RouteId::resolve: result = store.resolve(uid, agent); break;
    case RouteId::reply: {
      rapidjson::Document doc;
      doc.Parse(body.data(), body.size());
      if (doc.HasParseError() || !doc.IsObject())
        return error_response(400, "body: expected a JSON object like {\"text\": \"...\"}");
      const auto it = doc.FindMember("text");
      if (it == doc.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() == 0)
        return error_response(400, "text: expected a non-empty string");
      result = store.reply(uid, agent, std::string(it->value.GetString(), it->value.GetStringLength()));
      break;
    }
    default: return error_response(404, "not found");
  }
  switch (result.status) {
    case OpStatus::ok: break;
    case OpStatus::not_found: return error_response(404, "mention " + uid + " not found");
    case OpStatus::conflict:
      return coded_error(409, "mention " + uid + " is " + result.message, "conflict");
    case OpStatus::not_claimed:
      return coded_error(409, "mention " + uid + " is " + result.message, "not_claimed");
  }
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("uid");
  put(w, uid);
  w.Key("status");
  w.String("ok");
  if (id == RouteId::renew) {
    w.Key("lease_until");
    put(w, format_iso8601(lease_until));
  }
  w.EndObject();
  return json_response(200, done(sb));
}

ApiResponse ApiRoutes::Impl::mention(const std::string& uid) {
  const auto rec = store.get(uid, true);
  if (!rec) return error_response(404, "mention " + uid + " not found");
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("uid");
  put(w, uid);
  w.Key("mention");
  put_json(w, rec->mention_json);
  w.Key("state");
  w.StartObject();
  for (const auto& [k, v] : rec->state) {
    if (k == "json") continue;
    put(w, k);
    put_field(w, k, v);
  }
  w.EndObject();
  w.Key("events");
  w.StartArray();
  for (const auto& e : rec->events) {
    w.StartObject();
    w.Key("id");
    put(w, e.id);
    w.Key("type");
    put(w, e.type);
    w.Key("actor");
    put(w, e.actor);
    w.Key("at");
    put(w, format_iso8601(e.at));
    for (const auto& [k, v] : e.fields) {
      if (k == "id" || k == "type" || k == "actor" || k == "at" || k == "uid") continue;
      put(w, k);
      put_field(w, k, v);
    }
    w.EndObject();
  }
  w.EndArray();
  const SlaClock sla = sla_clock(rec->state, now(), config.sla_first_response, config.sla_warn_at);
  w.Key("sla");
  w.StartObject();
  w.Key("status");
  w.String(to_string(sla.status));
  if (sla.status != SlaStatus::none) {
    w.Key("target_s");
    w.Double(seconds(sla.target_ms));
    w.Key("elapsed_s");
    w.Double(seconds(sla.elapsed_ms));
    w.Key("remaining_s");
    w.Double(seconds(sla.remaining_ms));
    w.Key("running");
    w.Bool(sla.running);
  }
  w.EndObject();
  w.EndObject();
  return json_response(200, done(sb));
}

ApiResponse ApiRoutes::Impl::stats(const Query& query) {
  std::string window_text = "1h";
  if (auto it = query.values.find("window"); it != query.values.end()) window_text = it->second;
  const auto window = parse_duration(window_text);
  if (!window || window->count() <= 0)
    return error_response(400, "window: expected a positive duration like \"1h\", got \"" + window_text + "\"");
  std::string by_text;
  if (auto it = query.values.find("by"); it != query.values.end()) by_text = it->second;
  const auto by = group_by_from_string(by_text);
  if (!by)
    return error_response(
        400, "by: expected one of none, queue, platform, priority, agent, got \"" + by_text + "\"");
  const TimeMs until = now();
  const TimeMs since = until - window->count();
  const auto events = store.events(since, until);
  return json_response(200, latency_stats_json(latency_stats(events, *by, since, until), *by, since, until));
}

ApiResponse ApiRoutes::Impl::readyz() {
  if (ready && !ready()) {
    return json_response(503, R"({"status":"unavailable","error":"not ready: sources are starting"})");
  }
  if (!store.ping()) return json_response(503, R"({"status":"unavailable","error":"redis unavailable"})");
  return json_response(200, R"({"status":"ready"})");
}

ApiResponse ApiRoutes::Impl::metrics_text() {
  // Queue gauges are read from Redis on each scrape; while Redis is away they keep their last
  // values (and /readyz says why).
  try {
    const TimeMs t = now();
    for (const auto& d : store.depths()) {
      const Labels labels{{"queue", d.queue}, {"priority", std::to_string(d.priority)}};
      metrics.set(kWaiting, labels, static_cast<double>(d.waiting));
      metrics.set(kClaimed, labels, static_cast<double>(d.claimed));
      metrics.set(kOldest, labels, d.oldest_queued_at > 0 ? std::max(0.0, seconds(t - d.oldest_queued_at)) : 0.0);
    }
  } catch (const RedisUnavailable&) {
  }
  ApiResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics.render();
  return r;
}

ApiRoutes::ApiRoutes(const Config& config, QueueStore& store, Metrics& metrics, std::function<bool()> ready,
                     Clock now, RateLimiter::Clock limiter_clock)
    : impl_(std::make_unique<Impl>(config, store, metrics, std::move(ready), std::move(now),
                                   std::move(limiter_clock))) {}

ApiRoutes::~ApiRoutes() = default;

ApiResponse ApiRoutes::reject(std::string_view target, int status, const std::string& message) {
  const std::string_view path = target.substr(0, target.find('?'));
  std::vector<std::string> segments;
  const Match m = split_path(path, segments) ? match(segments) : Match{};
  ApiResponse r = error_response(status, message);
  r.route = m.pattern;
  impl_->count(m.pattern, status);
  return r;
}

ApiResponse ApiRoutes::handle(const ApiRequest& req) {
  ApiResponse r;
  bool answered = false;  // authentication or the rate limit already answered
  const std::string_view target = req.target;
  const size_t qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  const std::string_view query_text = qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1);
  Match m;
  try {
    std::vector<std::string> segments;
    const bool path_ok = split_path(path, segments);
    if (path_ok) m = match(segments);
    std::string agent;
    if (is_v1(path)) {
      // Authentication before routing: without a key, /v1 reveals nothing about its routes.
      const std::string key = bearer_token(req.authorization);
      const AgentConfig* a = key.empty() ? nullptr : find_agent_by_key(impl_->config.agents, key);
      if (!a) {
        r = error_response(401, key.empty() ? "missing API key: send \"Authorization: Bearer <key>\""
                                            : "invalid API key");
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"carewatch\"");
        answered = true;
      } else {
        agent = a->id;
        const auto d = impl_->limiter.allow(agent);
        if (!d.allowed) {
          const long long secs = (d.retry_after.count() + 999) / 1000;
          r = error_response(429, "rate limit of " + std::to_string(impl_->config.api_rate_limit_per_minute) +
                                      " requests a minute exceeded for agent " + agent);
          r.headers.emplace_back("Retry-After", std::to_string(std::max(1LL, secs)));
          answered = true;
        }
      }
    }
    if (!answered) {
      if (!path_ok) {
        r = error_response(400, "path: malformed percent-encoding in \"" + std::string(path) + "\"");
      } else if (!m.found) {
        r = error_response(404, "no route for " + std::string(path));
      } else if (req.method != m.method) {
        r = error_response(405, "method " + req.method + " not allowed on " + m.pattern + " (use " + m.method + ")");
        r.headers.emplace_back("Allow", m.method);
      } else {
        const Query query = read_query(query_text);
        if (!query.ok) r = error_response(400, "query: malformed percent-encoding");
        else r = impl_->dispatch(req, m, agent, query);
      }
    }
  } catch (const RedisUnavailable& e) {
    log::warn("api: redis unavailable", {{"route", m.pattern}, {"error", e.what()}});
    r = error_response(503, "redis unavailable");
    r.headers.emplace_back("Retry-After", "1");
  } catch (const std::exception& e) {
    log::error("api: request failed", {{"route", m.pattern}, {"error", e.what()}});
    r = error_response(500, "internal error");
  } catch (...) {
    log::error("api: request failed", {{"route", m.pattern}, {"error", "unknown exception"}});
    r = error_response(500, "internal error");
  }
  r.route = m.pattern;
  try {
    impl_->count(m.pattern, r.status);
  } catch (...) {
  }
  return r;
}

}  // namespace carewatch
