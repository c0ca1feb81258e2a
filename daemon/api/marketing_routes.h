// The marketing screen's routes: answered from the volume aggregates lua/enqueue.lua keeps
// (daemon/store/volume_store.h), never from the mentions themselves. Every role may read them.
//   GET /v1/stats/volume?since=&until=&window=&step=1h&by=platform
//        [&platform=&category=&sentiment=&language=&tag=]
//        200 {"since", "until", "step_s", "by", "series": [{"key", "total", "points":
//        [[t_ms, count], ...]}], "spikes": [{"at", "until", "key", "kind": "spike", "platform"?,
//        "category"?, "tag"?, "count", "expected", "ended"?}]}: mentions per point of `step` in event time (the
//        mention's posted_at), one series per value of `by` (platform, category, sentiment,
//        language or tag; most mentions first). The window is read as /v1/stats reads it
//        (stats_window.h; until defaults to now), then rounded to whole hours (to whole days
//        where it reaches back beyond 61 days, where the hours are gone); points are multiples
//        of the step since the epoch (UTC), the first at or before since. step: a whole number
//        of hours ("1h", "6h", "1d"), of days for a window beyond 61 days, at most 5000 points.
//        Every filter combination is answered (volume_series.h); by=tag counts a mention once
//        under each of its tags. spikes: those the spike detector raised whose window
//        started in the answered window (daemon/store/spike_store.h, its log), taken by the
//        filters as volume_spike_taken says; any `by`.
//   GET /v1/stats/top?since=&until=&window=&limit=20[&platform=]
//        200 {"since", "until", "lists_since", "lists_until", "total", "complaints",
//        "complaint_share", "words": [{"word", "count"}], "hashtags": [{"tag", "count"}],
//        "authors": [{"platform", "handle", "display_name", "followers", "mentions"}]}: total
//        and complaints over the window (rounded as above; complaint_share null when total is
//        0); the lists over the whole UTC days the window touches (lists_since, lists_until),
//        words and hashtags by mentions, authors by their most followers, then mentions.
//        limit 1..100. The lists are kept per day and platform only: category, sentiment,
//        language and tag are 400.
// Bad input is 400 naming the parameter.
#pragma once

#include "daemon/api/api_routes.h"
#include "daemon/api/route_context.h"

namespace carewatch {

ApiResponse volume_route(const RouteContext& ctx);
ApiResponse top_route(const RouteContext& ctx);

}  // namespace carewatch
