// The figures behind GET /v1/stats: aggregates of {P}:events that the queue store scripts keep
// as they write each event (lua/common.lua fig_count, in the same script call, so an event and
// its counts are one atomic step: nothing counted twice or lost, whatever daemons run).
//
// Layout (P the key prefix in its hash tag, "{cw}"; the levels, their block lengths and
// retentions are declared once in daemon/store/figure_levels.def):
//   {P}:fig:<level>:<start ms>:<dim>   hash  level m (minute), h (hour) or d (day); start the
//                                            block's start (a multiple of its length, UTC);
//                                            dim q (queue), pl (platform), pr (priority), ag
//                                            (actor) or ax (actor by queue, platform and
//                                            priority: agents and the brand only). "all" is not
//                                            kept: it is the sum of the pr groups (every sample
//                                            has one priority group).
//       <m>|<bucket>|<group>  samples of a measure (m: d detect_ms, w wait_ms, f frt_ms,
//                             r resolve_ms) in a histogram bucket (latency_bucket in
//                             daemon/telemetry/latency_stats.h: the duration truncated to two
//                             significant digits), for a group: the queue, platform or
//                             "p<priority>" ("unknown" when the event has none); for ag
//                             "<kind>:<actor>" (kind s a source, b the brand, a an agent);
//                             for ax "<queue>\x1f<platform>\x1f<priority>\x1f<kind>:<actor>"
//                             (kind b or a; \x1f the unit separator)
//       #<event type>|<group> ag and ax only: events claimed, replied, resolved, handed_off
//     A key expires at its start + its level's retention: minutes 8 days, hours 62 days,
//     days 800 days. The script sets it when a write creates a field (so a new key always
//     gets it), not on every write.
//   {P}:fig:<level>:<start ms>:<dim>:s   string  the block's sealed copy: the same figures
//                                            packed (see below), written by read() for a block
//                                            that has ended (by Redis's clock, kSealAfter ago),
//                                            under WATCH of the hash, so it is made only from
//                                            the hash as it stands; a script that writes into
//                                            an ended block deletes its copy in the same call.
//                                            Expires with the hash.
//   {P}:fig:frt:<uid>    string  where the mention's first response was counted, so an earlier
//                                one (a late brand reply) moves it: "<at>|<ms>|<queue>|<platform>|
//                                <priority>|<agent group>"; expires after 62 days
// A window [since, until) is read as whole days, hours and minutes: at most 59 + 23 + days + 23
// + 59 blocks of one dimension, each its sealed copy when it has one (one GET of a few KB
// instead of an HGETALL of up to tens of thousands of fields), else its hash.
//
// Sealed copy format: a version byte (1), then per group: the group name (length, bytes), its
// counted event types (how many, then per type: length, bytes, events), then per measure (d, w,
// f, r): how many buckets, then per bucket (in increasing order) the step from the previous
// bucket's index (from 0) and its samples. Every number is an unsigned LEB128 varint. A bucket's
// index numbers the buckets densely: 0..99 are the durations 0..99 ms, then 90 per decade (100
// is 100 ms, 189 is 990 ms, 190 is 1000 ms, ...).
#pragma once

#include <array>
#include <iterator>
#include <cstdint>
#include <functional>
#include <string_view>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "daemon/store/redis_pool.h"

namespace carewatch {

class StatsStore {
 public:
  static constexpr std::int64_t kMinute = 60'000, kHour = 3'600'000, kDay = 86'400'000;
  // The levels, finest first (figure_levels.def; the Lua prelude's FIG_LEVELS is the same).
  struct Level {
    char letter;
    std::int64_t length;     // ms
    std::int64_t retention;  // ms after a block's start
  };
  static constexpr Level kLevels[] = {
#define CW_FIGURE_LEVEL(letter, length_ms, retention_days) {#letter[0], length_ms, retention_days * kDay},
#define CW_FIGURE_FRT_DAYS(days)
#include "daemon/store/figure_levels.def"
#undef CW_FIGURE_LEVEL
#undef CW_FIGURE_FRT_DAYS
  };
  static constexpr std::int64_t kFirstResponseMemory =
#define CW_FIGURE_LEVEL(letter, length_ms, retention_days)
#define CW_FIGURE_FRT_DAYS(days) days * kDay
#include "daemon/store/figure_levels.def"
#undef CW_FIGURE_LEVEL
#undef CW_FIGURE_FRT_DAYS
      ;
  static_assert(std::size(kLevels) == 3 && kLevels[0].letter == 'm' && kLevels[0].length == kMinute &&
                    kLevels[1].letter == 'h' && kLevels[1].length == kHour && kLevels[2].letter == 'd' &&
                    kLevels[2].length == kDay,
                "figure_levels.def: the reader expects the levels m (minute), h (hour), d (day)");
  // How long each level is kept.
  static constexpr std::int64_t kMinuteRetention = kLevels[0].retention, kHourRetention = kLevels[1].retention,
                                kDayRetention = kLevels[2].retention;
  // A block is sealed (given its packed copy) once it ended this long ago by Redis's clock: the
  // margin covers Redis's clock stepping back.
  static constexpr std::int64_t kSealAfter = 60'000;

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

  // The figures of dimension `dim` ("all", "q", "pl", "pr", "ag", "ax"; "all" read from "pr" as the
  // one group "all") over [since, until) (aligned to minutes), per group: one pipelined round
  // trip reading the sealed copies, a second one for the blocks that have none (their hashes,
  // and the sealing of those that have ended). Throws std::invalid_argument for another `dim`.
  // `map`, when given, decides per stored group whether it is read and under which group it is
  // summed: true with `into` set (it starts as the stored name) reads it under `into`, which must
  // stay valid for the call (a view into `group` or static text); false leaves it out. Cheaper
  // than reading everything and merging after: a crossed dimension's groups are summed as they
  // are unpacked.
  using GroupMap = std::function<bool(std::string_view group, std::string_view& into)>;
  std::map<std::string, Cells> read(const std::string& dim, std::int64_t since, std::int64_t until,
                                    const GroupMap& map = {});

  // Appends events that already happened (each a flat field list with its own "at", in time
  // order) to {P}:events and counts them (lua/events_record.lua), `chunk` events per call,
  // pipelined. For tools that build a history and for tests.
  void record(const std::vector<std::vector<std::string>>& events, size_t chunk = 200);

  std::string key(const Block& b, const std::string& dim) const;

  // A bucket's dense index (see the sealed copy format), or -1 when `bucket` is not a bucket
  // (not a duration truncated to two significant digits); and back.
  static long long bucket_index(long long bucket);
  static long long bucket_at(long long index);

 private:
  RedisPool& pool_;
  std::string kp_;
  RedisScript record_;
};

}  // namespace carewatch
