// `carewatch bench`: synthetic mentions → replay connector → rules → Redis (a private
// redis-server with AOF on), the daemon's own ingest path; prints mentions/s, batch latency
// percentiles and peak RSS, next to redis-benchmark against the same server in the same run.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

namespace carewatch {

struct BenchOptions {
  size_t mentions = 200000;
  size_t batch_size = 500;
  size_t workers = 1;                 // ingest threads; 1 = one source, as the daemon runs it
  std::string appendfsync = "everysec";
};

int run_bench(const BenchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace carewatch
