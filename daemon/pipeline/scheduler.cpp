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
#include "daemon/store/redis_fields.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/metric_catalogue.h"
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

// The scheduler's metric families (daemon/telemetry/metric_catalogue.h), by handle.
struct PollMetrics {
  explicit PollMetrics(Metrics& m)
      : mentions(m.add(metric::mentions_total)),
        brand_replies(m.add(metric::brand_replies_total)),
        brand_first_responses(m.add(metric::brand_first_responses_total)),
        polls(m.add(metric::polls_total)),
        poll_errors(m.add(metric::poll_errors_total)),
        source_up(m.add(metric::source_up)),
        detection_delay(m.add(metric::detection_delay_seconds)),
        source_warnings(m.add(metric::source_warnings_total)),
        rate_limit_remaining(m.add(metric::source_rate_limit_remaining)),
        posts_read(m.add(metric::source_posts_read_total)),
        budget_used(m.add(metric::source_budget_used_total)),
        budget_remaining(m.add(metric::source_budget_remaining)),
        grouped(m.add(metric::complaints_grouped_total)),
        recurring(m.add(metric::recurring_issues_total)) {}
  Counter<2> mentions;
  Counter<1> brand_replies;
  Counter<1> brand_first_responses;
  Counter<2> polls;
  Counter<2> poll_errors;
  Gauge<1> source_up;
  Histogram<1> detection_delay;
  Counter<1> source_warnings;
  Gauge<1> rate_limit_remaining;
  Counter<1> posts_read;
  Counter<1> budget_used;
  Gauge<1> budget_remaining;
  Counter<1> grouped;
  Counter<1> recurring;

  // What a poll, good or failed, cost the source and what the platform said of its limits.
  void record(const std::string& source, const SourceUsage& u) {
    if (u.rate_limit_remaining) rate_limit_remaining.set({source}, *u.rate_limit_remaining);
    if (u.posts_read) posts_read.inc({source}, static_cast<double>(u.posts_read));
    if (u.budget_used) budget_used.inc({source}, static_cast<double>(u.budget_used));
    if (u.budget_remaining) budget_remaining.set({source}, *u.budget_remaining);
  }
};

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
  PollMetrics metrics;
  SchedulerOptions options;
  asio::io_context io;
  std::vector<std::unique_ptr<Poller>> pollers;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  Maintenance maintenance;
  std::unique_ptr<GroupStore> groups;  // recurring issues; null when disabled
  ComplaintGrouping grouping;

  Impl(QueueStore& s, RulesHolder& r, Metrics& m, std::vector<ScheduledSource> sources,
       SchedulerOptions o)
      : store(s), rules(r), metrics(m), options(std::move(o)), maintenance(io, s, m, maintenance_options(options)) {
    for (auto& src : sources) {
      const bool finite = src.connector->finite();
      pollers.push_back(std::make_unique<Poller>(std::move(src), io, options.max_backoff));
      pollers.back()->finite = finite;
    }
    if (options.recurring.enabled) {
      const auto& r = options.recurring;
      groups = std::make_unique<GroupStore>(store.pool(), store.options().prefix, group_store_options(r));
      grouping.groups = groups.get();
      grouping.signature.bands = r.bands;
      grouping.signature.rows = r.rows;
    }
  }

  void schedule(Poller& p, milliseconds delay) {
    if (stopping) return;
    p.timer.expires_after(delay);
    p.timer.async_wait([this, &p](const boost::system::error_code& ec) {
      if (!ec && !stopping) poll_once(p);
    });
  }

  // Tells options.on_poll (the detectors) what a poll came to; never throws.
  void report(const Poller& p, PollReport r) {
    if (!options.on_poll) return;
    r.source = p.source.config.name;
    r.type = p.source.config.type;
    r.at = now_ms();
    try {
      options.on_poll(r);
    } catch (const std::exception& e) {
      log::error("poll report failed", {{"source", r.source}, {"error", e.what()}});
    }
  }

  void poll_once(Poller& p) {
    const auto& cfg = p.source.config;
    const milliseconds lease_ttl = std::max<milliseconds>(std::chrono::seconds(30), cfg.interval * 3);
    try {
      if (!store.acquire_lease("poll:" + cfg.name, options.instance_id, lease_ttl)) {
        // Another daemon polls this source; look again in a while in case it goes away.
        schedule(p, std::min(lease_ttl, std::max<milliseconds>(cfg.interval, std::chrono::seconds(5))));
        return;
      }
      const std::string cursor = store.get_cursor(cfg.name).value_or("");
      PollResult result = p.source.connector->poll(cursor);
      metrics.record(cfg.name, result.usage);
      if (result.error) {
        const auto& e = *result.error;
        const bool fatal = e.kind == PollError::Kind::fatal;
        metrics.poll_errors.inc({cfg.name, fatal ? "fatal" : "retry"});
        metrics.polls.inc({cfg.name, "error"});
        metrics.source_up.set({cfg.name}, 0);
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
        PollReport failed;
        failed.fatal = fatal;
        failed.error = e.message;
        report(p, std::move(failed));
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
      for (const auto& n : batch.notes) log::info("source says", {{"source", cfg.name}, {"note", n}});
      if (!batch.warnings.empty())
        metrics.source_warnings.inc({cfg.name}, static_cast<double>(batch.warnings.size()));
      const auto rule_set = rules.get();
      IngestCounts counts;
      if (!batch.mentions.empty())
        counts = ingest_batch(batch.mentions, *rule_set, store, options.brand_handles, grouping);
      if (!batch.next_cursor.empty() && batch.next_cursor != cursor)
        store.set_cursor(cfg.name, batch.next_cursor);  // only now: the batch is enqueued
      p.backoff.reset();
      PollReport done;
      done.ok = true;
      done.mentions = &batch.mentions;
      done.outcomes = &counts.outcomes;
      report(p, std::move(done));
      metrics.polls.inc({cfg.name, "ok"});
      metrics.source_up.set({cfg.name}, 1);
      if (counts.queued) metrics.mentions.inc({cfg.name, "queued"}, static_cast<double>(counts.queued));
      if (counts.stored) metrics.mentions.inc({cfg.name, "stored"}, static_cast<double>(counts.stored));
      if (counts.duplicates) metrics.mentions.inc({cfg.name, "duplicate"}, static_cast<double>(counts.duplicates));
      if (counts.brand_replies) metrics.brand_replies.inc({cfg.name}, static_cast<double>(counts.brand_replies));
      if (counts.brand_first_responses)
        metrics.brand_first_responses.inc({cfg.name}, static_cast<double>(counts.brand_first_responses));
      if (counts.grouped) metrics.grouped.inc({cfg.name}, static_cast<double>(counts.grouped));
      if (counts.groups_announced) metrics.recurring.inc({cfg.name}, static_cast<double>(counts.groups_announced));
      for (const auto& m : batch.mentions)
        if (const auto delay = detection_delay_ms(m.posted_at, m.seen_at); delay && *delay >= 0)
          metrics.detection_delay.observe({m.platform}, static_cast<double>(*delay) / 1000.0);
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
      // The source is down until then: nothing it fetches can be queued.
      metrics.poll_errors.inc({cfg.name, "redis"});
      metrics.source_up.set({cfg.name}, 0);
      PollReport paused;
      paused.redis = true;
      paused.error = e.what();
      report(p, std::move(paused));
      const milliseconds delay = p.backoff.next();
      log::warn("redis unavailable; source paused",
                {{"source", cfg.name}, {"error", e.what()}, {"retry_in_s", std::to_string(seconds(delay))}});
      schedule(p, delay);
    } catch (const std::exception& e) {
      metrics.poll_errors.inc({cfg.name, "internal"});
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
