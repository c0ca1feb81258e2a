#include "daemon/alerts/spike_detector.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace carewatch {

namespace {

// ln of the regularized lower incomplete gamma function P(a, x), a > 0, x > 0.
double log_gamma_p(double a, double x) {
  const double log_prefix = a * std::log(x) - x - std::lgamma(a + 1);
  if (x < a + 1) {
    // Series: P(a, x) = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1) ... (a + n)).
    double term = 1, sum = 1;
    for (int n = 1; n < 100000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-15) break;
    }
    return log_prefix + std::log(sum);
  }
  // Continued fraction for Q(a, x) = 1 - P(a, x) (modified Lentz); here P is at least about 1/2.
  constexpr double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  const double q = std::exp(a * std::log(x) - x - std::lgamma(a)) * h;
  return std::log1p(-std::min(q, 1.0));
}

double mean_of(std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

double poisson_log_upper_tail(std::int64_t k, double lambda) {
  if (k <= 0) return 0;
  if (!(lambda > 0)) return -std::numeric_limits<double>::infinity();
  // P(X >= k) = P(k, lambda), the regularized lower incomplete gamma function.
  return std::min(0.0, log_gamma_p(static_cast<double>(k), lambda));
}

double poisson_upper_tail(std::int64_t k, double lambda) { return std::exp(poisson_log_upper_tail(k, lambda)); }

const char* to_string(SpikeAction a) {
  switch (a) {
    case SpikeAction::spike: return "spike";
    case SpikeAction::over: return "over";
    case SpikeAction::suppressed: return "suppressed";
    case SpikeAction::none: break;
  }
  return "none";
}

std::string SpikeState::serialize() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", baseline);
  return std::string(active ? "1" : "0") + "|" + std::to_string(started) + "|" + std::to_string(raised) + "|" +
         std::to_string(quiet) + "|" + buf;
}

SpikeState SpikeState::parse(const std::string& text) {
  SpikeState s;
  std::vector<std::string> parts;
  size_t from = 0;
  while (true) {
    const size_t bar = text.find('|', from);
    parts.push_back(text.substr(from, bar == std::string::npos ? std::string::npos : bar - from));
    if (bar == std::string::npos) break;
    from = bar + 1;
  }
  if (parts.size() != 5) return {};
  auto int_of = [](const std::string& p, std::int64_t& out) {
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), out);
    return ec == std::errc() && end == p.data() + p.size();
  };
  std::int64_t active = 0, quiet = 0;
  if (!int_of(parts[0], active) || !int_of(parts[1], s.started) || !int_of(parts[2], s.raised) ||
      !int_of(parts[3], quiet))
    return {};
  char* end = nullptr;
  s.baseline = std::strtod(parts[4].c_str(), &end);
  if (end == parts[4].c_str() || *end) return {};
  s.active = active == 1;
  s.quiet = static_cast<int>(quiet);
  return s;
}

namespace {

// What past weeks had in the buckets [lo, hi) shifted by whole weeks: per week (up to
// history_weeks, each wholly after `since`) the sum; with 3 weeks or more the highest and lowest
// are dropped; the mean. < 0 when not even one past week is known.
double past_weeks(const SpikeCounts& counts, std::int64_t lo, std::int64_t hi, std::int64_t since,
                  const SpikeParams& params, std::vector<double>& weeks) {
  weeks.clear();
  for (int w = 1; w <= params.history_weeks; ++w) {
    const std::int64_t shift = w * kSpikeBucketsPerWeek;
    if (lo - shift < since) break;
    double sum = 0;
    for (std::int64_t b = lo; b < hi; ++b) sum += static_cast<double>(counts(b - shift));
    weeks.push_back(sum);
  }
  if (weeks.empty()) return -1;
  std::sort(weeks.begin(), weeks.end());
  double total = 0;
  const size_t drop = weeks.size() >= 3 ? 1 : 0;
  for (size_t i = drop; i < weeks.size() - drop; ++i) total += weeks[i];
  return total / static_cast<double>(weeks.size() - 2 * drop);
}

}  // namespace

double spike_baseline(const SpikeCounts& counts, std::int64_t bucket, std::int64_t since, std::int64_t exclude_from,
                      const SpikeParams& params, bool* seasonal) {
  std::vector<double> weeks;
  const int half = std::max(1, params.seasonal_half_width);
  const double slot = past_weeks(counts, bucket - half, bucket + half, since, params, weeks);
  const std::int64_t hi = exclude_from;  // exclusive
  if (slot >= 0) {
    if (seasonal) *seasonal = true;
    const double expected = slot / (2.0 * half);
    // Today's level against the season: the last level_buckets before the tested window,
    // observed / what the same past weeks had then, shrunk towards 1 by a pseudo-count and clamped.
    const std::int64_t lo = std::max(since, hi - params.level_buckets);
    double level = 1;
    if (lo < hi) {
      double observed = 0;
      for (std::int64_t b = lo; b < hi; ++b) observed += static_cast<double>(counts(b));
      const double predicted = past_weeks(counts, lo, hi, since, params, weeks);
      if (predicted >= 0) level = (observed + params.level_prior) / (predicted + params.level_prior);
    }
    level = std::clamp(level, 1 / params.level_clamp, params.level_clamp);
    return std::max(params.floor, expected * level);
  }
  if (seasonal) *seasonal = false;
  const std::int64_t lo = std::max(since, hi - params.recent_buckets);
  if (hi - lo < std::max(1, params.min_history_buckets)) return -1;
  std::vector<double> recent;
  for (std::int64_t b = lo; b < hi; ++b) recent.push_back(static_cast<double>(counts(b)));
  // The level of the last half hour too, so a rising morning does not look like a spike.
  double last = 0;
  const std::int64_t last_n = std::min<std::int64_t>(6, hi - lo);
  for (std::int64_t b = hi - last_n; b < hi; ++b) last += static_cast<double>(counts(b));
  std::sort(recent.begin(), recent.end());
  recent.resize(recent.size() - recent.size() / 8);
  return std::max({params.floor, mean_of(recent), last / static_cast<double>(last_n)});
}

SpikeDecision evaluate_spike(const SpikeCounts& counts, std::int64_t bucket, std::int64_t since,
                             const SpikeState& state, const SpikeParams& params) {
  SpikeDecision d;
  d.state = state;
  d.bucket_count = counts(bucket);
  const int max_window = std::max(1, params.max_window);
  std::int64_t exclude_from = bucket - max_window + 1;
  // While a spike is under way its own buckets are not the baseline, for up to hold_buckets; a
  // spike lasting longer is taken as the new level (today's level and the recent baseline follow).
  if (state.active && bucket - state.started < params.hold_buckets)
    exclude_from = std::min(exclude_from, state.started - max_window + 1);
  const double baseline = spike_baseline(counts, bucket, since, exclude_from, params, &d.seasonal);
  if (baseline < 0) return d;
  d.evaluated = true;
  d.baseline = baseline;

  const double log_threshold = std::log(params.threshold);
  bool fires = false;
  double best_log_p = 1;
  std::int64_t sum = 0;
  for (int k = 1; k <= max_window && bucket - k + 1 >= since; ++k) {
    sum += k == 1 ? d.bucket_count : counts(bucket - k + 1);
    const double expected = baseline * k;
    const double log_p = poisson_log_upper_tail(sum, expected);
    const bool fires_k = log_p < log_threshold && sum >= params.min_count &&
                         static_cast<double>(sum) >= params.min_ratio * expected;
    // The test that decided: the first that fires; while none does, the one closest to firing.
    if ((fires_k && !fires) || (!fires && log_p < best_log_p)) {
      best_log_p = log_p;
      d.window = k;
      d.count = sum;
      d.expected = expected;
    }
    fires = fires || fires_k;
  }
  d.p_value = std::exp(best_log_p);
  d.ratio = d.expected > 0 ? static_cast<double>(d.count) / d.expected : 0;

  if (state.active) {
    const bool quiet = static_cast<double>(d.bucket_count) < params.min_ratio * baseline ||
                       poisson_upper_tail(d.bucket_count, baseline) >= params.quiet_threshold;
    d.state.quiet = quiet ? state.quiet + 1 : 0;
    if (d.state.quiet >= std::max(1, params.over_after)) {
      d.action = SpikeAction::over;
      d.state.active = false;
      d.state.quiet = 0;
    }
    return d;
  }
  if (!fires) return d;
  if (state.raised >= 0 && bucket - state.raised < params.cooldown_buckets) {
    d.action = SpikeAction::suppressed;
    return d;
  }
  d.action = SpikeAction::spike;
  d.state.active = true;
  d.state.started = bucket;
  d.state.raised = bucket;
  d.state.quiet = 0;
  d.state.baseline = baseline;
  return d;
}

}  // namespace carewatch
