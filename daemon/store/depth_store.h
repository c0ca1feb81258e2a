// Queue depth over time: one sample of every queue per minute, taken by whichever daemon comes
// first (daemon/pipeline/depth_sampler.h), kept at five resolutions so that any chart reads a
// bounded number of hashes (GET /v1/stats/depth, daemon/api/depth_routes.h).
//
// Layout (P the key prefix in its hash tag, "{cw}"):
//   {P}:depth:<level>:<span start ms>   hash  level m (1 minute), f (5 minutes), q (15 minutes),
//                                             h (hour) or d (day): kLevels; span start a multiple
//                                             of the level's span (UTC)
//       <t>|<queue>   "<waiting>|<claimed>" of the queue (summed over its priorities) in the step
//                     starting at <t> ms: at level m the sample of that minute; at the coarser
//                     levels the highest waiting and the highest claimed of its minutes' samples
//                     (each its own maximum: the two may come from different minutes)
//       <t>           level m only: the minute is sampled (the number of queues in its sample);
//                     written with HSETNX, so the first daemon's sample of a minute is the one kept
//     A key expires at its span's end + the level's retention.
// Every call throws RedisUnavailable when Redis is away.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/redis_pool.h"

namespace carewatch {

// One queue's depth: summed over its priorities.
struct DepthSample {
  std::int64_t t = 0;  // ms: the minute (or the step) it stands for
  std::int64_t waiting = 0;
  std::int64_t claimed = 0;
  bool operator==(const DepthSample&) const = default;
};

class DepthStore {
 public:
  static constexpr std::int64_t kMinute = 60'000, kHour = 3'600'000, kDay = 86'400'000;

  struct Level {
    char name;           // in the key
    std::int64_t step;   // ms one field stands for
    std::int64_t span;   // ms one hash covers (a multiple of step)
    std::int64_t keep;   // ms kept after its span ends
  };
  // One level per step the API offers; a hash holds at most 360 steps per queue, so a window of
  // at most kMaxPoints steps reads at most 8 hashes.
  static constexpr std::array<Level, 5> kLevels{{
      {'m', kMinute, 6 * kHour, 8 * kDay},
      {'f', 5 * kMinute, kDay, 35 * kDay},
      {'q', 15 * kMinute, 3 * kDay, 35 * kDay},
      {'h', kHour, 12 * kDay, 400 * kDay},
      {'d', kDay, 288 * kDay, 800 * kDay},
  }};
  // The most steps per queue one read may cover.
  static constexpr std::int64_t kMaxPoints = 2000;

  // The level whose step is `step` ms; nullptr when none is.
  static const Level* level_of_step(std::int64_t step);
  // The level to read for steps of `step` ms over a window starting at `since`, at `now`: the
  // step's own level while it still holds `since` (its retention), else the finest coarser level
  // that does (the step then grows); the coarsest level when none does. nullptr for an unknown step.
  static const Level* level_for(std::int64_t step, std::int64_t since, std::int64_t now);
  // [since, until) widened to whole steps of `level`.
  static std::pair<std::int64_t, std::int64_t> align(const Level& level, std::int64_t since, std::int64_t until);
  // What a read of [since, until) in steps of `step` ms at `now` takes: the level read (level_for),
  // the window widened to its steps, and how many steps of `step` the window holds (the API's
  // limit is on those: at most kMaxPoints). nullopt for a step no level has.
  struct Plan {
    const Level* level = nullptr;
    std::int64_t since = 0, until = 0;
    std::int64_t points = 0;
  };
  static std::optional<Plan> plan(std::int64_t step, std::int64_t since, std::int64_t until, std::int64_t now);
  // The starts of the spans (hashes) holding [since, until) (aligned to the level's steps), in
  // time order; keys() names them.
  static std::vector<std::int64_t> spans(const Level& level, std::int64_t since, std::int64_t until);
  std::vector<std::string> keys(const Level& level, std::int64_t since, std::int64_t until) const;

  DepthStore(RedisPool& pool, const std::string& prefix);

  // Whether the minute starting at `minute` (ms, a multiple of kMinute) has a sample already.
  bool sampled(std::int64_t minute);
  // Records the depths of every queue (queue -> waiting, claimed; t ignored) as the sample of the
  // minute starting at `minute`, and folds it into the coarser levels, in one script call
  // (lua/depth_sample.lua). False, writing nothing, when that minute has a sample already
  // (another daemon took it). An empty map records nothing.
  bool record(std::int64_t minute, const std::map<std::string, DepthSample>& depths);

  // The samples of `level` with t in [since, until), per queue (only `queue` when not empty),
  // each queue's in time order, in one pipelined round trip.
  std::map<std::string, std::vector<DepthSample>> read(const Level& level, std::int64_t since, std::int64_t until,
                                                        const std::string& queue = {});

 private:
  std::string key(const Level& level, std::int64_t span_start) const;

  RedisPool& pool_;
  std::string kp_;
  RedisScript sample_;
};

// Parses "<t>|<queue>" -> "<waiting>|<claimed>" (a field of a depth hash) into `queue` and
// `sample`; false for anything else (the minute markers among them).
bool parse_depth_field(std::string_view name, std::string_view value, std::string& queue, DepthSample& sample);

}  // namespace carewatch
