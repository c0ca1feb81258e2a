// The daily digest: once a day, at a set local time, one alert with each queue's figures for the
// last 24 hours (mentions queued, first responses and their p50 / p90, resolved, SLA warnings and
// breaches, waiting now and the oldest wait). The figures are aggregated while the day's events
// are read a page at a time: the day is never held in memory. One daemon raises it (lease
// "digest"); its key "digest:<local date>" makes a second try that day (a restart) harmless.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/alerts/alert.h"
#include "daemon/store/queue_store.h"
#include "daemon/telemetry/latency_stats.h"

namespace carewatch {

struct DigestOptions {
  std::string instance_id;                 // lease token of this daemon
  int hour = 9, minute = 0;                // local time of day it is sent
  std::string time_zone;                   // IANA zone of that time; "" = UTC
};

// One queue's day.
struct QueueDay {
  std::string queue;
  std::int64_t queued = 0;
  std::int64_t first_responses = 0;
  Summary first_response;                  // seconds
  std::int64_t resolved = 0;
  std::int64_t sla_warnings = 0;
  std::int64_t sla_breaches = 0;
  std::int64_t waiting = 0;                // now: not yet claimed
  std::int64_t claimed = 0;                // now: claimed, not resolved
  TimeMs oldest_queued_at = 0;             // now: the longest waiting, 0 when none waits
};

// Aggregates events one at a time (pure).
class DigestTally {
 public:
  void add(const Event& e);
  void add_depth(const QueueDepth& d);
  std::vector<QueueDay> days();            // sorted by queue name; "(none)" never appears

 private:
  std::map<std::string, QueueDay> queues_;
  std::map<std::string, std::vector<long long>> frt_;
  std::set<std::string> answered_;         // uids whose first response was counted
};

// The digest alert (kind digest, key "digest:<date>"), `date` the local date it is for.
Alert digest_alert(const std::vector<QueueDay>& days, const std::string& date, TimeMs since, TimeMs until, TimeMs now);

// "2026-12-04" and whether hh:mm has passed there, for `now` in `time_zone` ("" = UTC). Throws
// std::runtime_error for an unknown zone.
struct LocalDay {
  std::string date;
  bool due = false;
};
LocalDay local_day(TimeMs now, const std::string& time_zone, int hour, int minute);

class DailyDigest {
 public:
  DailyDigest(QueueStore& store, AlertSink& sink, DigestOptions options);
  // Raises the day's digest once the local time passed; true when it raised one this call.
  bool tick(TimeMs now);

 private:
  QueueStore& store_;
  AlertSink& sink_;
  DigestOptions options_;
  std::string raised_for_;                 // the local date raised by this daemon
};

}  // namespace carewatch
