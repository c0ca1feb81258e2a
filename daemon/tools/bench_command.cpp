#include "daemon/tools/bench_command.h"

#include <sys/resource.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <thread>
#include <vector>

#include "connectors/registry.h"
#include "connectors/replay/synthetic_mentions.h"
#include "daemon/pipeline/ingest.h"
#include "daemon/store/private_redis.h"
#include "daemon/store/queue_store.h"
#include "rules/default_rules.h"

namespace carewatch {

namespace {

using Clock = std::chrono::steady_clock;

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// Runs redis-benchmark and returns its requests per second for the first test line, or -1.
double redis_benchmark(const std::string& socket, const std::string& args, std::string& line_out) {
  const std::string cmd = "redis-benchmark -s '" + socket + "' " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::string all;
  while (fgets(buf, sizeof buf, p)) all += buf;
  pclose(p);
  // -q output: "SET: 123456.78 requests per second, p50=0.111 msec" (lines separated by \r or \n)
  std::replace(all.begin(), all.end(), '\r', '\n');
  double best = -1;
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find('\n', pos);
    if (end == std::string::npos) end = all.size();
    std::string line = all.substr(pos, end - pos);
    pos = end + 1;
    auto rps = line.find(" requests per second");
    auto colon = line.find(": ");
    if (rps != std::string::npos && colon != std::string::npos && colon < rps) {
      best = std::atof(line.c_str() + colon + 2);
      line_out = line;
    }
  }
  return best;
}

}  // namespace

int run_bench(const BenchOptions& options, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("carewatch-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Cleanup {
    fs::path d;
    ~Cleanup() { std::error_code ec; fs::remove_all(d, ec); }
  } cleanup{dir};

  const fs::path input = dir / "mentions.jsonl";
  {
    std::ofstream f(input);
    write_synthetic_mentions(f, options.mentions, 42);
    if (!f) {
      err << "bench: cannot write " << input << "\n";
      return 1;
    }
  }
  const auto input_bytes = fs::file_size(input);

  std::unique_ptr<PrivateRedis> redis;
  try {
    PrivateRedisOptions ro;
    ro.dir = (dir / "redis").string();
    ro.appendfsync = options.appendfsync;
    redis = std::make_unique<PrivateRedis>(ro);
  } catch (const std::exception& e) {
    err << "bench: cannot start redis-server: " << e.what() << "\n";
    return 1;
  }

  std::string error;
  const ConnectorType* replay = find_connector_type("replay");
  SourceSpec spec{"bench", "replay",
                  "{\"path\": \"" + input.string() + "\", \"pace\": \"full\", \"batch_size\": " +
                      std::to_string(options.batch_size) + "}",
                  dir.string()};
  auto connector = replay->create(spec, nullptr, error);
  if (!connector) {
    err << "bench: " << error << "\n";
    return 1;
  }
  auto rules = default_rules();
  QueueStoreOptions so;
  so.prefix = "bench";
  so.connections = std::max<size_t>(2, options.workers + 1);
  QueueStore store(redis->endpoint(), so);

  out << "carewatch bench: " << options.mentions << " synthetic mentions ("
      << input_bytes / (1024 * 1024) << " MiB JSONL), batch " << options.batch_size << ", "
      << options.workers << " ingest thread(s), rules: " << rules->size()
      << ", redis-server with appendonly yes, appendfsync " << options.appendfsync << "\n";

  std::mutex source_mutex;
  std::string cursor;
  bool done = false;
  std::mutex stats_mutex;
  std::vector<double> batch_ms;
  size_t queued = 0, stored = 0, duplicates = 0, total = 0;
  const auto t0 = Clock::now();
  auto worker = [&] {
    for (;;) {
      Batch batch;
      {
        std::lock_guard lock(source_mutex);
        if (done) return;
        auto r = connector->poll(cursor);
        if (r.error) {
          err << "bench: replay failed: " << r.error->message << "\n";
          done = true;
          return;
        }
        batch = std::move(*r.batch);
        if (!batch.next_cursor.empty()) cursor = batch.next_cursor;
        if (batch.mentions.empty() || (batch.exhausted && !batch.more)) done = true;
        if (batch.mentions.empty()) return;
      }
      const auto b0 = Clock::now();
      auto counts = ingest_batch(batch.mentions, *rules, store, {});
      store.set_cursor("bench", cursor);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - b0).count();
      std::lock_guard lock(stats_mutex);
      batch_ms.push_back(ms);
      queued += counts.queued;
      stored += counts.stored;
      duplicates += counts.duplicates;
      total += batch.mentions.size();
    }
  };
  std::vector<std::thread> threads;
  try {
    for (size_t i = 0; i < std::max<size_t>(1, options.workers); ++i) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  } catch (const std::exception& e) {
    err << "bench: " << e.what() << "\n";
    return 1;
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double rate = static_cast<double>(total) / secs;

  std::string set_line, xadd_line, eval_line;
  const std::string n = std::to_string(std::max<size_t>(100000, std::min<size_t>(options.mentions, 500000)));
  const double set_rps = redis_benchmark(redis->socket_path(), "-q -n " + n + " -P 16 -t set", set_line);
  const double xadd_rps = redis_benchmark(
      redis->socket_path(), "-q -n " + n + " -P 16 XADD rb:stream '*' uid synthetic:1", xadd_line);

  out << std::fixed << std::setprecision(0);
  out << "\n  end to end (replay → rules → enqueue script, AOF on)\n";
  out << "    mentions          " << total << " (queued " << queued << ", stored " << stored
      << ", duplicates " << duplicates << ")\n";
  out << "    elapsed           " << std::setprecision(2) << secs << " s\n";
  out << "    throughput        " << std::setprecision(0) << rate << " mentions/s\n";
  out << std::setprecision(2);
  out << "    batch latency     p50 " << percentile(batch_ms, 50) << " ms, p99 "
      << percentile(batch_ms, 99) << " ms (" << batch_ms.size() << " batches of up to "
      << options.batch_size << ")\n";
  out << "    per mention       p50 " << percentile(batch_ms, 50) * 1000.0 / static_cast<double>(options.batch_size)
      << " µs amortized\n";
  out << "    peak RSS          " << std::setprecision(1) << static_cast<double>(peak_rss_kib()) / 1024.0
      << " MiB (carewatch process)\n";
  out << "\n  redis-benchmark, same server, same run (pipeline 16)\n";
  out << std::setprecision(0);
  out << "    SET               " << set_rps << " requests/s\n";
  out << "    XADD              " << xadd_rps << " requests/s\n";
  if (xadd_rps > 0)
    out << std::setprecision(3) << "\n  ratio: carewatch mentions/s ÷ raw XADD/s = " << rate / xadd_rps
        << " (per mention: SET NX, HSET, the queue entry and two events, 32 mentions per script call)\n";
  return 0;
}

}  // namespace carewatch
