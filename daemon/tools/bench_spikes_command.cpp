#include "daemon/tools/bench_spikes_command.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "daemon/alerts/spike_detector.h"
#include "daemon/alerts/spike_params.h"
#include "daemon/config/spike_config.h"

namespace carewatch {

namespace {

struct SimSeries {
  const char* name;
  double rate;  // mean mentions per 5-minute bucket over a weekday
};

// From a busy platform|category down to a tag mentioned a few times a day.
constexpr SimSeries kSeries[] = {{"busy", 40}, {"steady", 12}, {"moderate", 6},
                                 {"quiet", 2},  {"sparse", 0.5}, {"rare", 0.1}};

constexpr std::int64_t kBucketsPerDay = 288;

// The background rate at bucket b: a daily curve (lowest around 03:00, highest around 15:00),
// weekends at 60%.
double season(std::int64_t b) {
  const double hour = static_cast<double>(b % kBucketsPerDay) / 12.0;
  const std::int64_t day = (b / kBucketsPerDay) % 7;
  const double daily = 1 + 0.6 * std::sin(2 * std::numbers::pi * (hour - 9) / 24);
  return daily * (day < 5 ? 1.0 : 0.6);
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

struct Tally {
  int injected = 0;
  int within_two = 0;
  int detected = 0;           // within the spike and two buckets after it
  std::vector<int> delays;    // of the detected, in buckets (1: at the close of the spike's first bucket)
  int false_warmup = 0;       // alarms outside injected spikes, first week
  int false_seasonal = 0;     // ... later weeks
};

std::string pct(int n, int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", d ? 100.0 * n / d : 0.0);
  return buf;
}

std::string fixed(double v, int digits = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

double median(std::vector<int> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double mean(const std::vector<int>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (int x : v) s += x;
  return s / static_cast<double>(v.size());
}

}  // namespace

int run_bench_spikes(const BenchSpikesOptions& options, std::ostream& out, std::ostream& err) {
  if (options.weeks < 2 || options.spikes < 1 || options.duration < 1 || options.factor <= 1) {
    err << "bench spikes: needs --weeks >= 2, --spikes >= 1, --duration >= 1 and --factor > 1\n";
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  SpikeConfig config;
  if (options.threshold > 0) config.threshold = options.threshold;
  if (options.min_ratio > 0) config.min_ratio = options.min_ratio;
  if (options.min_count > 0) config.min_count = options.min_count;
  const SpikeParams params = spike_params_of(config);

  const std::int64_t total = options.weeks * kSpikeBucketsPerWeek;
  const std::int64_t spacing = 12 * 12;  // spikes of a series at least 12 h apart (beyond the cooldown)
  const std::int64_t first = kBucketsPerDay;  // after a day of history
  if ((total - first) / spacing < options.spikes) {
    err << "bench spikes: " << options.spikes << " spikes do not fit 12 h apart in " << options.weeks
        << " weeks\n";
    return 2;
  }
  std::mt19937_64 rng(options.seed);
  std::vector<Tally> tallies;
  long alarms_total = 0;
  // Per injected spike: the background rate where it started, and whether it was caught in two buckets.
  std::vector<std::pair<double, bool>> by_rate;

  for (const SimSeries& series : kSeries) {
    // The background, over-dispersed: its rate wanders around the season (a log-normal factor,
    // standard deviation `jitter`, that forgets itself over about two hours).
    std::vector<double> rate(static_cast<size_t>(total));
    const double phi = std::exp(-1.0 / 24);
    std::normal_distribution<double> noise(0, options.jitter * std::sqrt(1 - phi * phi));
    double log_factor = 0;
    for (std::int64_t b = 0; b < total; ++b) {
      log_factor = phi * log_factor + (options.jitter > 0 ? noise(rng) : 0);
      rate[static_cast<size_t>(b)] =
          series.rate * season(b) * std::exp(log_factor - options.jitter * options.jitter / 2);
    }
    std::vector<std::int64_t> counts(static_cast<size_t>(total));
    for (std::int64_t b = 0; b < total; ++b) {
      std::poisson_distribution<std::int64_t> p(rate[static_cast<size_t>(b)]);
      counts[static_cast<size_t>(b)] = p(rng);
    }
    // The spikes: starting buckets at least `spacing` apart.
    std::vector<std::int64_t> starts;
    std::uniform_int_distribution<std::int64_t> pick(first, total - options.duration - 4);
    while (static_cast<int>(starts.size()) < options.spikes) {
      const std::int64_t s = pick(rng);
      bool clear = true;
      for (std::int64_t o : starts) clear = clear && std::llabs(o - s) >= spacing;
      if (clear) starts.push_back(s);
    }
    std::sort(starts.begin(), starts.end());
    std::uniform_real_distribution<double> offset(0, 1);
    for (std::int64_t s : starts) {
      // The extra mentions: (factor - 1) times the background, over `duration` buckets from a
      // bucket boundary or from a random point of the first bucket.
      const double f = options.unaligned ? offset(rng) : 0;
      for (int i = 0; i <= options.duration; ++i) {
        const double share = i == 0 ? 1 - f : (i == options.duration ? f : 1);
        if (share <= 0) continue;
        const auto at = static_cast<size_t>(s + i);
        std::poisson_distribution<std::int64_t> extra((options.factor - 1) * rate[at] * share);
        counts[at] += extra(rng);
      }
    }

    // The detector, bucket after bucket, as the daemon runs it.
    const SpikeCounts view = [&counts](std::int64_t b) {
      return b >= 0 && b < static_cast<std::int64_t>(counts.size()) ? counts[static_cast<size_t>(b)] : 0;
    };
    SpikeState state;
    std::vector<std::int64_t> alarms;
    for (std::int64_t b = 0; b < total; ++b) {
      const SpikeDecision d = evaluate_spike(view, b, 0, state, params);
      state = d.state;
      if (d.action == SpikeAction::spike) alarms.push_back(b);
    }
    alarms_total += static_cast<long>(alarms.size());

    Tally t;
    t.injected = static_cast<int>(starts.size());
    std::vector<bool> explained(alarms.size(), false);
    for (std::int64_t s : starts) {
      const std::int64_t end = s + options.duration + 2;  // the spike, its tail bucket, one more
      by_rate.emplace_back(rate[static_cast<size_t>(s)], false);
      for (size_t i = 0; i < alarms.size(); ++i) {
        if (alarms[i] < s || alarms[i] > end) continue;
        if (!explained[i]) {
          const int delay = static_cast<int>(alarms[i] - s + 1);
          ++t.detected;
          t.delays.push_back(delay);
          if (delay <= 2) ++t.within_two;
          by_rate.back().second = delay <= 2;
        }
        explained[i] = true;
        break;
      }
    }
    for (size_t i = 0; i < alarms.size(); ++i)
      if (!explained[i]) ++(alarms[i] < kSpikeBucketsPerWeek ? t.false_warmup : t.false_seasonal);
    tallies.push_back(std::move(t));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  out << "spike detector: " << options.weeks << " simulated weeks, " << options.spikes << " spikes of "
      << fixed(options.factor, 1) << "x for " << options.duration * 5 << " min per series"
      << (options.unaligned ? " (starting anywhere in a bucket)" : " (on bucket boundaries)") << ", background wander (log sd) "
      << fixed(options.jitter, 2) << ", seed " << options.seed << "\n";
  out << "parameters: threshold " << config.threshold << ", min_count " << config.min_count << ", min_ratio "
      << fixed(config.min_ratio, 2) << ", windows 1.." << params.max_window << " buckets, cooldown "
      << params.cooldown_buckets << " buckets, seasonal over " << params.history_weeks << " weeks\n\n";
  out << "series     rate/5min  detected<=2  detected  mean delay  median delay  false/week (week 1)  "
         "false/week (weeks 2+)\n";
  Tally all, target;
  const double later_weeks = options.weeks - 1;
  for (size_t i = 0; i < tallies.size(); ++i) {
    const Tally& t = tallies[i];
    char line[256];
    std::snprintf(line, sizeof line, "%-10s %9.1f  %11s  %8s  %10s  %12s  %19s  %21s\n", kSeries[i].name,
                  kSeries[i].rate, pct(t.within_two, t.injected).c_str(), pct(t.detected, t.injected).c_str(),
                  fixed(mean(t.delays)).c_str(), fixed(median(t.delays), 1).c_str(),
                  fixed(t.false_warmup).c_str(), fixed(t.false_seasonal / later_weeks).c_str());
    out << line;
    for (Tally* agg : {&all, &target}) {
      if (agg == &target && kSeries[i].rate < 6) continue;
      agg->injected += t.injected;
      agg->within_two += t.within_two;
      agg->detected += t.detected;
      agg->delays.insert(agg->delays.end(), t.delays.begin(), t.delays.end());
      agg->false_warmup += t.false_warmup;
      agg->false_seasonal += t.false_seasonal;
    }
  }
  const auto summary = [&](const char* label, const Tally& t, size_t n_series) {
    out << label << ": " << pct(t.within_two, t.injected) << " of " << t.injected
        << " spikes detected within two buckets (" << pct(t.detected, t.injected) << " at all), delay mean "
        << fixed(mean(t.delays)) << " median " << fixed(median(t.delays), 1) << " buckets; false alarms "
        << fixed((t.false_warmup + t.false_seasonal) / static_cast<double>(options.weeks)) << " per week ("
        << fixed((t.false_warmup + t.false_seasonal) / static_cast<double>(options.weeks) /
                     static_cast<double>(n_series))
        << " per series-week)\n";
  };
  out << "\n";
  size_t n_target = 0;
  for (const SimSeries& s : kSeries) n_target += s.rate >= 6 ? 1 : 0;
  summary("all series", all, std::size(kSeries));
  summary("series averaging 6+ per 5 min", target, n_target);
  out << "\nby the background rate where a spike started (mentions per 5 min):\n";
  const double edges[] = {0, 1, 2, 4, 6, 8, 12, 20, 40, 1e9};
  for (size_t e = 0; e + 1 < std::size(edges); ++e) {
    int n = 0, hit = 0;
    for (const auto& [r, caught] : by_rate)
      if (r >= edges[e] && r < edges[e + 1]) ++n, hit += caught ? 1 : 0;
    if (!n) continue;
    char line[128];
    if (edges[e + 1] > 1e8)
      std::snprintf(line, sizeof line, "  %5.0f+      %4d spikes, %s within two buckets\n", edges[e], n, pct(hit, n).c_str());
    else
      std::snprintf(line, sizeof line, "  %5.0f-%-5.0f %4d spikes, %s within two buckets\n", edges[e], edges[e + 1], n,
                    pct(hit, n).c_str());
    out << line;
  }
  out << "alarms raised: " << alarms_total << "\n";
  out << "peak RSS: " << peak_rss_kib() / 1024.0 << " MiB, runtime: " << fixed(seconds, 2) << " s\n";
  return 0;
}

}  // namespace carewatch
