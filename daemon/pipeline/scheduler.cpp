#include "daemon/pipeline/scheduler.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "connectors/http/retry_policy.h"
#include "daemon/pipeline/ingest.h"
#include "daemon/telemetry/log.h"
#include "mention/mention_json.h"

namespace carewatch {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

double seconds(milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

MaintenanceOptions maintenance_options(const SchedulerOptions& o) {
  MaintenanceOptions m = o.maintenance;
  m.instance_id = o.instance_id;
  return m;
}

}  // namespace

struct Scheduler::Impl {
  struct Poller {
    ScheduledSource source;
    asio::steady_timer timer;
    Backoff backoff;
    std::atomic<bool> exhausted{false};
    bool finite = false;
    Poller(ScheduledSource s, asio::io_context& io, milliseconds max_backoff)
        : source(std::move(s)), timer(io), backoff(std::chrono::seconds(1), max_backoff) {}
  };

  QueueStore& store;
  RulesHolder& rules;
  Metrics& metrics;
  SchedulerOptions options;
  asio::io_context io;
  std::vector<std::unique_ptr<Poller>> pollers;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  Maintenance maintenance;

  Impl(QueueStore& s, RulesHolder& r, Metrics& m, std::vector<ScheduledSource> sources,
       SchedulerOptions o)
      : store(s), rules(r), metrics(m), options(std::move(o)), maintenance(io, s, m, maintenance_options(options)) {
    for (auto& src : sources) {
      const bool finite = src.connector->finite();
      pollers.push_back(std::make_unique<Poller>(std::move(src), io, options.max_backoff));
      pollers.back()->finite = finite;
    }
    metrics.describe("carewatch_mentions_total", "counter",
                     "Mentions fetched by a source, by outcome (queued, stored, duplicate).");
    metrics.describe("carewatch_brand_replies_total", "counter",
                     "Replies by the brand's own accounts recorded as first responses.");
    metrics.describe("carewatch_polls_total", "counter", "Polls of a source, by result.");
    metrics.describe("carewatch_poll_errors_total", "counter",
                     "Failed polls of a source, by kind (retry, fatal, redis).");
    metrics.describe("carewatch_source_up", "gauge",
                     "1 when the source's last poll succeeded, 0 when it failed.");
    metrics.describe("carewatch_detection_delay_seconds", "histogram",
                     "Time from a mention's posting to carewatch fetching it.");
    metrics.describe("carewatch_source_warnings_total", "counter",
                     "Input a source skipped but kept going (a malformed line or status), by source.");
  }

  void schedule(Poller& p, milliseconds delay) {
    if (stopping) return;
    p.timer.expires_after(delay);
    p.timer.async_wait([this, &p](const boost::system::error_code& ec) {
      if (!ec && !stopping) poll_once(p);
    });
  }

  void poll_once(Poller& p) {
    const auto& cfg = p.source.config;
    const Labels src{{"source", cfg.name}};
    const milliseconds lease_ttl = std::max<milliseconds>(std::chrono::seconds(30), cfg.interval * 3);
    try {
      if (!store.acquire_lease("poll:" + cfg.name, options.instance_id, lease_ttl)) {
        // Another daemon polls this source; look again in a while in case it goes away.
        schedule(p, std::min(lease_ttl, std::max<milliseconds>(cfg.interval, std::chrono::seconds(5))));
        return;
      }
      const std::string cursor = store.get_cursor(cfg.name).value_or("");
      PollResult result = p.source.connector->poll(cursor);
      if (result.error) {
        const auto& e = *result.error;
        const bool fatal = e.kind == PollError::Kind::fatal;
        metrics.inc("carewatch_poll_errors_total", {{"source", cfg.name}, {"kind", fatal ? "fatal" : "retry"}});
        metrics.inc("carewatch_polls_total", {{"source", cfg.name}, {"result", "error"}});
        metrics.set("carewatch_source_up", src, 0);
        // A fatal error (a rejected token, a missing resource, a cursor the connector cannot
        // read) needs the operator: the source stays down and is tried again only on the slow
        // schedule (max_backoff), so a fixed token or a reset cursor is picked up without a restart.
        const milliseconds delay = fatal ? options.max_backoff : p.backoff.next(e.retry_after);
        const std::string retry_in = std::to_string(seconds(delay));
        const std::string cursor_key = e.bad_cursor ? store.cursor_key(cfg.name) : "";
        const std::string fix = "carewatch reset-cursor --config <file> " + cfg.name;
        std::vector<log::Field> fields{{"source", cfg.name}, {"error", e.message}, {"retry_in_s", retry_in}};
        if (e.bad_cursor) {
          fields.emplace_back("cursor_key", cursor_key);
          fields.emplace_back("fix", fix);
        }
        log::write(fatal ? log::Level::error : log::Level::warn,
                   fatal ? (e.bad_cursor ? "source stopped: its stored cursor cannot be read"
                                         : "source stopped: fix its configuration")
                         : "poll failed",
                   fields);
        schedule(p, delay);
        return;
      }
      Batch& batch = *result.batch;
      for (const auto& w : batch.warnings)
        log::warn("source skipped input", {{"source", cfg.name}, {"warning", w}});
      if (!batch.warnings.empty())
        metrics.inc("carewatch_source_warnings_total", src, static_cast<double>(batch.warnings.size()));
      const auto rule_set = rules.get();
      IngestCounts counts;
      if (!batch.mentions.empty())
        counts = ingest_batch(batch.mentions, *rule_set, store, options.brand_handles);
      if (!batch.next_cursor.empty() && batch.next_cursor != cursor)
        store.set_cursor(cfg.name, batch.next_cursor);  // only now: the batch is enqueued
      p.backoff.reset();
      metrics.inc("carewatch_polls_total", {{"source", cfg.name}, {"result", "ok"}});
      metrics.set("carewatch_source_up", src, 1);
      if (counts.queued) metrics.inc("carewatch_mentions_total", {{"source", cfg.name}, {"outcome", "queued"}}, static_cast<double>(counts.queued));
      if (counts.stored) metrics.inc("carewatch_mentions_total", {{"source", cfg.name}, {"outcome", "stored"}}, static_cast<double>(counts.stored));
      if (counts.duplicates) metrics.inc("carewatch_mentions_total", {{"source", cfg.name}, {"outcome", "duplicate"}}, static_cast<double>(counts.duplicates));
      if (counts.brand_replies) metrics.inc("carewatch_brand_replies_total", src, static_cast<double>(counts.brand_replies));
      for (const auto& m : batch.mentions)
        if (m.posted_at > 0 && m.seen_at >= m.posted_at)
          metrics.observe("carewatch_detection_delay_seconds", {{"platform", m.platform}},
                          static_cast<double>(m.seen_at - m.posted_at) / 1000.0);
      if (!batch.mentions.empty())
        log::debug("batch ingested", {{"source", cfg.name},
                                      {"mentions", std::to_string(batch.mentions.size())},
                                      {"queued", std::to_string(counts.queued)},
                                      {"duplicates", std::to_string(counts.duplicates)}});
      p.exhausted = p.finite && batch.exhausted && !batch.more;
      if (batch.more) schedule(p, milliseconds(0));
      else if (batch.retry_after) schedule(p, *batch.retry_after);
      else schedule(p, cfg.interval);
    } catch (const RedisUnavailable& e) {
      // Pause: the cursor was not stored, so the same page is polled again once Redis is back.
      metrics.inc("carewatch_poll_errors_total", {{"source", cfg.name}, {"kind", "redis"}});
      const milliseconds delay = p.backoff.next();
      log::warn("redis unavailable; source paused",
                {{"source", cfg.name}, {"error", e.what()}, {"retry_in_s", std::to_string(seconds(delay))}});
      schedule(p, delay);
    } catch (const std::exception& e) {
      metrics.inc("carewatch_poll_errors_total", {{"source", cfg.name}, {"kind", "internal"}});
      const milliseconds delay = p.backoff.next();
      log::error("poll failed unexpectedly", {{"source", cfg.name}, {"error", e.what()}});
      schedule(p, delay);
    }
  }
};

Scheduler::Scheduler(QueueStore& store, RulesHolder& rules, Metrics& metrics,
                     std::vector<ScheduledSource> sources, SchedulerOptions options)
    : impl_(std::make_unique<Impl>(store, rules, metrics, std::move(sources), std::move(options))) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  auto& d = *impl_;
  d.maintenance.start();  // before any source runs, so the follower counts their first events
  for (auto& p : d.pollers)
    if (p->source.config.enabled) d.schedule(*p, milliseconds(0));
  size_t n = d.options.threads ? d.options.threads : std::min<size_t>(d.pollers.size() + 1, 8);
  for (size_t i = 0; i < n; ++i) d.threads.emplace_back([&d] { d.io.run(); });
}

void Scheduler::stop() {
  auto& d = *impl_;
  if (d.threads.empty()) return;
  d.stopping = true;
  asio::post(d.io, [&d] {
    for (auto& p : d.pollers) p->timer.cancel();
    d.maintenance.stop();
  });
  for (auto& t : d.threads) t.join();
  d.threads.clear();
  for (auto& p : d.pollers) {
    try {
      d.store.release_lease("poll:" + p->source.config.name, d.options.instance_id);
    } catch (const std::exception&) {
      // Redis away: the lease expires by itself.
    }
  }
}

bool Scheduler::all_exhausted() const {
  for (const auto& p : impl_->pollers)
    if (p->finite && p->source.config.enabled && !p->exhausted) return false;
  return true;
}

}  // namespace carewatch
