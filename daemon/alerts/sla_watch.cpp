#include "daemon/alerts/sla_watch.h"

#include <algorithm>

#include "daemon/store/redis_fields.h"
#include "daemon/telemetry/log.h"

namespace carewatch {

SlaWatch::SlaWatch(SlaStore& store, const SlaPolicies& policies, Metrics* metrics, SlaWatchOptions options, Clock now)
    : store_(store), policies_(policies), options_(options), now_(now ? std::move(now) : Clock(&now_ms)) {
  if (options_.batch == 0) options_.batch = 1;
  if (metrics) {
    warnings_.emplace(metrics->add(metric::sla_warnings_total));
    breaches_.emplace(metrics->add(metric::sla_breaches_total));
    open_.emplace(metrics->add(metric::sla_open));
  }
}

SlaWatch::~SlaWatch() { stop(); }

SlaTickReport SlaWatch::tick() {
  SlaTickReport report;
  const TimeMs now = now_();
  while (report.looked < options_.max_per_tick) {
    const auto due = store_.take_due(now, options_.batch, options_.hold);
    for (const auto& d : due) {
      ++report.looked;
      const auto q = d.state.find(redis_field::queue);
      const std::string queue = q == d.state.end() ? std::string() : q->second;
      const SlaEvaluation e = evaluate_sla(d.state, now, policies_);

      std::vector<SlaFire> fires;
      for (const auto& c : e.clocks)
        for (const auto& t : c.thresholds)
          if (t.due) {
            SlaFire f;
            f.breach = t.breach;
            f.target = to_string(c.target);
            f.fraction = t.token();
            f.at = t.at;
            f.target_ms = c.target_ms;
            f.elapsed_ms = c.elapsed_ms;
            f.response_clock = c.target != SlaTarget::resolution;
            fires.push_back(std::move(f));
          }

      std::optional<TimeMs> next_look, deadline;
      if (e.any_running()) {
        const TimeMs latest = now + options_.recheck.count();
        next_look = std::min(e.next_threshold(now).value_or(latest), latest);
        if (const SlaTargetClock* u = e.urgent(); u && u->deadline > 0) deadline = u->deadline;
      } else {
        ++report.closed;
      }
      const std::vector<bool> wrote = store_.update(d.uid, queue, now, next_look, deadline, fires);
      for (size_t i = 0; i < fires.size(); ++i) {
        if (!wrote[i]) continue;
        const auto& f = fires[i];
        (f.breach ? report.breaches : report.warnings)++;
        const auto& family = f.breach ? breaches_ : warnings_;
        if (family) family->inc({queue, f.target});
      }
    }
    if (due.size() < options_.batch) break;
  }
  if (open_) open_->set({}, static_cast<double>(store_.open_count()));
  return report;
}

void SlaWatch::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void SlaWatch::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SlaWatch::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      const SlaTickReport r = tick();
      if (r.warnings || r.breaches)
        log::info("sla: thresholds written", {{"warnings", std::to_string(r.warnings)},
                                              {"breaches", std::to_string(r.breaches)}});
    } catch (const std::exception& e) {
      log::warn("sla: watch tick failed", {{"error", e.what()}});
    }
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace carewatch
