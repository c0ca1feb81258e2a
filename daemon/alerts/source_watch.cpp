#include "daemon/alerts/source_watch.h"

#include <algorithm>
#include <exception>

#include "daemon/alerts/source_alert.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/metric_catalogue.h"

namespace carewatch {

namespace {

// Compare-and-set attempts before a write is left to the next tick (another writer won each).
constexpr int kAttempts = 5;

}  // namespace

SourceHealthOptions source_health_options(const SourceWatchConfig& c, const WatchedSource& s) {
  SourceHealthOptions o;
  o.enabled = c.enabled && s.enabled;
  o.finite = s.finite;
  o.interval = s.interval;
  o.down_after = c.down_after;
  o.silent_factor = c.silent_factor;
  o.silent_floor = c.silent_floor;
  o.min_history = c.min_history;
  if (auto it = c.overrides.find(s.name); it != c.overrides.end()) {
    const SourceWatchOverride& ov = it->second;
    if (ov.enabled) o.enabled = o.enabled && *ov.enabled;
    if (ov.down_after) o.down_after = *ov.down_after;
    if (ov.silent_after) o.silent_after = *ov.silent_after;
  }
  return o;
}

PollSample poll_sample(TimeMs at, bool ok, bool fatal, bool redis, const std::string& error,
                       const std::vector<Mention>* mentions, const std::vector<EnqueueOutcome>* outcomes) {
  PollSample p;
  p.at = at;
  p.ok = ok;
  p.fatal = fatal;
  p.redis = redis;
  if (!ok) p.error = error;
  if (ok && mentions && outcomes) {
    const size_t n = std::min(mentions->size(), outcomes->size());
    for (size_t i = 0; i < n; ++i) {
      if ((*outcomes)[i] == EnqueueOutcome::duplicate) continue;
      ++p.new_mentions;
      p.newest_posted_at = std::max(p.newest_posted_at, (*mentions)[i].posted_at);
    }
  }
  return p;
}

SourceWatch::SourceWatch(QueueStore& store, AlertSink& sink, std::vector<WatchedSource> sources,
                         SourceWatchConfig config, SourceWatchOptions options, Metrics* metrics)
    : queue_(store),
      store_(store.pool(), store.options().prefix),
      sink_(sink),
      config_(std::move(config)),
      options_(std::move(options)) {
  for (auto& s : sources) {
    if (!s.enabled) continue;  // never polled, never alarmed
    Watched w{s, source_health_options(config_, s)};
    watched_.emplace(s.name, std::move(w));
  }
  if (metrics) {
    quiet_seconds_ = metrics->add(metric::source_quiet_seconds);
    quiet_limit_seconds_ = metrics->add(metric::source_quiet_limit_seconds);
  }
}

SourceWatch::~SourceWatch() { stop(); }

void SourceWatch::record_poll(const std::string& source, const PollSample& sample) {
  if (!config_.enabled || !watched_.count(source)) return;
  try {
    std::lock_guard lock(buffer_mutex_);
    auto& samples = buffer_[source];
    samples.push_back(sample);
    if (samples.size() > options_.max_buffered)
      samples.erase(samples.begin(), samples.end() - static_cast<std::ptrdiff_t>(options_.max_buffered));
  } catch (const std::exception&) {
    // Out of memory: this poll is not recorded; the next one will be.
  }
}

void SourceWatch::flush() {
  std::map<std::string, std::vector<PollSample>> taken;
  {
    std::lock_guard lock(buffer_mutex_);
    taken.swap(buffer_);
  }
  auto put_back = [this](std::map<std::string, std::vector<PollSample>>& rest) {
    std::lock_guard lock(buffer_mutex_);
    for (auto& [name, samples] : rest) {
      auto& now = buffer_[name];
      samples.insert(samples.end(), now.begin(), now.end());  // older first
      now.swap(samples);
      if (now.size() > options_.max_buffered)
        now.erase(now.begin(), now.end() - static_cast<std::ptrdiff_t>(options_.max_buffered));
    }
  };
  for (auto it = taken.begin(); it != taken.end();) {
    const Watched& w = watched_.at(it->first);
    try {
      bool saved = false;
      for (int attempt = 0; attempt < kAttempts && !saved; ++attempt) {
        const SourceHealthRecord rec = store_.load(it->first);
        SourceHealth s = source_health_from_fields(rec.fields);
        for (const PollSample& p : it->second) apply_poll(s, p, w.options);
        saved = store_.save(it->first, rec.version, to_fields(s));
      }
      if (!saved) {
        ++it;  // kept for the next tick
        continue;
      }
    } catch (...) {
      put_back(taken);
      throw;
    }
    it = taken.erase(it);
  }
  put_back(taken);
}

void SourceWatch::evaluate(const Watched& w, TimeMs now) {
  const std::string& name = w.source.name;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const SourceHealthRecord rec = store_.load(name);
    SourceHealth s = source_health_from_fields(rec.fields);
    const SourceHealth before = s;
    const auto transitions = decide(s, w.options, now);
    if (quiet_seconds_ && s.last_mention_at > 0)
      quiet_seconds_->set({name}, static_cast<double>(std::max<TimeMs>(0, now - silence_from(s))) / 1000.0);
    if (quiet_limit_seconds_)
      if (auto limit = silence_limit(s, w.options, now))
        quiet_limit_seconds_->set({name}, static_cast<double>(limit->limit.count()) / 1000.0);
    if (transitions.empty()) return;
    // Raised before the episode is stored: a failure in between raises the same key again, which
    // the sink ignores; the other order could lose the alert.
    for (const auto& t : transitions) {
      const Alert alert = source_alert(name, w.source.type, before, t, now);
      sink_.raise(alert);
      log::write(t.kind == SourceTransition::Kind::down || t.kind == SourceTransition::Kind::silent ? log::Level::warn
                                                                                                    : log::Level::info,
                 alert.title, {{"source", name}, {"alert", to_string(alert.kind)}, {"key", alert.key}});
    }
    if (store_.save(name, rec.version, to_fields(s))) return;
  }
}

void SourceWatch::tick(TimeMs now) {
  if (!config_.enabled) return;
  flush();
  if (!queue_.acquire_lease("sources", options_.instance_id, options_.lease_ttl)) return;
  for (const auto& [name, w] : watched_) evaluate(w, now);
}

void SourceWatch::start() {
  if (thread_.joinable() || !config_.enabled) return;
  {
    std::lock_guard lock(run_mutex_);
    stopping_ = stopped_ = false;
  }
  thread_ = std::thread([this] {
    std::unique_lock lock(run_mutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        tick(now_ms());
      } catch (const RedisUnavailable& e) {
        log::debug("source watch: redis unavailable", {{"error", e.what()}});
      } catch (const std::exception& e) {
        log::error("source watch failed", {{"error", e.what()}});
      }
      lock.lock();
      run_cv_.wait_for(lock, options_.period, [this] { return stopping_; });
    }
  });
}

void SourceWatch::stop() {
  {
    std::lock_guard lock(run_mutex_);
    if (stopped_) return;  // once: the destructor calls it again
    stopped_ = stopping_ = true;
  }
  run_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!config_.enabled) return;
  try {
    flush();  // the polls recorded since the last tick
  } catch (const std::exception&) {
    // Redis away: they are lost with this process; the next polls tell the same.
  }
  try {
    queue_.release_lease("sources", options_.instance_id);
  } catch (const std::exception&) {
    // Redis away: the lease expires by itself.
  }
}

}  // namespace carewatch
