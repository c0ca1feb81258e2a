#include "daemon/cli/bench_stats_command.h"

#include <rapidjson/document.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <optional>
#include <ostream>
#include <vector>

#include "daemon/api/api_key.h"
#include "daemon/api/api_routes.h"
#include "daemon/store/private_redis.h"
#include "daemon/store/queue_store.h"
#include "daemon/store/stats_store.h"
#include "daemon/telemetry/latency_stats.h"
#include "daemon/telemetry/metrics.h"
#include "daemon/tools/stats_history.h"
#include "mention/common/time.h"

namespace carewatch {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

std::string info_field(QueueStore& store, const std::string& name) {
  const std::string info = store.pool().command({"INFO", "memory"}).str;
  const auto pos = info.find(name + ":");
  if (pos == std::string::npos) return "?";
  const auto end = info.find('\r', pos);
  return info.substr(pos + name.size() + 1, end - pos - name.size() - 1);
}

}  // namespace

int run_bench_stats(const BenchStatsOptions& o, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("carewatch-bench-stats-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Cleanup {
    fs::path d;
    ~Cleanup() { std::error_code ec; fs::remove_all(d, ec); }
  } cleanup{dir};

  std::unique_ptr<PrivateRedis> redis;
  try {
    PrivateRedisOptions ro;
    ro.dir = (dir / "redis").string();
    redis = std::make_unique<PrivateRedis>(ro);
  } catch (const std::exception& e) {
    err << "bench stats: cannot start redis-server: " << e.what() << "\n";
    return 1;
  }
  QueueStoreOptions so;
  so.prefix = "bench";
  so.connections = 2;
  so.command_timeout = std::chrono::milliseconds(120'000);
  QueueStore store(redis->endpoint(), so);
  StatsStore figures(store.pool(), so.prefix);

  const TimeMs now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  const TimeMs span = static_cast<TimeMs>(o.days) * StatsStore::kDay;
  StatsHistoryOptions ho;
  ho.mentions = o.mentions;
  ho.agents = o.agents;
  ho.start_ms = now - span - StatsStore::kDay;  // posted over the span before the window's last day
  ho.end_ms = now - StatsStore::kDay;
  ho.seed = o.seed;
  out << "carewatch bench stats: " << o.mentions << " mentions over " << o.days << " days, " << o.agents
      << " agents, into a private redis-server\n";
  auto t0 = Clock::now();
  size_t events = 0;
  generate_stats_history(ho, 20'000, [&](EventBatch& batch) {
    figures.record(batch, 200);
    events += batch.size();
  });
  const double gen_s = seconds_since(t0);
  out << "  history           " << events << " events recorded in " << std::fixed << std::setprecision(1)
      << gen_s << " s (" << std::setprecision(0) << static_cast<double>(events) / gen_s << " events/s)\n";
  out << "  redis memory      " << info_field(store, "used_memory_human") << "\n";

  Config config;
  config.store = so;
  config.api_rate_limit_per_minute = 1'000'000;
  const std::string key = "bench-stats-lead-key";
  config.agents = {{"lead", sha256_hex(key), AgentRole::lead}};
  Metrics metrics;
  ApiRoutes routes(config, store, metrics, [] { return true; }, [now] { return now; });
  const TimeMs since = now - span;
  const auto [from, to] = StatsStore::align(since, now, now);
  // One query timed: the first call on its own (after the history was written it reads every
  // block's hash and seals the blocks that have ended; the daemon's own reads do it as the blocks
  // end), then the median of --runs calls reading the sealed copies.
  struct Timed {
    std::string target, body;
    double first_ms = 0, median = 0, min = 0, max = 0;
    size_t runs = 0;
  };
  auto time_query = [&](const std::string& filters) -> std::optional<Timed> {
    Timed t;
    ApiRequest req;
    req.method = "GET";
    req.target = t.target =
        "/v1/stats?by=agent&since=" + format_iso8601(since) + "&until=" + format_iso8601(now) + filters;
    req.authorization = "Bearer " + key;
    req.client_address = "127.0.0.1";
    const auto c0 = Clock::now();
    ApiResponse resp = routes.handle(req);
    t.first_ms = seconds_since(c0) * 1000.0;
    const std::string first_body = resp.body;
    std::vector<double> ms;
    for (int i = 0; resp.status == 200 && i < std::max(1, o.runs); ++i) {
      const auto q0 = Clock::now();
      resp = routes.handle(req);
      ms.push_back(seconds_since(q0) * 1000.0);
    }
    if (resp.status != 200) {
      err << "bench stats: " << req.target << " answered " << resp.status << ": " << resp.body << "\n";
      return std::nullopt;
    }
    if (first_body != resp.body) {
      err << "bench stats: the sealed copies gave other figures than the hashes for " << req.target << ":\n"
          << first_body << "\n" << resp.body << "\n";
      return std::nullopt;
    }
    std::sort(ms.begin(), ms.end());
    t.median = ms[ms.size() / 2];
    t.min = ms.front();
    t.max = ms.back();
    t.runs = ms.size();
    t.body = resp.body;
    return t;
  };
  auto print = [&](const Timed& t) {
    out << "  query             " << t.target << "\n"
        << "                    window [" << format_iso8601(from) << ", " << format_iso8601(to) << "), "
        << StatsStore::blocks(from, to).size() << " blocks read\n"
        << std::setprecision(1) << "  first query       " << t.first_ms
        << " ms (reads the hashes, seals the blocks that have ended)\n"
        << "  time              median " << t.median << " ms, min " << t.min << " ms, max " << t.max << " ms over "
        << t.runs << " runs (target: under 100 ms)\n";
  };
  // The whole team, then the team's work in one queue (the crossed dimension, read whole).
  FigureFilter one_queue;
  one_queue.queue = "care";
  const auto whole = time_query("");
  if (!whole) return 1;
  print(*whole);
  const auto filtered = time_query("&queue=care");
  if (!filtered) return 1;
  print(*filtered);

  rapidjson::Document d;
  d.Parse(whole->body.c_str());
  if (d.IsObject() && d.HasMember("groups") && d["groups"].IsArray()) {
    out << "  figures           group (kind): claims replies resolutions handoffs | first response p50/p90 s"
           " | resolution p50 s\n";
    for (const auto& g : d["groups"].GetArray()) {
      out << "    " << std::left << std::setw(12) << g["group"].GetString() << std::setw(8) << g["kind"].GetString()
          << std::right << std::setprecision(0);
      const auto& c = g["counts"];
      for (const char* k : {"claims", "replies", "resolutions", "handoffs"}) out << std::setw(7) << c[k].GetInt64();
      out << std::setprecision(1) << " | " << std::setw(7) << g["first_response"]["p50_s"].GetDouble() << " "
          << std::setw(7) << g["first_response"]["p90_s"].GetDouble() << " | " << std::setw(8)
          << g["resolution"]["p50_s"].GetDouble() << "\n";
    }
  }

  int status = 0;
  if (o.check) {
    const auto r0 = Clock::now();
    LatencyAccumulator raw(GroupBy::agent, from, to - 1), raw_queue(GroupBy::agent, from, to - 1, one_queue);
    std::string after = "0-0";
    size_t read = 0;
    for (;;) {
      const auto page = store.events_after(after, 50'000);
      if (page.empty()) break;
      for (const Event& e : page) {
        raw.add(e);
        raw_queue.add(e);
      }
      read += page.size();
      after = page.back().id;
    }
    const std::string want = latency_stats_json(raw.result(), GroupBy::agent, from, to);
    const std::string want_queue = latency_stats_json(raw_queue.result(), GroupBy::agent, from, to);
    const bool same = want == whole->body, same_queue = want_queue == filtered->body;
    out << "  raw computation   " << read << " events read back in " << std::setprecision(1) << seconds_since(r0)
        << " s: " << (same ? "equal to the aggregates" : "DIFFERENT from the aggregates") << "; queue=care "
        << (same_queue ? "equal" : "DIFFERENT") << "\n";
    if (!same) {
      err << "bench stats: aggregates: " << whole->body << "\nraw:        " << want << "\n";
      status = 1;
    }
    if (!same_queue) {
      err << "bench stats: queue=care aggregates: " << filtered->body << "\nraw:        " << want_queue << "\n";
      status = 1;
    }
  }
  out << "  peak RSS          " << std::setprecision(1) << static_cast<double>(peak_rss_kib()) / 1024.0 << " MiB\n";
  return status;
}

}  // namespace carewatch
