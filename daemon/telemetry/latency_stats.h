// The latency clock, as figures: pure functions over the events stream (no I/O).
//
// Each event of {P}:events carries the duration it closes, in ms (see daemon/store/lua/*.lua;
// the fields are declared in daemon/store/redis_fields.def):
//   queued   detect_ms   = seen_at - posted_at          (detection delay: what polling costs)
//   claimed  wait_ms     = first claimed_at - queued_at (queue wait; only the first claim)
//   replied, reply_sent
//            frt_ms      = first_reply_at - posted_at   (first response time: the reply that became
//                                                        the first response, sent by an agent's reply,
//                                                        natively by the brand or recorded as external)
//   resolved resolve_ms  = resolved_at - posted_at      (resolution time)
// and the fields queue, platform, priority and actor (the agent for claimed/replied/resolved).
// first_reply_at only moves earlier: a brand reply that arrives after a later one replaced it as
// the first response emits a second frt_ms (with frt_was_ms, the one it replaced). A mention
// therefore counts once in the first response figures: with its earliest frt_ms among all the
// events given (not only those of the window), under that event's group, and only when that
// event is in the window. So the figures of two adjacent windows add up, and aggregates kept as
// events happen (daemon/store/stats_store.h) can move the sample when a correction comes.
//
// Exactness rule: every reported duration (percentiles and max) is its sample truncated to two
// significant digits of milliseconds (latency_bucket: 1234567 ms -> 1200000 ms = 1200 s; below
// 100 ms exact; negative durations, clock skew, count as 0). The same buckets are what the
// aggregates keep, so figures answered from them equal these, to the millisecond.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/queue_store.h"

namespace carewatch {

enum class Measure { detection, queue_wait, first_response, resolution };
const char* to_string(Measure m);                 // "detection_delay", "queue_wait", "first_response", "resolution"
const char* event_field(Measure m);               // "detect_ms", "wait_ms", "frt_ms", "resolve_ms"

enum class GroupBy { none, queue, platform, priority, agent };
std::optional<GroupBy> group_by_from_string(std::string_view s);  // "" or "none", "queue", "platform", "priority", "agent"
const char* to_string(GroupBy g);                 // "none", "queue", "platform", "priority", "agent"

// Count and percentiles of one measure, in seconds (nearest-rank percentiles on the exact
// samples, ms resolution). count == 0 leaves the rest at 0.
struct Summary {
  size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

// Nearest-rank percentile (q in (0, 1]) of `samples_ms`, in seconds; sorts `samples_ms`.
Summary summarize(std::vector<long long>& samples_ms);

// The histogram bucket of a duration: `ms` truncated to two significant digits (0..99 as they
// are, 100..999 to tens, 1000..9999 to hundreds, ...); negative -> 0. Monotone, so the bucket of
// the nearest-rank sample is the nearest-rank bucket. daemon/store/lua/common.lua (fig_bucket)
// computes the same.
long long latency_bucket(long long ms);

// Histogram: bucket (latency_bucket) -> samples in it.
using LatencyHistogram = std::map<long long, long long>;

// summarize over the buckets of the samples: count, nearest-rank percentiles and max of the
// bucketed samples, in seconds. Equal to summarize_histogram of their histogram.
Summary summarize_bucketed(const std::vector<long long>& samples_ms);
Summary summarize_histogram(const LatencyHistogram& h);

// What an agent did in the window (by=agent only): events claimed, replied, resolved, handed_off.
struct ActionCounts {
  long long claims = 0, replies = 0, resolutions = 0, handoffs = 0;
  bool empty() const { return claims == 0 && replies == 0 && resolutions == 0 && handoffs == 0; }
};
// The counter an event type feeds, or nullptr ("claimed" -> claims, "replied" -> replies,
// "resolved" -> resolutions, "handed_off" -> handoffs).
long long* action_counter(ActionCounts& c, std::string_view event_type);

struct GroupStats {
  std::string group;                               // the queue / platform / "p1" / actor; "all" for none
  std::string kind;                                // GroupBy::agent only: "agent", "brand" or "source"
  Summary detection, queue_wait, first_response, resolution;
  ActionCounts counts;                             // GroupBy::agent only
  const Summary& get(Measure m) const;
};

// What acted in an event, for GroupBy::agent: "source" for the events a source's ingest writes
// (ingested, queued: detection delay has no agent), "brand" for a native reply by one of the
// brand's handles (field native "1", actor "brand:<handle>"), "agent" for what an agent did
// through the API.
const char* actor_kind(const Event& e);

// A filter of the agent figures (GroupBy::agent) by where the work was: the event's queue,
// platform and priority group as group_of names them ("unknown" when the event has none,
// priority "p<n>"). An empty filter takes every event. A filter that is set takes only the
// events of an agent or the brand (a source's detection delay is not an agent's work; its
// figures are per platform and queue already) whose every set field matches.
struct FigureFilter {
  std::optional<std::string> queue, platform, priority;
  bool any() const { return queue || platform || priority; }
  // Whether the filter takes an event with these groups and this actor kind (actor_kind).
  bool takes(std::string_view queue_group, std::string_view platform_group, std::string_view priority_group,
             std::string_view kind) const;
};

// One sample per event that carries the measure's field (first response: one per mention uid,
// its earliest over all `events`, counted when its event is in the window), grouped; events
// outside [since, until] (by `at`) are ignored. Pass the events from `since` on (later ones
// may correct a first response of the window). With GroupBy::agent the events claimed, replied,
// resolved and handed_off of the window are also counted per actor (a group with only counts
// exists too). With GroupBy::agent the group is the event's actor and `kind` its
// actor_kind, so a source (detection delay) or the brand's own replies never pass for an agent;
// groups are sorted by kind (agent, brand, source), then name. Otherwise groups are sorted by
// name and `kind` is empty. An event without the grouping value (e.g. an unrouted mention's
// queue) counts under "unknown". GroupBy::none always gives the one group "all", even with no
// samples; other groupings give no group without samples.
// `filter` (by=agent only; ignored for the other groupings) keeps the events it takes; a
// mention's first response is still its earliest over all events, counted when that event is
// taken.
std::vector<GroupStats> latency_stats(const std::vector<Event>& events, GroupBy by, TimeMs since,
                                      TimeMs until, const FigureFilter& filter = {});

// The same computation fed one event at a time, in stream order (for histories too large to hold
// as Events: carewatch bench stats reads them page by page). latency_stats uses it.
class LatencyAccumulator {
 public:
  LatencyAccumulator(GroupBy by, TimeMs since, TimeMs until, FigureFilter filter = {});
  void add(const Event& e);
  std::vector<GroupStats> result() const;

 private:
  using Key = std::pair<std::string, std::string>;  // (kind, group)
  struct Acc {
    std::array<std::vector<long long>, 4> samples;
    ActionCounts counts;
  };
  struct Earliest {
    long long ms;
    bool counts;  // in the window and taken by the filter
    Key key;
  };
  GroupBy by_;
  FigureFilter filter_;
  TimeMs since_, until_;
  std::map<Key, Acc> groups_;
  std::map<std::string, Earliest> earliest_;  // first response per mention uid
};

// The same as JSON for GET /v1/stats:
//   {"window_s": 3600, "since": "...Z", "until": "...Z", "by": "queue",
//    "groups": [{"group": "care", "detection_delay": {"count", "p50_s", "p90_s", "p99_s", "max_s"},
//                "queue_wait": {...}, "first_response": {...}, "resolution": {...}}, ...]}
// With by=agent each group also has "kind": "agent" | "brand" | "source" (after "group") and
// "counts": {"claims", "replies", "resolutions", "handoffs"} (last).
std::string latency_stats_json(const std::vector<GroupStats>& groups, GroupBy by, TimeMs since,
                               TimeMs until);

}  // namespace carewatch
