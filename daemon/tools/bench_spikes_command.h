// `carewatch bench spikes`: the spike detector (daemon/alerts/spike_detector.h, with the defaults
// of detectors.spikes) on simulated weeks of background traffic with a daily and weekly season,
// several series from busy to nearly silent, and injected spikes (by default 3x the true rate for
// 15 minutes). Prints, overall and per series: the share of spikes detected within two buckets,
// the delay in buckets, false alarms per simulated week, then peak RSS and the runtime.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>

namespace carewatch {

struct BenchSpikesOptions {
  int weeks = 12;                   // simulated weeks (the first is the warm-up on the recent baseline)
  int spikes = 100;                 // injected spikes per series
  double factor = 3;                // a spike's rate, times the background's
  int duration = 3;                 // a spike's length in 5-minute buckets
  double jitter = 0.15;             // log-normal wander of the background rate, over ~2 h (over-dispersion)
  bool unaligned = false;           // spikes start at a random minute, not on a bucket boundary
  std::uint64_t seed = 15;
  // Overrides of the detectors.spikes defaults (< 0: the default).
  double threshold = -1;
  double min_ratio = -1;
  std::int64_t min_count = -1;
};

int run_bench_spikes(const BenchSpikesOptions& options, std::ostream& out, std::ostream& err);

}  // namespace carewatch
