#include "daemon/pipeline/maintenance.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <optional>

#include "connectors/http/retry_policy.h"
#include "daemon/pipeline/depth_sampler.h"
#include "daemon/store/export_store.h"
#include "daemon/telemetry/latency_metrics.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/metric_catalogue.h"

namespace carewatch {

namespace asio = boost::asio;
using std::chrono::milliseconds;

struct Maintenance::Impl {
  asio::io_context& io;
  QueueStore& store;
  MaintenanceOptions options;
  Counter<0> claims_expired;
  LatencyMetrics latency;
  std::atomic<bool> stopping{false};
  asio::steady_timer reap_timer{io};
  asio::steady_timer trim_timer{io};
  asio::steady_timer follow_timer{io};
  asio::steady_timer sample_timer{io};
  DepthSampler sampler{store};
  std::optional<std::string> last_event;  // events stream position of the latency follower
  Backoff reap_backoff{std::chrono::seconds(1), std::chrono::seconds(30)};

  Impl(asio::io_context& i, QueueStore& s, Metrics& m, MaintenanceOptions o)
      : io(i), store(s), options(std::move(o)), claims_expired(m.add(metric::claims_expired_total)), latency(m) {}

  // Runs `round` now and then every `interval` (or what it returns) until stopped.
  void loop(asio::steady_timer& timer, void (Impl::*round)(milliseconds&), milliseconds interval) {
    milliseconds next = interval;
    (this->*round)(next);
    if (stopping) return;
    timer.expires_after(next);
    timer.async_wait([this, &timer, round, interval](const boost::system::error_code& ec) {
      if (!ec && !stopping) loop(timer, round, interval);
    });
  }

  size_t reap(milliseconds& next) {
    try {
      size_t n = 0;
      if (store.acquire_lease("reaper", options.instance_id,
                              std::max<milliseconds>(options.reap_interval * 3, std::chrono::seconds(15)))) {
        n = store.reap_expired();
        if (n) {
          claims_expired.inc({}, static_cast<double>(n));
          log::info("expired claims given back", {{"count", std::to_string(n)}});
        }
      }
      reap_backoff.reset();
      return n;
    } catch (const RedisUnavailable&) {
      next = reap_backoff.next();
    } catch (const std::exception& e) {
      log::error("reaper failed", {{"error", e.what()}});
    }
    return 0;
  }
  void reap_round(milliseconds& next) { reap(next); }

  void trim_round(milliseconds&) {
    try {
      if (store.acquire_lease("trimmer", options.instance_id, std::chrono::minutes(5))) {
        store.trim(now_ms() - options.retention.count());
        sweep_export_index();
      }
    } catch (const std::exception& e) {
      log::warn("trim failed", {{"error", e.what()}});
    }
  }

  // The export's index loses the members whose mention expired (daemon/store/export_store.h).
  void sweep_export_index() {
    ExportStore index(store.pool(), store.options().prefix);
    const auto ttl = std::chrono::duration_cast<milliseconds>(store.options().dedup_ttl);
    const ExportSweep s = index.sweep(now_ms() - ttl.count());
    if (s.removed) log::info("export index swept", {{"removed", std::to_string(s.removed)}});
  }

  size_t follow() {
    size_t observed = 0;
    try {
      if (!last_event) last_event = store.last_event_id();
      for (int round = 0; round < 20; ++round) {
        const auto events = store.events_after(*last_event, 2000);
        for (const auto& e : events) latency.observe(e);
        observed += events.size();
        if (!events.empty()) last_event = events.back().id;
        if (events.size() < 2000) break;
      }
    } catch (const RedisUnavailable&) {
      // Paused with everything else; picks up where it stood once Redis is back.
    } catch (const std::exception& e) {
      log::warn("latency follower failed", {{"error", e.what()}});
    }
    return observed;
  }
  void follow_round(milliseconds&) { follow(); }

  // Whether the current minute has its depth sample now (this daemon's or another's).
  bool sample(bool* recorded = nullptr) {
    try {
      const auto outcome = sampler.sample(now_ms());
      if (recorded) *recorded = outcome == DepthSampler::Outcome::recorded;
      return outcome != DepthSampler::Outcome::no_queues;
    } catch (const RedisUnavailable&) {
      // Tried again shortly; another daemon may take the minute meanwhile.
    } catch (const std::exception& e) {
      log::warn("depth sample failed", {{"error", e.what()}});
    }
    if (recorded) *recorded = false;
    return false;
  }
  void sample_round(milliseconds& next) {
    const bool done = sample();
    next = DepthSampler::until_next(now_ms(), done);
  }
};

Maintenance::Maintenance(asio::io_context& io, QueueStore& store, Metrics& metrics, MaintenanceOptions options)
    : impl_(std::make_unique<Impl>(io, store, metrics, std::move(options))) {}

Maintenance::~Maintenance() = default;

void Maintenance::start() {
  auto& d = *impl_;
  d.stopping = false;
  // The latency follower counts what happens from now on: take the stream's position before any
  // source runs, so the first batches' events are not skipped.
  try {
    d.last_event = d.store.last_event_id();
  } catch (const std::exception&) {
    // Redis away: the follower takes the position once it is back.
  }
  asio::post(d.io, [&d] { d.loop(d.reap_timer, &Impl::reap_round, d.options.reap_interval); });
  asio::post(d.io, [&d] { d.loop(d.trim_timer, &Impl::trim_round, d.options.trim_interval); });
  asio::post(d.io, [&d] { d.loop(d.follow_timer, &Impl::follow_round, d.options.follow_interval); });
  asio::post(d.io, [&d] { d.loop(d.sample_timer, &Impl::sample_round, std::chrono::minutes(1)); });
}

void Maintenance::stop() {
  auto& d = *impl_;
  d.stopping = true;
  d.reap_timer.cancel();
  d.trim_timer.cancel();
  d.follow_timer.cancel();
  d.sample_timer.cancel();
}

size_t Maintenance::reap_once() {
  milliseconds next = impl_->options.reap_interval;
  return impl_->reap(next);
}
void Maintenance::trim_once() {
  milliseconds next = impl_->options.trim_interval;
  impl_->trim_round(next);
}
size_t Maintenance::follow_once() { return impl_->follow(); }
bool Maintenance::sample_once() {
  bool recorded = false;
  impl_->sample(&recorded);
  return recorded;
}

}  // namespace carewatch
