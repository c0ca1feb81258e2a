// `carewatch bench stats`: GET /v1/stats answered from the figures aggregates. Generates a history
// of mentions and their events over days (daemon/tools/stats_history.h) into a private
// redis-server through the same counting the scripts do (lua/events_record.lua), then times a
// by=agent query over the whole span through ApiRoutes::handle (median of several runs) and checks
// that its body equals the raw computation (LatencyAccumulator over every event read back).
// Prints the figures, the timings, Redis memory and peak RSS. Exit status 1 when they differ.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>

namespace carewatch {

struct BenchStatsOptions {
  size_t mentions = 1'000'000;
  int days = 30;
  int agents = 40;
  int runs = 9;
  std::uint64_t seed = 16;
  bool check = true;  // compare with the raw computation
};

int run_bench_stats(const BenchStatsOptions& options, std::ostream& out, std::ostream& err);

}  // namespace carewatch
