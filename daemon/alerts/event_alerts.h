// Follows the events stream ({P}:events) and raises the alerts its events call for:
//   queued        an urgent mention: priority 0, or a tag one of the routes names (urgent_tags);
//   sla_warning   an SLA threshold passed (written once per mention, target and fraction);
//   sla_breached  an SLA target missed.
// Its position is kept in Redis ({P}:pos:alert-events), written after the alerts of a page are
// raised: a daemon killed mid-page reads the page again, and the alerts' dedup keys make that
// harmless, so an event's alert is raised exactly once. One daemon follows at a time (lease
// "alert-events"); another takes over from the stored position when it goes away. The first
// follower of a Redis starts at the newest event: history from before alerts were configured does
// not page anybody.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "daemon/alerts/alert.h"
#include "daemon/store/position_store.h"
#include "daemon/store/queue_store.h"

namespace carewatch {

struct EventAlertsOptions {
  std::string instance_id;                 // lease token of this daemon
  std::set<std::string> urgent_tags;       // tags that make a queued mention urgent (from the routes)
  bool urgent = true;                      // raise urgent alerts at all (a route takes them)
  bool sla = true;                         // raise SLA alerts at all (a route takes them)
  size_t page = 500;                       // events read per round trip
  std::chrono::milliseconds lease{std::chrono::seconds(30)};
  // The time left to the mention's response target, for the message (nullopt: no target).
  std::function<std::optional<std::int64_t>(const MentionRecord&, TimeMs now)> sla_remaining;
};

class EventAlerts {
 public:
  EventAlerts(QueueStore& store, AlertSink& sink, EventAlertsOptions options);
  // One round: follows the stream to its end (a page at a time) and returns the alerts raised.
  // Throws RedisUnavailable when Redis is away (the position stays where the last page ended).
  size_t tick(TimeMs now);

 private:
  size_t handle(const Event& e, TimeMs now);
  QueueStore& store_;
  AlertSink& sink_;
  PositionStore positions_;
  EventAlertsOptions options_;
};

}  // namespace carewatch
