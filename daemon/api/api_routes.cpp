#include "daemon/api/api_routes.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "daemon/api/api_input.h"
#include "daemon/api/api_response.h"
#include "daemon/api/api_json.h"
#include "daemon/api/api_key.h"
#include "daemon/api/api_match.h"
#include "daemon/api/console_routes.h"
#include "daemon/api/desk_input.h"
#include "daemon/api/desk_routes.h"
#include "daemon/api/export_routes.h"
#include "daemon/api/sla_routes.h"
#include "daemon/api/route_context.h"
#include "daemon/api/depth_routes.h"
#include "daemon/api/figures_routes.h"
#include "daemon/api/live_routes.h"
#include "daemon/api/marketing_routes.h"
#include "daemon/api/auth_failures.h"
#include "daemon/api/cookie.h"
#include "daemon/api/session_auth.h"
#include "daemon/api/session_routes.h"
#include "daemon/store/session_store.h"
#include "daemon/telemetry/latency_stats.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/metric_catalogue.h"
#include "daemon/store/sla_store.h"
#include "daemon/telemetry/sla_clock.h"
#include "daemon/store/redis_fields.h"
#include "mention/common/duration.h"
#include "mention/mention_json.h"
#include "mention/utf8.h"

namespace carewatch {

struct ApiRoutes::Impl {
  const Config& config;
  QueueStore& store;
  Metrics& metrics;
  std::function<bool()> ready;
  Clock now;
  RateLimiter limiter;
  AuthFailures auth_failures;
  Counter<2> requests;
  Gauge<2> waiting, claimed, oldest;
  ReplyDesk replies;
  LiveFeed* live_feed = nullptr;
  SlaPolicies sla;
  SlaStore sla_store;
  SessionStore sessions;
  RateLimiter metrics_limiter;  // /metrics under api.metrics "public", per client address

  Impl(const Config& c, QueueStore& s, Metrics& m, std::function<bool()> r, Clock n,
       RateLimiter::Clock lc)
      : config(c), store(s), metrics(m), ready(std::move(r)), now(n ? std::move(n) : Clock(&now_ms)),
        limiter(c.api_rate_limit_per_minute, lc),
        auth_failures(lc),
        requests(m.add(metric::http_requests_total)),
        waiting(m.add(metric::queue_waiting)),
        claimed(m.add(metric::queue_claimed)),
        oldest(m.add(metric::queue_oldest_age_seconds)),
        sla(c.sla),
        sla_store(s.pool(), s.options().prefix),
        sessions(s.pool(), s.options().prefix, c.api_session_idle),
        metrics_limiter(kPublicMetricsPerMinute, lc) {}

  void count(const char* route, int status) { requests.inc({route, std::to_string(status)}); }

  // Who sent the request (a bearer key, else the session cookie), or the 401 / 403 / 429 answer
  // in `refused`; what the caller may do (CSRF, roles) is decided here too, for every route.
  Caller authenticate(const ApiRequest& req, const RouteMatch& m, std::optional<ApiResponse>& refused);
  // The first thing wrong with the strings the request carries (path segments, route parameter,
  // query), as a 400.
  std::optional<ApiResponse> input_problem(const std::vector<std::string>& segments, const RouteMatch& m,
                                           const Query& query);

  ApiResponse dispatch(const ApiRequest& req, const RouteMatch& m, const Caller& caller, const Query& query);

  ApiResponse claim(const std::string& queue, const std::string& agent);
  ApiResponse operation(RouteId id, const std::string& uid, const std::string& agent, bool any_holder = false);
  ApiResponse reply(const std::string& uid, const std::string& agent, const std::string& body);
  ApiResponse mention(const std::string& uid);
  ApiResponse at_risk(const Query& query);
  ApiResponse readyz();
  ApiResponse metrics_text();
};

ApiResponse ApiRoutes::Impl::dispatch(const ApiRequest& req, const RouteMatch& m, const Caller& caller,
                                      const Query& query) {
  [[maybe_unused]] const RouteContext ctx{config, store, metrics, now, req, m, query, caller};
  SessionDesk session_desk{sessions, auth_failures, limiter};
  const std::string& agent = caller.agent;
  switch (m.id) {
    case RouteId::healthz: return json_response(200, R"({"status":"ok"})");
    case RouteId::root: return console_redirect(ctx);
    case RouteId::console: return console_asset(ctx);
    case RouteId::readyz: return readyz();
    case RouteId::metrics: return metrics_text();
    case RouteId::queues: return json_response(200, queues_json(store.depths(), now()));
    case RouteId::claim: return claim(m.param, agent);
    case RouteId::mention: return mention(m.param);
    case RouteId::stats: return stats_route(ctx);
    case RouteId::stats_depth: return depth_route(ctx);
    case RouteId::stats_volume: return volume_route(ctx);
    case RouteId::stats_top: return top_route(ctx);
    case RouteId::sla_at_risk: return at_risk(query);
    case RouteId::reply: return reply(m.param, agent, req.body);
    case RouteId::release: return operation(m.id, m.param, agent, caller.is_lead());  // a lead: anyone's claim
    case RouteId::renew:
    case RouteId::resolve: return operation(m.id, m.param, agent);
    case RouteId::session: return session_route(ctx, session_desk);
    case RouteId::handoff: return handoff_route(ctx);
    case RouteId::notes: return notes_route(ctx);
    case RouteId::note_add: return note_add_route(ctx);
    case RouteId::conversation: return conversation_route(ctx);
    case RouteId::history: return history_route(ctx);
    case RouteId::customer: return customer_route(ctx);
    case RouteId::customer_link: return customer_link_route(ctx);
    case RouteId::customer_unlink: return customer_unlink_route(ctx);
    case RouteId::replies_check: return replies_check_route(ctx);
    case RouteId::live: return live_route(ctx, live_feed);
    case RouteId::sla_breaches: return sla_breaches_route(ctx);
    case RouteId::export_csv: return export_csv_route(ctx);
    case RouteId::claims: return claims_route(ctx);
  }
  return error_response(404, "not found");
}

Caller ApiRoutes::Impl::authenticate(const ApiRequest& req, const RouteMatch& m, std::optional<ApiResponse>& refused) {
  Caller caller;
  const auto cookie = req.authorization.empty() ? request_cookie(req.headers, kSessionCookie) : std::nullopt;
  if (!cookie) {
    // An Authorization header, or nothing at all: the bearer key.
    const std::string key = bearer_token(req.authorization);
    const AgentConfig* a = key.empty() ? nullptr : find_agent_by_key(config.agents, key);
    if (!a) {
      refused = authentication_failed(auth_failures, req.client_address,
                                      key.empty() ? "missing API key: send \"Authorization: Bearer <key>\" (or log "
                                                    "in: POST /v1/session)"
                                                  : "invalid API key");
      refused->headers.emplace_back("WWW-Authenticate", "Bearer realm=\"carewatch\"");
      return {};
    }
    caller = Caller{a->id, a->role, false, {}};
  } else {
    // The console's session: its agent as the configuration has it now (role included).
    const auto s = cookie->empty() ? std::nullopt : sessions.touch(session_token_hash(*cookie));
    if (!s) {
      refused = authentication_failed(auth_failures, req.client_address,
                                      "the session expired or was ended: log in again (POST /v1/session)");
      refused->headers.emplace_back("Set-Cookie", cleared_session_cookie(config.api_secure_cookies));  // a dead cookie
      return {};
    }
    const AgentConfig* a = nullptr;
    for (const auto& agent : config.agents)
      if (agent.id == s->agent) a = &agent;
    if (!a) {
      sessions.end(session_token_hash(*cookie));
      refused = authentication_failed(auth_failures, req.client_address,
                                      "agent " + s->agent + " is no longer configured: the session is ended");
      refused->headers.emplace_back("Set-Cookie", cleared_session_cookie(config.api_secure_cookies));
      return {};
    }
    caller = Caller{a->id, a->role, true, s->csrf};
  }
  const auto d = limiter.allow(caller.agent);
  if (!d.allowed) {
    refused = error_response(429, "rate limit of " + std::to_string(config.api_rate_limit_per_minute) +
                                      " requests a minute exceeded for agent " + caller.agent);
    add_retry_after(*refused, d);
    return caller;
  }
  refused = access_refusal(caller, req.method, m, req.header("x-csrf-token"), caller.csrf);
  return caller;
}

std::optional<ApiResponse> ApiRoutes::Impl::input_problem(const std::vector<std::string>& segments,
                                                          const RouteMatch& m, const Query& query) {
  for (size_t i = 0; i < segments.size(); ++i)
    if (auto bad = utf8_problem(segments[i], "path segment " + std::to_string(i + 1)))
      return error_response(400, *bad);
  if (auto bad = route_param_problem(m)) return error_response(400, *bad);
  for (const auto& [name, value] : query.values) {
    if (auto bad = utf8_problem(name, "query")) return error_response(400, *bad);
    if (auto bad = utf8_problem(value, name)) return error_response(400, *bad);
  }
  return std::nullopt;
}

ApiResponse ApiRoutes::Impl::claim(const std::string& queue, const std::string& agent) {
  const auto c = store.claim(queue, agent);
  if (!c) {
    // Empty, or no such queue: the store's set of queues tells which (read only when empty).
    const auto queues = store.queues();
    if (std::find(queues.begin(), queues.end(), queue) == queues.end())
      return error_response(404, unknown_queue_message(queue, queues));
    ApiResponse r;
    r.status = 204;
    return r;
  }
  return json_response(200, claimed_json(*c));
}

// The answer to a store operation the mention's state refused (404, 409), or nullopt.
static std::optional<ApiResponse> op_refusal(const std::string& uid, const OpResult& result) {
  switch (result.status) {
    case OpStatus::ok:
    case OpStatus::pending: return std::nullopt;
    case OpStatus::not_found: return error_response(404, "mention " + uid + " not found");
    case OpStatus::conflict:
      return json_response(409, json_coded_error("mention " + uid + " is " + result.message, "conflict"));
    case OpStatus::not_claimed:
      return json_response(409, json_coded_error("mention " + uid + " is " + result.message, "not_claimed"));
  }
  return std::nullopt;
}

ApiResponse ApiRoutes::Impl::operation(RouteId id, const std::string& uid, const std::string& agent, bool any_holder) {
  OpResult result;
  TimeMs lease_until = 0;
  switch (id) {
    case RouteId::renew: result = store.renew(uid, agent, &lease_until); break;
    case RouteId::release: result = store.release(uid, agent, any_holder); break;
    case RouteId::resolve: result = store.resolve(uid, agent); break;
    default: return error_response(404, "not found");
  }
  if (auto refused = op_refusal(uid, result)) return std::move(*refused);
  if (result.status == OpStatus::pending) return json_response(202, resolve_pending_json(uid));
  return json_response(200, operation_json(uid, id == RouteId::renew ? std::optional<TimeMs>(lease_until)
                                                                    : std::nullopt));
}

// POST /v1/mentions/{uid}/reply. Checked in this order: the body; the mention and its claim (404,
// 409); the platform's rules for the text, by the connector of the mention's source (400 naming
// the rule; a source that cannot reply says where to answer) unless the reply is external. Then
// the reply enters the outbox (202) or, external, is recorded as sent (200).
ApiResponse ApiRoutes::Impl::reply(const std::string& uid, const std::string& agent, const std::string& body) {
  ReplyText reply = read_reply_text(body);
  if (reply.problem)
    return json_response(400, reply.rule.empty() ? json_error(*reply.problem) : json_coded_error(*reply.problem, reply.rule));
  const auto rec = store.get(uid, false);
  if (!rec) return error_response(404, "mention " + uid + " not found");
  const auto field = [&](const char* name) {
    const auto it = rec->state.find(name);
    return it == rec->state.end() ? std::string() : it->second;
  };
  const std::string state = field(redis_field::state);
  if (state != "claimed" && state != "replied")
    return json_response(409, json_coded_error("mention " + uid + " is not claimed (state " + state + ")", "not_claimed"));
  if (field(redis_field::owner) != agent)
    return json_response(409, json_coded_error("mention " + uid + " is claimed by " + field(redis_field::owner), "conflict"));
  if (!reply.external) {
    Mention m;
    std::string why;
    if (!parse_mention(rec->mention_json, m, why))
      return json_response(400, json_coded_error("mention " + uid + " cannot be read: " + why, "cannot_reply"));
    const std::string source = field(redis_field::source);
    const std::shared_ptr<Connector> c = replies.connector_for ? replies.connector_for(source) : nullptr;
    if (!c)
      return json_response(400, json_coded_error(Connector::cannot_reply_message(m) + " (source \"" + source +
                                                     "\" is not configured here); record a reply made there with "
                                                     "\"external\": true",
                                                 "cannot_reply"));
    if (const auto problem = c->check_reply(m, reply.text)) {
      std::string message = problem->message;
      if (problem->rule == "cannot_reply") message += "; record a reply made there with \"external\": true";
      return json_response(400, json_coded_error(message, problem->rule));
    }
  }
  const std::string reply_id = QueueStore::new_reply_id();
  TimeMs submitted_at = 0;
  const OpResult result = store.submit_reply(uid, agent, reply.text, reply_id, reply.external, &submitted_at,
                                             same_text_form(reply.text));
  if (auto refused = op_refusal(uid, result)) return std::move(*refused);
  if (!reply.external && replies.submitted) replies.submitted();
  return json_response(reply.external ? 200 : 202, reply_accepted_json(uid, reply_id, reply.external, submitted_at));
}

ApiResponse ApiRoutes::Impl::mention(const std::string& uid) {
  const auto rec = store.get(uid, true);
  if (!rec) return error_response(404, "mention " + uid + " not found");
  const SlaClock clock = sla_clock(rec->state, now(), sla);
  // What the reply box needs: the limit of the mention's connector, counted its way, and whom
  // the reply goes to (null when its source cannot reply).
  MentionDesk desk;
  const auto handoffs = rec->state.find(redis_field::handoffs);
  if (handoffs != rec->state.end()) desk.handoffs = std::strtoll(handoffs->second.c_str(), nullptr, 10);
  const auto source = rec->state.find(redis_field::source);
  const std::shared_ptr<Connector> c =
      replies.connector_for && source != rec->state.end() ? replies.connector_for(source->second) : nullptr;
  Mention m;
  std::string why;
  if (c && parse_mention(rec->mention_json, m, why)) {
    const ReplyRules rules = c->reply_rules();
    if (rules.can_reply)
      desk.reply_rules = ReplyRulesView{c->reply_length_left(m),
                                        rules.length_unit.empty() ? "characters" : rules.length_unit,
                                        m.author.display_name.empty() ? m.author.handle : m.author.display_name};
  }
  return json_response(200, mention_json(uid, *rec, clock, desk));
}

// GET /v1/sla/at-risk?queue=&limit=: open mentions with a running SLA clock, by time left to the
// nearest breach (the response target while it runs, else resolution), most urgent first. The
// SLA watch keeps each queue's candidates in order ({P}:sla:due:<queue>); each is evaluated again
// here, so one answered since the watch last looked is left out.
ApiResponse ApiRoutes::Impl::at_risk(const Query& query) {
  std::string problem;
  int status = 400;
  const auto limit = read_limit(query, 50, 500, problem);
  if (!limit) return error_response(400, problem);
  std::vector<std::string> queues = store.queues();
  const auto queue = read_queue_filter(query, queues, status, problem);
  if (!queue) return error_response(status, problem);
  if (!queue->empty()) queues = {*queue};
  const TimeMs t = now();
  // A little more than asked per queue: members answered since the watch last looked drop out.
  const auto rows = sla_store.at_risk(queues, *limit + 50);
  std::vector<AtRiskItem> items;
  for (const auto& row : rows) {
    const SlaEvaluation e = evaluate_sla(row.state, t, sla);
    const SlaTargetClock* c = e.urgent();
    if (!c || c->deadline <= 0) continue;
    const auto field = [&](const char* name) {
      const auto it = row.state.find(name);
      return it == row.state.end() ? std::string() : it->second;
    };
    AtRiskItem item;
    item.uid = row.uid;
    item.queue = row.queue;
    item.priority = std::atoi(field(redis_field::priority).c_str());
    item.target = to_string(c->target);
    item.deadline = c->deadline;
    item.remaining_ms = c->deadline - t;
    item.state = field(redis_field::state);
    item.platform = field(redis_field::platform);
    Mention m;
    std::string why;
    if (parse_mention(field(redis_field::json), m, why)) {
      item.text = m.text;
      item.author = m.author.handle;
    }
    items.push_back(std::move(item));
  }
  std::stable_sort(items.begin(), items.end(), [](const AtRiskItem& a, const AtRiskItem& b) {
    return a.deadline != b.deadline ? a.deadline < b.deadline : a.uid < b.uid;
  });
  if (items.size() > *limit) items.resize(*limit);
  return json_response(200, at_risk_json(items));
}

ApiResponse ApiRoutes::Impl::readyz() {
  if (ready && !ready()) {
    return json_response(503, R"({"status":"unavailable","error":"not ready: sources are starting"})");
  }
  // A short bound: a probe must answer while Redis hangs (it says so, within about a second).
  constexpr std::chrono::milliseconds kReadyzRedisBound{1000};
  if (!store.ping(std::min(kReadyzRedisBound, store.options().command_timeout)))
    return json_response(503, R"({"status":"unavailable","error":"redis unavailable"})");
  return json_response(200, R"({"status":"ready"})");
}

ApiResponse ApiRoutes::Impl::metrics_text() {
  // Queue gauges are read from Redis on each scrape; while Redis is away they keep their last
  // values (and /readyz says why).
  try {
    const TimeMs t = now();
    for (const auto& d : store.depths()) {
      const std::array<std::string, 2> labels{d.queue, metric::priority_label(d.priority)};
      waiting.set(labels, static_cast<double>(d.waiting));
      claimed.set(labels, static_cast<double>(d.claimed));
      oldest.set(labels, age_seconds(t, d.oldest_queued_at));
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

void ApiRoutes::set_reply_desk(ReplyDesk desk) { impl_->replies = std::move(desk); }

void ApiRoutes::set_live_feed(LiveFeed* feed) { impl_->live_feed = feed; }

ApiResponse ApiRoutes::reject(std::string_view target, int status, const std::string& message) {
  const RouteMatch m = match_target(target);
  ApiResponse r = error_response(status, message);
  r.route = m.pattern;
  impl_->count(m.pattern, status);
  return r;
}

std::string ApiRequest::header(std::string_view lower_case_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_case_name) return value;
  return "";
}

ApiResponse ApiRoutes::handle(const ApiRequest& req) {
  ApiResponse r;
  bool answered = false;  // authentication or the rate limit already answered
  const std::string_view target = req.target;
  const size_t qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  const std::string_view query_text = qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1);
  RouteMatch m;
  try {
    std::vector<std::string> segments;
    const bool path_ok = split_path(path, segments);
    if (path_ok) m = match_route(segments, req.method);
    impl_->auth_failures.flush_due();
    Caller caller;
    const bool is_metrics = m.found && m.id == RouteId::metrics;
    const bool is_login = m.found && m.id == RouteId::session && req.method == "POST";  // needs no key
    if (is_metrics && impl_->config.api_metrics == MetricsAccess::off) {
      r = error_response(404, "/metrics is off (api.metrics is \"off\")");
      answered = true;
    } else if (is_metrics && impl_->config.api_metrics == MetricsAccess::open) {
      // Anyone may scrape, kPublicMetricsPerMinute a minute per client address.
      if (const auto d = impl_->metrics_limiter.allow(req.client_address.empty() ? "unknown" : req.client_address);
          !d.allowed) {
        r = error_response(429, "/metrics: over " + std::to_string(kPublicMetricsPerMinute) +
                                    " requests a minute from this address");
        add_retry_after(r, d);
        answered = true;
      }
    } else if (!is_login && (is_v1(path) || (is_metrics && impl_->config.api_metrics == MetricsAccess::key))) {
      // Authentication before routing: without a key, /v1 reveals nothing about its routes.
      std::optional<ApiResponse> refused;
      caller = impl_->authenticate(req, m, refused);
      if (refused) {
        r = std::move(*refused);
        answered = true;
      }
    }
    if (!answered) {
      if (!path_ok) {
        r = error_response(400, "path: malformed percent-encoding in \"" + to_valid_utf8(path) + "\"");
      } else if (!m.found) {
        r = error_response(404, "no route for " + to_valid_utf8(path));
      } else if (!allows_method(m, req.method)) {
        r = error_response(405, "method " + req.method + " not allowed on " + m.pattern + " (use " + m.method + ")");
        r.headers.emplace_back("Allow", m.method);
      } else {
        const Query query = read_query(query_text);
        if (!query.ok) r = error_response(400, "query: malformed percent-encoding");
        else if (auto bad = impl_->input_problem(segments, m, query)) r = std::move(*bad);
        else r = impl_->dispatch(req, m, caller, query);
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
