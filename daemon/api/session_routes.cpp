#include "daemon/api/session_routes.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "daemon/api/api_key.h"
#include "daemon/api/api_response.h"
#include "daemon/api/cookie.h"
#include "daemon/api/session_auth.h"
#include "daemon/api/session_token.h"
#include "daemon/telemetry/log.h"

namespace carewatch {

namespace {

// {"agent", "role", "csrf", "idle_timeout_s"}
std::string session_json(const std::string& agent, AgentRole role, const std::string& csrf,
                         std::chrono::milliseconds idle) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("agent");
  w.String(agent.c_str(), static_cast<rapidjson::SizeType>(agent.size()));
  w.Key("role");
  w.String(to_string(role));
  w.Key("csrf");
  w.String(csrf.c_str(), static_cast<rapidjson::SizeType>(csrf.size()));
  w.Key("idle_timeout_s");
  if (idle.count() % 1000 == 0) w.Int64(idle.count() / 1000);
  else w.Double(static_cast<double>(idle.count()) / 1000.0);
  w.EndObject();
  return b.GetString();
}

// Session answers carry secrets (the csrf token): never cached.
ApiResponse no_store(ApiResponse r) {
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

const AgentConfig* agent_by_id(const Config& config, const std::string& id) {
  for (const auto& a : config.agents)
    if (a.id == id) return &a;
  return nullptr;
}

}  // namespace

std::string session_token_hash(const std::string& token) { return sha256_hex(token); }

ApiResponse session_route(const RouteContext& ctx, SessionDesk& desk) {
  const std::string& method = ctx.request.method;
  if (method == "POST") return login(ctx, desk);
  if (method == "DELETE") return logout(ctx, desk);
  return show_session(ctx, desk);
}

ApiResponse login(const RouteContext& ctx, SessionDesk& desk) {
  rapidjson::Document body;
  body.Parse(ctx.request.body.c_str(), ctx.request.body.size());
  if (body.HasParseError() || !body.IsObject())
    return error_response(400, "body: expected a JSON object {\"key\": \"<api key>\"}");
  const auto key = body.FindMember("key");
  if (key == body.MemberEnd() || !key->value.IsString())
    return error_response(400, "key: expected a string (the agent's API key)");
  const std::string presented(key->value.GetString(), key->value.GetStringLength());
  const AgentConfig* agent = find_agent_by_key(ctx.config.agents, presented);
  if (!agent) return authentication_failed(desk.auth_failures, ctx.request.client_address, "invalid API key");
  if (const auto d = desk.limiter.allow(agent->id); !d.allowed) {
    ApiResponse r = error_response(429, "rate limit of " + std::to_string(ctx.config.api_rate_limit_per_minute) +
                                            " requests a minute exceeded for agent " + agent->id);
    add_retry_after(r, d);
    return r;
  }
  const std::string token = new_session_secret();
  const std::string csrf = new_session_secret();
  desk.sessions.open(session_token_hash(token), agent->id, csrf);
  log::info("api: session opened", {{"agent", agent->id}, {"address", ctx.request.client_address}});
  ApiResponse r = no_store(json_response(201, session_json(agent->id, agent->role, csrf, desk.sessions.idle())));
  r.headers.emplace_back("Set-Cookie", session_cookie(token, ctx.config.api_secure_cookies));
  return r;
}

ApiResponse show_session(const RouteContext& ctx, SessionDesk& desk) {
  const std::string& csrf = ctx.caller.csrf;  // read by the authentication, "" for a bearer key
  const AgentConfig* agent = agent_by_id(ctx.config, ctx.caller.agent);
  const AgentRole role = agent ? agent->role : ctx.caller.role;
  return no_store(json_response(200, session_json(ctx.caller.agent, role, csrf, desk.sessions.idle())));
}

ApiResponse logout(const RouteContext& ctx, SessionDesk& desk) {
  if (ctx.caller.via_session) {
    const auto token = request_cookie(ctx.request.headers, kSessionCookie);
    if (token && !token->empty() && desk.sessions.end(session_token_hash(*token)))
      log::info("api: session ended", {{"agent", ctx.caller.agent}, {"address", ctx.request.client_address}});
  }
  ApiResponse r;
  r.status = 204;
  r.headers.emplace_back("Set-Cookie", cleared_session_cookie(ctx.config.api_secure_cookies));
  return r;
}

}  // namespace carewatch
