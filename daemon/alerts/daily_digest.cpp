#include "daemon/alerts/daily_digest.h"

#include <date/tz.h>

#include <cstdio>
#include <stdexcept>

#include "daemon/alerts/mention_alerts.h"
#include "daemon/store/redis_fields.h"

namespace carewatch {

namespace {

std::string field(const Event& e, const char* name) {
  const auto it = e.fields.find(name);
  return it == e.fields.end() ? std::string() : it->second;
}

std::string seconds_words(double s) { return short_span(static_cast<std::int64_t>(s * 1000)); }

}  // namespace

void DigestTally::add(const Event& e) {
  const std::string queue = field(e, redis_field::queue);
  if (queue.empty()) return;  // not routed to a human
  QueueDay& d = queues_[queue];
  d.queue = queue;
  if (e.type == "queued") {
    ++d.queued;
  } else if (e.type == "resolved") {
    ++d.resolved;
  } else if (e.type == "sla_warning") {
    ++d.sla_warnings;
  } else if (e.type == "sla_breached") {
    ++d.sla_breaches;
  } else if (const std::string frt = field(e, redis_field::frt_ms); !frt.empty()) {
    // The first frt_ms of a mention in the day (a later, earlier native reply may replace it; the
    // digest counts the response once).
    if (!answered_.insert(e.uid).second) return;
    try {
      frt_[queue].push_back(std::stoll(frt));
      ++d.first_responses;
    } catch (const std::exception&) {
    }
  }
}

void DigestTally::add_depth(const QueueDepth& q) {
  QueueDay& d = queues_[q.queue];
  d.queue = q.queue;
  d.waiting += q.waiting;
  d.claimed += q.claimed;
  if (q.oldest_queued_at > 0 && (d.oldest_queued_at == 0 || q.oldest_queued_at < d.oldest_queued_at))
    d.oldest_queued_at = q.oldest_queued_at;
}

std::vector<QueueDay> DigestTally::days() {
  std::vector<QueueDay> out;
  for (auto& [name, d] : queues_) {
    auto& samples = frt_[name];
    d.first_response = summarize(samples);
    out.push_back(d);
  }
  return out;
}

Alert digest_alert(const std::vector<QueueDay>& days, const std::string& date, TimeMs since, TimeMs until,
                   TimeMs now) {
  Alert a;
  a.kind = AlertKind::digest;
  a.key = "digest:" + date;
  a.at = now;
  std::int64_t queued = 0, answered = 0, breaches = 0, waiting = 0;
  for (const auto& d : days) {
    queued += d.queued;
    answered += d.first_responses;
    breaches += d.sla_breaches;
    waiting += d.waiting;
  }
  a.title = "Daily digest for " + date + ": " + std::to_string(queued) + " queued, " + std::to_string(answered) +
            " answered, " + std::to_string(breaches) + " SLA breaches, " + std::to_string(waiting) + " waiting";
  a.detail = "The last 24 hours, " + format_iso8601(since) + " to " + format_iso8601(until) + ", per queue.";
  for (const auto& d : days) {
    std::string v = std::to_string(d.queued) + " queued, " + std::to_string(d.first_responses) + " answered";
    if (d.first_response.count)
      v += " (first response p50 " + seconds_words(d.first_response.p50) + ", p90 " +
           seconds_words(d.first_response.p90) + ")";
    v += ", " + std::to_string(d.resolved) + " resolved, " + std::to_string(d.sla_warnings) + " SLA warnings, " +
         std::to_string(d.sla_breaches) + " breaches; now " + std::to_string(d.waiting) + " waiting, " +
         std::to_string(d.claimed) + " claimed";
    if (d.oldest_queued_at > 0) v += ", oldest waiting " + short_span(now - d.oldest_queued_at);
    a.facts.push_back({d.queue, v});
  }
  if (days.empty()) a.facts.push_back({"Queues", "nothing was queued"});
  return a;
}

LocalDay local_day(TimeMs now, const std::string& time_zone, int hour, int minute) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(now)};
  date::local_time<milliseconds> local;
  if (time_zone.empty()) {
    local = date::local_time<milliseconds>{t.time_since_epoch()};
  } else {
    const date::time_zone* zone = nullptr;
    try {
      zone = date::locate_zone(time_zone);
    } catch (const std::exception&) {
      throw std::runtime_error("unknown time zone \"" + time_zone + "\"");
    }
    local = zone->to_local(t);
  }
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  const auto since_midnight = duration_cast<minutes>(local - day).count();
  return {buf, since_midnight >= hour * 60 + minute};
}

DailyDigest::DailyDigest(QueueStore& store, AlertSink& sink, DigestOptions options)
    : store_(store), sink_(sink), options_(std::move(options)) {}

bool DailyDigest::tick(TimeMs now) {
  const LocalDay today = local_day(now, options_.time_zone, options_.hour, options_.minute);
  if (!today.due || today.date == raised_for_) return false;
  if (!store_.acquire_lease("digest", options_.instance_id, std::chrono::minutes(2))) return false;
  const TimeMs since = now - 24LL * 3600 * 1000;
  DigestTally tally;
  // Page through the day's events from the first one at or after `since`.
  std::vector<Event> page = store_.events(since, now, 1000);
  while (!page.empty()) {
    for (const Event& e : page)
      if (e.at <= now) tally.add(e);
    if (page.size() < 1000 || page.back().at > now) break;
    page = store_.events_after(page.back().id, 1000);
  }
  for (const auto& d : store_.depths()) tally.add_depth(d);
  sink_.raise(digest_alert(tally.days(), today.date, since, now, now));
  raised_for_ = today.date;
  return true;
}

}  // namespace carewatch
