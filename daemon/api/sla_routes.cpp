#include "daemon/api/sla_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <string>
#include <vector>

#include "daemon/api/api_input.h"
#include "daemon/api/api_response.h"
#include "daemon/store/sla_store.h"
#include "mention/mention_json.h"
#include "mention/utf8.h"

namespace carewatch {
namespace {

constexpr size_t kDefaultLimit = 50, kMaxLimit = 500;
constexpr TimeMs kDefaultSinceMs = 24LL * 3600 * 1000;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
void put(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

std::string breaches_json(const std::vector<SlaBreach>& breaches) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const auto& b : breaches) {
    Mention m;
    std::string why;
    const bool parsed = !b.mention_json.empty() && parse_mention(b.mention_json, m, why);
    w.StartObject();
    w.Key("uid");
    put(w, b.uid);
    w.Key("queue");
    put(w, b.queue);
    w.Key("priority");
    w.Int(b.priority);
    w.Key("target");
    put(w, b.target);
    w.Key("at");
    put(w, format_iso8601(b.at));
    w.Key("target_ms");
    w.Int64(b.target_ms);
    w.Key("elapsed_ms");
    w.Int64(b.elapsed_ms);
    w.Key("platform");
    put(w, b.platform);
    w.Key("text");
    put(w, parsed ? m.text : "");
    w.Key("author");
    put(w, parsed ? m.author.handle : "");
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace

ApiResponse sla_breaches_route(const RouteContext& ctx) {
  const auto& q = ctx.query.values;
  std::string problem;
  int status = 400;
  const auto limit = read_limit(ctx.query, kDefaultLimit, kMaxLimit, problem);
  if (!limit) return error_response(400, problem);
  TimeMs since = ctx.now() - kDefaultSinceMs;
  if (auto it = q.find("since"); it != q.end() && !parse_iso8601(it->second, since))
    return error_response(400, "since: expected an ISO 8601 UTC time like \"2026-11-22T10:00:00Z\", got \"" +
                                   to_valid_utf8(it->second) + "\"");
  // The queues are read only when one is named.
  const auto queue = q.count("queue") ? read_queue_filter(ctx.query, ctx.store.queues(), status, problem)
                                      : std::optional<std::string>(std::string());
  if (!queue) return error_response(status, problem);
  SlaStore sla(ctx.store.pool(), ctx.store.options().prefix);
  return json_response(200, breaches_json(sla.breaches(*queue, since, *limit)));
}

}  // namespace carewatch
