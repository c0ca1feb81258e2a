#include "daemon/api/stats_window.h"

#include "daemon/api/api_response.h"
#include "mention/common/duration.h"

namespace carewatch {

const std::string* query_param(const RouteContext& ctx, const char* name) {
  auto it = ctx.query.values.find(name);
  return it == ctx.query.values.end() ? nullptr : &it->second;
}

std::optional<ApiResponse> read_stats_window(const RouteContext& ctx, TimeMs default_until, TimeMs& since,
                                             TimeMs& until) {
  until = default_until;
  if (const std::string* u = query_param(ctx, "until")) {
    if (!parse_iso8601(*u, until))
      return error_response(400, "until: expected an ISO 8601 UTC time like \"2026-11-22T10:00:00Z\", got \"" + *u + "\"");
  }
  since = 0;
  const std::string* s = query_param(ctx, "since");
  const std::string* w = query_param(ctx, "window");
  if (s && w) return error_response(400, "window: give since or window, not both");
  if (s) {
    if (!parse_iso8601(*s, since))
      return error_response(400, "since: expected an ISO 8601 UTC time like \"2026-11-22T10:00:00Z\", got \"" + *s + "\"");
  } else {
    const std::string window_text = w ? *w : "1h";
    const auto window = parse_duration(window_text);
    if (!window || window->count() <= 0)
      return error_response(400, "window: expected a positive duration like \"1h\", got \"" + window_text + "\"");
    since = until - window->count();
  }
  if (since >= until) return error_response(400, "since: must be before until");
  return std::nullopt;
}

}  // namespace carewatch
