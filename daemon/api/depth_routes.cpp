#include "daemon/api/depth_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "daemon/api/api_response.h"
#include "daemon/api/stats_window.h"
#include "daemon/store/stats_store.h"
#include "daemon/store/depth_store.h"
#include "mention/common/duration.h"
#include "mention/common/time.h"

namespace carewatch {
namespace {

constexpr const char* kSteps = "1m, 5m, 15m, 1h or 1d";

}  // namespace

ApiResponse depth_route(const RouteContext& ctx) {
  const TimeMs now = ctx.now();
  TimeMs since = 0, until = 0;
  // until defaults to "now": the current minute in full
  if (auto bad = read_stats_window(ctx, StatsStore::align(now, now, now).second, since, until)) return *bad;
  std::string step_text = "5m";
  if (auto it = ctx.query.values.find("step"); it != ctx.query.values.end()) step_text = it->second;
  const auto step = parse_duration(step_text);
  const auto plan = step ? DepthStore::plan(step->count(), since, until, now) : std::nullopt;
  if (!plan) return error_response(400, "step: expected " + std::string(kSteps) + ", got \"" + step_text + "\"");
  if (plan->points > DepthStore::kMaxPoints)
    return error_response(400, "step: the window holds " + std::to_string(plan->points) + " steps of " + step_text +
                                   ", more than " + std::to_string(DepthStore::kMaxPoints) +
                                   ": choose a larger step or a shorter window");
  std::string queue;
  if (auto it = ctx.query.values.find("queue"); it != ctx.query.values.end()) queue = it->second;

  DepthStore depths(ctx.store.pool(), ctx.store.options().prefix);
  const auto series = depths.read(*plan->level, plan->since, plan->until, queue);

  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("since");
  w.String(format_iso8601(plan->since).c_str());
  w.Key("until");
  w.String(format_iso8601(plan->until).c_str());
  w.Key("step_s");
  w.Int64(plan->level->step / 1000);
  w.Key("series");
  w.StartArray();
  for (const auto& [name, samples] : series) {
    w.StartObject();
    w.Key("queue");
    w.String(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.Key("points");
    w.StartArray();
    for (const DepthSample& s : samples) {
      w.StartArray();
      w.Int64(s.t);
      w.Int64(s.waiting);
      w.Int64(s.claimed);
      w.EndArray();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json_response(200, b.GetString());
}

}  // namespace carewatch
