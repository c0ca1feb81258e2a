#include "daemon/alerts/spike_watch.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

#include "daemon/alerts/spike_params.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/metric_catalogue.h"
#include "mention/mention_json.h"

namespace carewatch {

namespace {

constexpr std::int64_t kCatchUpBuckets = 12;          // after an outage, the last hour is evaluated
constexpr TimeMs kFutureSlackMs = 10 * 60 * 1000;     // posted_at this far after seen_at is not believed
constexpr const char* kLease = "spikes";
constexpr const char* kTagPrefix = "tag:";

std::string fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string sci(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2g", v);
  return buf;
}

std::string hhmm_utc(TimeMs ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// "mastodon|complaint" -> {"mastodon", "complaint"}; "tag:outage" -> {"", "", "outage"}.
struct SeriesName {
  std::string platform, category, tag;
};
SeriesName split_series(const std::string& series) {
  SeriesName n;
  if (series.rfind(kTagPrefix, 0) == 0) {
    n.tag = series.substr(std::char_traits<char>::length(kTagPrefix));
  } else if (const size_t bar = series.find('|'); bar != std::string::npos) {
    n.platform = series.substr(0, bar);
    n.category = series.substr(bar + 1);
  }
  return n;
}

std::string what_of(const SeriesName& n) {
  return n.tag.empty() ? n.platform + " " + n.category + " mentions" : "mentions tagged " + n.tag;
}

}  // namespace

SpikeWatch::SpikeWatch(QueueStore& store, AlertSink& sink, Metrics* metrics, SpikeWatchOptions options)
    : queue_(store),
      sink_(sink),
      metrics_(metrics),
      options_(std::move(options)),
      params_(spike_params_of(options_.config)),
      store_(store.pool(), store.options().prefix, options_.config.history + std::chrono::hours(24)) {}

SpikeWatch::~SpikeWatch() { stop(); }

TimeMs SpikeWatch::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SpikeWatch::count(const std::vector<Mention>& mentions, const std::vector<EnqueueOutcome>& outcomes) {
  if (!options_.config.enabled) return;
  const TimeMs t = now();
  std::map<SpikeStore::Key, std::int64_t> counts;
  std::map<SpikeStore::Key, std::vector<std::string>> samples;
  for (size_t i = 0; i < mentions.size() && i < outcomes.size(); ++i) {
    if (outcomes[i] == EnqueueOutcome::duplicate) continue;
    const Mention& m = mentions[i];
    const TimeMs seen = m.seen_at > 0 ? m.seen_at : t;
    const TimeMs at = m.posted_at > 0 && m.posted_at <= seen + kFutureSlackMs ? m.posted_at : seen;
    const std::int64_t bucket = spike_bucket_start(spike_bucket_of(at));
    auto add = [&](const std::string& series) {
      ++counts[{bucket, series}];
      auto& s = samples[{bucket, series}];
      s.push_back(m.uid);
      if (s.size() > SpikeStore::kSamples) s.erase(s.begin());  // the newest few
    };
    add(m.platform + "|" + to_string(m.decision.category));
    for (const auto& tag : m.decision.tags)
      if (options_.tags.count(tag)) add(kTagPrefix + tag);
  }
  if (counts.empty()) return;
  store_.add(counts, samples, spike_bucket_start(spike_bucket_of(t)), t);
}

size_t SpikeWatch::tick() {
  if (!options_.config.enabled) return 0;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto lease_ttl = std::max<std::chrono::milliseconds>(std::chrono::seconds(60), options_.tick_every * 3);
  if (!queue_.acquire_lease(kLease, options_.instance_id, lease_ttl)) return 0;
  const auto since_ms = store_.since();
  if (!since_ms) return 0;  // nothing counted yet
  const std::int64_t since = spike_bucket_of(*since_ms);
  const std::int64_t last_closed = spike_bucket_of(now() - options_.config.settle.count()) - 1;
  SpikeStore::State state = store_.state();
  std::int64_t from = state.last ? spike_bucket_of(*state.last) + 1 : last_closed;
  from = std::max(from, last_closed - kCatchUpBuckets + 1);
  if (from > last_closed) return 0;

  // The counts the detector reads, loaded a bucket range at a time and kept for this tick.
  std::map<std::int64_t, std::map<std::string, std::int64_t>> cache;
  std::set<std::int64_t> loaded;
  auto load = [&](std::int64_t lo, std::int64_t hi) {  // [lo, hi]
    std::vector<std::int64_t> starts;
    for (std::int64_t b = std::max(lo, since); b <= hi; ++b)
      if (loaded.insert(b).second) starts.push_back(spike_bucket_start(b));
    for (auto& [start, series] : store_.read(starts)) cache[spike_bucket_of(start)] = std::move(series);
  };
  // How far before a bucket (and before the same slot of past weeks) the detector may read: the
  // seasonal window, today's level or the recent baseline, before the window and a held spike.
  const std::int64_t back = params_.seasonal_half_width + std::max(params_.level_buckets, params_.recent_buckets) +
                            params_.max_window + params_.hold_buckets + 1;
  size_t raised = 0;
  for (std::int64_t b = from; b <= last_closed; ++b) {
    for (int w = 0; w <= params_.history_weeks; ++w) {
      const std::int64_t centre = b - w * kSpikeBucketsPerWeek;
      load(centre - back, centre + params_.seasonal_half_width);
    }
    // The series to decide on: those counted in the window, and those with a spike under way.
    std::set<std::string> series;
    for (int k = 0; k < params_.max_window; ++k)
      if (auto it = cache.find(b - k); it != cache.end())
        for (const auto& [name, n] : it->second) series.insert(name);
    for (const auto& [name, text] : state.series)
      if (SpikeState::parse(text).active) series.insert(name);

    std::map<std::string, std::string> changed;
    for (const std::string& name : series) {
      const SpikeCounts counts = [&](std::int64_t x) -> std::int64_t {
        if (x < since) return 0;
        if (!loaded.count(x)) load(x, x);
        auto it = cache.find(x);
        if (it == cache.end()) return 0;
        auto s = it->second.find(name);
        return s == it->second.end() ? 0 : s->second;
      };
      auto st = state.series.find(name);
      const SpikeState before = st == state.series.end() ? SpikeState{} : SpikeState::parse(st->second);
      const SpikeDecision d = evaluate_spike(counts, b, since, before, params_);
      if (d.action == SpikeAction::spike) {
        sink_.raise(spike_alert(name, b, d));
        store_.log_spike(spike_mark(name, b, d), now());
        ++raised;
      } else if (d.action == SpikeAction::over) {
        sink_.raise(over_alert(name, b, d));
        store_.log_over(name, spike_bucket_start(d.state.started), spike_bucket_start(b + 1));
        ++raised;
      }
      if (metrics_ && d.action != SpikeAction::none)
        metrics_->add(metric::spike_alerts_total).inc({to_string(d.action)});
      if (!(d.state == before)) {
        changed[name] = d.state.serialize();
        state.series[name] = changed[name];
      }
    }
    store_.save_state(spike_bucket_start(b), changed);
  }
  return raised;
}

SpikeStore::Mark SpikeWatch::spike_mark(const std::string& series, std::int64_t bucket, const SpikeDecision& d) {
  const SeriesName n = split_series(series);
  SpikeStore::Mark m;
  m.series = series;
  m.platform = n.platform;
  m.category = n.category;
  m.tag = n.tag;
  m.at = spike_bucket_start(bucket - std::max(d.window, 1) + 1);
  m.bucket = spike_bucket_start(bucket);
  m.until = spike_bucket_start(bucket + 1);
  m.count = d.count;
  m.expected = d.expected;
  return m;
}

Alert SpikeWatch::spike_alert(const std::string& series, std::int64_t bucket, const SpikeDecision& d) {
  const SeriesName n = split_series(series);
  const TimeMs end = spike_bucket_start(bucket + 1);
  const int minutes = d.window * 5;
  Alert a;
  a.kind = AlertKind::spike;
  a.key = "spike:" + series + ":" + std::to_string(spike_bucket_start(bucket));
  a.at = now();
  a.title = "Spike: " + std::to_string(d.count) + " " + what_of(n) + " in " + std::to_string(minutes) +
            " min, " + fixed(d.ratio, 1) + "x the usual";
  a.detail = std::to_string(d.count) + " " + what_of(n) + " in the " + std::to_string(minutes) +
             " minutes to " + hhmm_utc(end) + " against " + fixed(d.expected, 1) + " expected (" +
             (d.seasonal ? "the same hour of past weeks" : "the last hours") + ": " + fixed(d.baseline, 1) +
             " per 5 min); Poisson tail p = " + sci(d.p_value) + ".";
  a.facts = {{"Count", std::to_string(d.count)},
             {"Baseline", fixed(d.baseline, 1) + " per 5 min (" + (d.seasonal ? "seasonal" : "recent") + ")"},
             {"Ratio", fixed(d.ratio, 1) + "x"},
             {"p-value", sci(d.p_value)},
             {"Window", std::to_string(minutes) + " min to " + hhmm_utc(end)}};
  if (!n.platform.empty()) a.facts.push_back({"Platform", n.platform});
  if (!n.category.empty()) a.facts.push_back({"Category", n.category});
  if (!n.tag.empty()) a.facts.push_back({"Tag", n.tag});
  a.platform = n.platform;
  a.category = n.category;
  if (!n.tag.empty()) a.tags = {n.tag};
  // Samples: the newest mentions of the window.
  for (int k = 0; k < d.window && a.mentions.size() < SpikeStore::kSamples; ++k) {
    for (const std::string& uid : store_.samples(spike_bucket_start(bucket - k), series)) {
      if (a.mentions.size() >= SpikeStore::kSamples) break;
      const auto record = queue_.get(uid, false);
      if (!record) continue;
      Mention m;
      std::string error;
      if (parse_mention(record->mention_json, m, error)) a.mentions.push_back(alert_mention_of(m));
    }
  }
  return a;
}

Alert SpikeWatch::over_alert(const std::string& series, std::int64_t bucket, const SpikeDecision& d) {
  const SeriesName n = split_series(series);
  const std::int64_t started = d.state.started;  // unchanged by "over"
  Alert a;
  a.kind = AlertKind::spike_over;
  a.key = "spike_over:" + series + ":" + std::to_string(spike_bucket_start(started));
  a.at = now();
  const std::int64_t minutes = (bucket - started + 1) * 5;
  a.title = "Spike over: " + what_of(n) + " back to usual";
  a.detail = "The spike of " + what_of(n) + " raised at " + hhmm_utc(spike_bucket_start(started + 1)) +
             " is over: " + std::to_string(d.bucket_count) + " in the 5 minutes to " +
             hhmm_utc(spike_bucket_start(bucket + 1)) + " against " + fixed(d.baseline, 1) + " expected, after about " +
             std::to_string(minutes) + " minutes.";
  a.facts = {{"Count", std::to_string(d.bucket_count)},
             {"Baseline", fixed(d.baseline, 1) + " per 5 min"},
             {"Lasted", std::to_string(minutes) + " min"}};
  if (!n.platform.empty()) a.facts.push_back({"Platform", n.platform});
  if (!n.category.empty()) a.facts.push_back({"Category", n.category});
  if (!n.tag.empty()) a.facts.push_back({"Tag", n.tag});
  a.platform = n.platform;
  a.category = n.category;
  if (!n.tag.empty()) a.tags = {n.tag};
  return a;
}

void SpikeWatch::start() {
  if (thread_.joinable() || !options_.config.enabled) return;
  {
    std::lock_guard<std::mutex> lock(wait_mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(wait_mutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        tick();
      } catch (const std::exception& e) {
        log::warn("spike evaluation failed", {{"error", e.what()}});
      }
      lock.lock();
      wake_.wait_for(lock, options_.tick_every, [this] { return stopping_; });
    }
  });
}

void SpikeWatch::stop() {
  {
    std::lock_guard<std::mutex> lock(wait_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (!thread_.joinable()) return;
  thread_.join();
  // Another daemon may take over at once rather than when the lease runs out.
  try {
    queue_.release_lease(kLease, options_.instance_id);
  } catch (const std::exception& e) {
    log::debug("spike lease not released", {{"error", e.what()}});
  }
}

}  // namespace carewatch
