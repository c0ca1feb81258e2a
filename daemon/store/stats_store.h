// The figures behind GET /v1/stats: aggregates of {P}:events that the queue store scripts keep
// as they write each event (lua/common.lua fig_count, in the same script call, so an event and
// its counts are one atomic step: nothing counted twice or lost, whatever daemons run).
//
// Layout (P the key prefix in its hash tag, "{cw}"):
//   {P}:fig:<level>:<start ms>:<dim>   hash  level m (minute), h (hour) or d (day); start the
//                                            bucket's start (a multiple of its length, UTC);
//                                            dim all, q (queue), pl (platform), pr (priority)
//                                            or ag (actor).
//       <m>|<bucket>|<group>  samples of a measure (m: d detect_ms, w wait_ms, f frt_ms,
//                             r resolve_ms) in a histogram bucket (latency_bucket in
//                             daemon/telemetry/latency_stats.h: the duration truncated to two
//                             significant digits), for a group: "all"; the queue, platform or
//                             "p<priority>" ("unknown" when the event has none); for ag
//                             "<kind>:<actor>" (kind s a source, b the brand, a an agent)
//       #<event type>|<group> ag only: events claimed, replied, resolved, handed_off
//     A key expires at its start + its level's retention: minutes 8 days, hours 62 days,
//     days 800 days.
//   {P}:fig:frt:<uid>    string  where the mention's first response was counted, so an earlier
//                                one (a late brand reply) moves it: "<at>|<ms>|<queue>|<platform>|
//                                <priority>|<agent group>"; expires after 62 days
// A window [since, until) is read as whole days, hours and minutes: at most 59 + 23 + days + 23
// + 59 hashes of one dimension.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "daemon/store/redis_pool.h"

namespace carewatch {

class StatsStore {
 public:
  static constexpr std::int64_t kMinute = 60'000, kHour = 3'600'000, kDay = 86'400'000;
  // How long each level is kept (lua/common.lua FIG_LEVELS).
  static constexpr std::int64_t kMinuteRetention = 8 * kDay, kHourRetention = 62 * kDay, kDayRetention = 800 * kDay;

  struct Block {
    char level;          // 'm', 'h' or 'd'
    std::int64_t start;  // ms
  };

  // The window that can be answered for [since, until) at `now`: since rounded down and until up
  // to a whole minute; to an hour when that end is more than 7 days before now (minutes are gone),
  // to a day when more than 61 days.
  static std::pair<std::int64_t, std::int64_t> align(std::int64_t since, std::int64_t until, std::int64_t now);
  // The fewest blocks covering [since, until) (aligned to minutes), in time order.
  static std::vector<Block> blocks(std::int64_t since, std::int64_t until);

  // One group's figures in a window: histograms of the four measures (index 0 detect_ms,
  // 1 wait_ms, 2 frt_ms, 3 resolve_ms; bucket -> samples) and, for the agent dimension, the
  // counted event types (type -> events).
  struct Cells {
    std::array<std::map<long long, long long>, 4> histograms;
    std::map<std::string, long long> counts;
  };

  explicit StatsStore(RedisPool& pool, const std::string& prefix);

  // The figures of dimension `dim` ("all", "q", "pl", "pr", "ag") over
  // [since, until) (aligned to minutes), per group, in one pipelined round trip.
  std::map<std::string, Cells> read(const std::string& dim, std::int64_t since, std::int64_t until);

  // Appends events that already happened (each a flat field list with its own "at", in time
  // order) to {P}:events and counts them (lua/events_record.lua), `chunk` events per call,
  // pipelined. For tools that build a history and for tests.
  void record(const std::vector<std::vector<std::string>>& events, size_t chunk = 200);

  std::string key(const Block& b, const std::string& dim) const;

 private:
  RedisPool& pool_;
  std::string kp_;
  RedisScript record_;
};

}  // namespace carewatch
