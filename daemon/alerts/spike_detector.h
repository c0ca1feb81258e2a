// Spike detection on one series of counts in 5-minute buckets (a platform|category pair, or a
// tag): pure and deterministic, so it is tested on synthetic series and benchmarked offline
// (`carewatch bench spikes`) exactly as the daemon runs it (daemon/alerts/spike_watch.h).
//
// For the bucket just closed it computes the expected count per bucket (the baseline), tests the
// last 1 .. max_window buckets summed against it with a Poisson upper tail, and keeps a small
// state per series: a spike is raised once, "over" is told when counts are back near the baseline
// for a while, and a new spike within the cooldown of the previous one is not raised again.
//
// Baseline, per bucket:
//   seasonal  once a week of history exists: for each past week (up to history_weeks), the sum
//             of the 12 buckets centred on the same 5-minute slot of that week (the same hour of
//             the week); with 3 weeks or more the highest and lowest week are dropped (a spike or
//             an outage in one past week does not move it), then the mean, per bucket; scaled
//             by today's level: what the last hour brought against what the same weeks
//             predicted for them (shrunk towards 1 for small counts, within 1/2 .. 2);
//   recent    before that (or for a series younger than a week): the mean of the last
//             recent_buckets buckets before the tested window (and before an active spike), its
//             highest eighth dropped, or the mean of the last half hour when higher (a rising
//             morning is not a spike);
//   and never below floor, so a series that is usually silent does not fire on 3 mentions.
// Buckets before `since` (when counting began) are unknown, not zeros.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace carewatch {

inline constexpr std::int64_t kSpikeBucketMs = 5 * 60 * 1000;
inline constexpr std::int64_t kSpikeBucketsPerWeek = 7 * 24 * 12;

// The bucket index of a time (ms since the epoch) and back.
inline std::int64_t spike_bucket_of(std::int64_t ms) {
  return ms >= 0 ? ms / kSpikeBucketMs : -((-ms + kSpikeBucketMs - 1) / kSpikeBucketMs);
}
inline std::int64_t spike_bucket_start(std::int64_t bucket) { return bucket * kSpikeBucketMs; }

struct SpikeParams {
  double threshold = 1e-5;        // Poisson upper tail a window's count must fall below
  std::int64_t min_count = 10;    // ... and at least this many mentions in the window
  double min_ratio = 2;           // ... and at least this multiple of the baseline (over-dispersion guard)
  int max_window = 2;             // windows of 1 .. max_window buckets are tested
  int history_weeks = 4;          // past weeks the seasonal baseline reads
  int seasonal_half_width = 6;    // buckets either side of the slot: 12 buckets, one hour
  int level_buckets = 12;         // seasonal: the span today's level is measured on (1 hour)
  double level_prior = 20;        // ... shrunk towards 1 by this many pseudo-mentions
  double level_clamp = 2;         // ... and kept within [1/clamp, clamp]
  int recent_buckets = 24;        // the fallback's span (2 hours)
  int min_history_buckets = 12;   // less known history than this: no decision at all
  double floor = 0.2;             // the lowest baseline per bucket
  std::int64_t hold_buckets = 36; // an active spike's buckets stay out of the baseline this long (3 hours)
  int over_after = 3;             // quiet buckets in a row that end a spike
  double quiet_threshold = 0.01;  // a bucket is quiet when its tail is above this, or its ratio below min_ratio
  std::int64_t cooldown_buckets = 12;  // no new spike raised within this of the previous one
};

// What the detector remembers of one series between buckets.
struct SpikeState {
  bool active = false;
  std::int64_t started = 0;       // active: the bucket it was raised at
  std::int64_t raised = -1;       // the bucket of the latest spike raised (-1: none)
  int quiet = 0;                  // active: quiet buckets in a row so far
  double baseline = 0;            // active: the baseline when it was raised

  // "1|<started>|<raised>|<quiet>|<baseline>"; parse returns a fresh state for bad text.
  std::string serialize() const;
  static SpikeState parse(const std::string& text);
  bool operator==(const SpikeState&) const = default;
};

enum class SpikeAction { none, spike, over, suppressed };

struct SpikeDecision {
  SpikeAction action = SpikeAction::none;
  SpikeState state;               // the series' state after this bucket
  bool evaluated = false;         // false: too little history to decide
  bool seasonal = false;          // which baseline was used
  double baseline = 0;            // expected count per bucket
  int window = 1;                 // buckets summed in the test that decided (or the smallest p)
  std::int64_t count = 0;         // mentions in that window
  double expected = 0;            // baseline * window
  double p_value = 1;             // P(X >= count | expected)
  double ratio = 0;               // count / expected
  std::int64_t bucket_count = 0;  // mentions in the bucket just closed
};

// The count of a bucket of the series (0 for buckets it has no mention in).
using SpikeCounts = std::function<std::int64_t(std::int64_t bucket)>;

// Decides on `bucket`, just closed. `since`: the first bucket whose counts are known.
SpikeDecision evaluate_spike(const SpikeCounts& counts, std::int64_t bucket, std::int64_t since,
                             const SpikeState& state, const SpikeParams& params);

// The baseline alone (expected count per bucket at `bucket`, excluding buckets from `exclude_from`
// on for the recent fallback); nullopt-like: returns < 0 when there is too little history.
double spike_baseline(const SpikeCounts& counts, std::int64_t bucket, std::int64_t since, std::int64_t exclude_from,
                      const SpikeParams& params, bool* seasonal = nullptr);

// ln P(X >= k) for X ~ Poisson(lambda), stable for large k and lambda (0 for k <= 0).
double poisson_log_upper_tail(std::int64_t k, double lambda);
double poisson_upper_tail(std::int64_t k, double lambda);

const char* to_string(SpikeAction a);  // "none", "spike", "over", "suppressed"

}  // namespace carewatch
