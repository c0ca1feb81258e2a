#include "daemon/api/marketing_routes.h"

#include <chrono>
#include <string>
#include <vector>

#include "daemon/api/api_input.h"
#include "daemon/api/api_response.h"
#include "daemon/api/stats_window.h"
#include "daemon/store/spike_store.h"
#include "daemon/store/volume_store.h"
#include "daemon/telemetry/volume_series.h"
#include "mention/common/duration.h"

namespace carewatch {

namespace {

constexpr size_t kMaxPoints = 5000;
constexpr const char* kFilters[] = {"platform", "category", "sentiment", "language", "tag"};

// A filter as the figures write it; an empty value is no filter.
std::optional<std::string> filter_param(const RouteContext& ctx, const char* name) {
  const std::string* v = query_param(ctx, name);
  if (!v || v->empty()) return std::nullopt;
  return VolumeStore::field_part(*v);
}

}  // namespace

ApiResponse volume_route(const RouteContext& ctx) {
  std::string by_text = "platform";
  if (const std::string* b = query_param(ctx, "by")) by_text = *b;
  const auto by = volume_by_from_string(by_text);
  if (!by)
    return error_response(400, "by: expected one of platform, category, sentiment, language, tag, got \"" +
                                   by_text + "\"");
  std::string step_text = "1h";
  if (const std::string* s = query_param(ctx, "step")) step_text = *s;
  const auto step_ms = parse_duration(step_text);
  if (!step_ms || step_ms->count() <= 0 || step_ms->count() % VolumeStore::kHour != 0)
    return error_response(400, "step: expected a whole number of hours like \"1h\" or \"1d\" (the figures are "
                               "kept per hour), got \"" + step_text + "\"");
  const TimeMs step = step_ms->count();
  const TimeMs now = ctx.now();
  TimeMs since = 0, until = 0;
  if (auto bad = read_stats_window(ctx, now, since, until)) return *bad;
  const auto [from, to] = volume_window(since, until, now);
  if (from < now - VolumeStore::kHoursReliable && step % VolumeStore::kDay != 0)
    return error_response(400, "step: hours are kept 62 days; a window starting before " +
                                   format_iso8601(now - VolumeStore::kHoursReliable) +
                                   " needs a step of whole days like \"1d\", got \"" + step_text + "\"");
  VolumeFilter filter;
  filter.platform = filter_param(ctx, "platform");
  filter.category = filter_param(ctx, "category");
  filter.sentiment = filter_param(ctx, "sentiment");
  filter.language = filter_param(ctx, "language");
  filter.tag = filter_param(ctx, "tag");
  // The spikes of the window the chart marks (SpikeStore's log, kept as the detector raises them).
  std::vector<SpikeStore::Mark> spikes = SpikeStore(ctx.store.pool(), ctx.store.options().prefix,
                                                    std::chrono::hours(24)).marks(from, to);
  std::erase_if(spikes, [&](const SpikeStore::Mark& m) { return !volume_spike_taken(m, filter); });
  VolumeSeriesBuilder series(*by, std::move(filter), from, to, step);
  if (series.points() > kMaxPoints)
    return error_response(400, "step: \"" + step_text + "\" gives " + std::to_string(series.points()) +
                                   " points; at most " + std::to_string(kMaxPoints) + ": use a larger step");
  VolumeStore store(ctx.store.pool(), ctx.store.options().prefix);
  store.read_cube(volume_blocks(from, to, step % VolumeStore::kDay == 0), series.tagged(),
                  [&](const VolumeStore::Block& b, std::string_view field, long long n) { series.add(b.start, field, n); });
  return json_response(200, volume_json(series.series(), *by, from, to, step, spikes));
}

ApiResponse top_route(const RouteContext& ctx) {
  std::string problem;
  const auto limit_read = read_limit(ctx.query, 20, 100, problem);
  if (!limit_read) return error_response(400, problem);
  const size_t limit = *limit_read;
  for (const char* name : kFilters) {
    if (std::string_view(name) == "platform") continue;
    if (filter_param(ctx, name))
      return error_response(400, std::string(name) + ": the top lists are kept per day and platform only; "
                                 "they can be filtered by platform, not by " + name);
  }
  const TimeMs now = ctx.now();
  TimeMs since = 0, until = 0;
  if (auto bad = read_stats_window(ctx, now, since, until)) return *bad;
  TopFigures top;
  std::tie(top.since, top.until) = volume_window(since, until, now);
  const auto platform = filter_param(ctx, "platform");
  VolumeFilter filter;
  filter.platform = platform;
  VolumeStore store(ctx.store.pool(), ctx.store.options().prefix);
  store.read_cube(volume_blocks(top.since, top.until, true), false,
                  [&](const VolumeStore::Block&, std::string_view field, long long n) {
                    VolumeCell c;
                    if (!parse_volume_field(field, false, c) || !filter.matches(c)) return;
                    top.total += n;
                    if (c.category == "complaint") top.complaints += n;
                  });
  const std::vector<TimeMs> days = volume_days(top.since, top.until);
  top.lists_since = days.front();
  top.lists_until = days.back() + VolumeStore::kDay;
  top.lists = store.top(days, platform ? std::vector<std::string>{*platform} : store.platforms(days), limit);
  return json_response(200, top_json(top));
}

}  // namespace carewatch
