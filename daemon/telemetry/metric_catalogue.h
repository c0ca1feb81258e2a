// Every metric family carewatch exposes on /metrics, declared once: name, type, help text and
// label names. Code records through handles made from these constants (Metrics::add), so a
// misspelt family does not compile and a wrong number of label values does not either.
// tests/unit/telemetry/metric_catalogue_test.cpp holds this list to the README's metrics table.
#pragma once

#include <string>
#include <string_view>

#include "daemon/telemetry/metrics.h"

namespace carewatch::metric {

// The one label form of a priority, on every family that has a "priority" label (and in
// /v1/stats?by=priority): "p0" (most urgent) to "p3"; "unknown" when an event carries none.
inline std::string priority_label(int priority) { return "p" + std::to_string(priority); }
inline std::string priority_label(std::string_view stored) {
  return stored.empty() ? "unknown" : "p" + std::string(stored);
}

// Polling (daemon/pipeline/scheduler.cpp).
inline constexpr CounterFamily<2> mentions_total{
    "carewatch_mentions_total", "Mentions fetched by a source, by outcome (queued, stored, duplicate).",
    {"source", "outcome"}};
inline constexpr CounterFamily<2> polls_total{"carewatch_polls_total", "Polls of a source, by result.",
                                              {"source", "result"}};
inline constexpr CounterFamily<2> poll_errors_total{
    "carewatch_poll_errors_total", "Failed polls of a source, by kind (retry, fatal, redis).", {"source", "kind"}};
inline constexpr GaugeFamily<1> source_up{"carewatch_source_up",
                                          "1 when the source's last poll succeeded, 0 when it failed.", {"source"}};
inline constexpr CounterFamily<1> source_warnings_total{
    "carewatch_source_warnings_total",
    "Input a source skipped but kept going (a malformed line or status), by source.", {"source"}};
inline constexpr GaugeFamily<1> source_rate_limit_remaining{
    "carewatch_source_rate_limit_remaining",
    "Calls left in the platform's current rate-limit window, as its headers last said.", {"source"}};
inline constexpr CounterFamily<1> source_posts_read_total{
    "carewatch_source_posts_read_total",
    "Items the platform returned to a source's polls, duplicates and skipped ones included (what X bills).",
    {"source"}};
inline constexpr CounterFamily<1> source_budget_used_total{
    "carewatch_source_budget_used_total",
    "Units of a source's daily budget spent, in the platform's unit (posts read on X, quota units on YouTube).",
    {"source"}};
inline constexpr GaugeFamily<1> source_budget_remaining{
    "carewatch_source_budget_remaining", "What is left of a source's daily budget today, in the platform's unit.",
    {"source"}};
inline constexpr CounterFamily<1> brand_replies_total{
    "carewatch_brand_replies_total",
    "Replies made on the platform by the brand's own accounts and recorded (posts carewatch made excluded).",
    {"source"}};
inline constexpr CounterFamily<1> brand_first_responses_total{
    "carewatch_brand_first_responses_total",
    "Replies by the brand's own accounts that became a mention's first response (or replaced a later one).",
    {"source"}};
// Recurring issues (daemon/pipeline/ingest.h, daemon/store/group_store.h).
inline constexpr CounterFamily<1> complaints_grouped_total{
    "carewatch_complaints_grouped_total", "Complaints put in a recurring-issue group at ingest.", {"source"}};
inline constexpr CounterFamily<1> recurring_issues_total{
    "carewatch_recurring_issues_total",
    "Recurring-issue groups that reached min_mentions complaints from min_authors authors (one alert each).",
    {"source"}};
inline constexpr HistogramFamily<1> detection_delay_seconds{
    "carewatch_detection_delay_seconds", "Time from a mention's posting to carewatch fetching it.", {"platform"}};

// The source watch (daemon/alerts/source_watch.cpp), on the daemon holding the "sources" lease.
inline constexpr GaugeFamily<1> source_quiet_seconds{
    "carewatch_source_quiet_seconds",
    "Seconds since a source last brought a new mention (or since its silence clock restarted).", {"source"}};
inline constexpr GaugeFamily<1> source_quiet_limit_seconds{
    "carewatch_source_quiet_limit_seconds",
    "Seconds of quiet after which a source counts as silent, as learnt from its history (once learnt).", {"source"}};

// The private redis-server's supervision (daemon/cli/run_command.cpp).
inline constexpr CounterFamily<0> redis_restarts_total{
    "carewatch_redis_restarts_total", "Restarts of the private redis-server after it exited on its own.", {}};

// Maintenance loops (daemon/pipeline/maintenance.cpp, daemon/telemetry/latency_metrics.cpp).
inline constexpr CounterFamily<0> claims_expired_total{
    "carewatch_claims_expired_total", "Claims whose lease expired and that the reaper gave back.", {}};
inline constexpr HistogramFamily<3> queued_detection_delay_seconds{
    "carewatch_queued_detection_delay_seconds", "Time from posting to fetching, for mentions routed to a queue.",
    {"queue", "platform", "priority"}};
inline constexpr HistogramFamily<4> queue_wait_seconds{
    "carewatch_queue_wait_seconds", "Time a mention waited in its queue before its first claim.",
    {"queue", "platform", "priority", "agent"}};
inline constexpr HistogramFamily<4> first_response_seconds{
    "carewatch_first_response_seconds",
    "First response time: from posting to the first reply the customer could see (an agent's reply once the "
    "platform accepted it, a native brand reply, or one recorded as external).",
    {"queue", "platform", "priority", "agent"}};
inline constexpr HistogramFamily<4> resolution_seconds{
    "carewatch_resolution_seconds", "Time from posting to resolution.", {"queue", "platform", "priority", "agent"}};

// Replies (daemon/pipeline/reply_sender.cpp, daemon/telemetry/latency_metrics.cpp).
inline constexpr CounterFamily<2> replies_total{
    "carewatch_replies_total",
    "Attempts to post agents' replies, by platform and outcome (sent, retry, failed, reconciled).",
    {"platform", "outcome"}};
inline constexpr GaugeFamily<0> outbox_depth{"carewatch_outbox_depth",
                                             "Replies waiting to be posted or being posted.", {}};
inline constexpr HistogramFamily<1> reply_delivery_seconds{
    "carewatch_reply_delivery_seconds", "Time from an agent submitting a reply to the platform accepting it.",
    {"platform"}};

// Alerts (daemon/alerts/alert_outbox.cpp, alert_sender.cpp).
inline constexpr CounterFamily<3> alerts_total{
    "carewatch_alerts_total",
    "Alerts by kind, channel and outcome: queued, deduplicated, unrouted (no route took it), sent, folded (delivered "
    "inside a digest; the digest itself counts as kind digest, sent), retried, failed.",
    {"kind", "channel", "outcome"}};
inline constexpr CounterFamily<2> alert_errors_total{
    "carewatch_alert_errors_total",
    "Error answers of alert channels, by channel and error (Slack's code such as channel_not_found, or http_<status>).",
    {"channel", "error"}};
inline constexpr GaugeFamily<1> alert_outbox_depth{
    "carewatch_alert_outbox_depth", "Alerts waiting for a channel or being sent to it.", {"channel"}};

// The HTTP API (daemon/api/).
inline constexpr CounterFamily<2> http_requests_total{
    "carewatch_http_requests_total", "HTTP API requests, by route pattern and status.", {"route", "status"}};
inline constexpr GaugeFamily<2> queue_waiting{
    "carewatch_queue_waiting", "Mentions waiting in a queue (not yet claimed), by queue and priority.",
    {"queue", "priority"}};
inline constexpr GaugeFamily<2> queue_claimed{
    "carewatch_queue_claimed", "Mentions claimed and not yet resolved, by queue and priority.", {"queue", "priority"}};
inline constexpr GaugeFamily<2> queue_oldest_age_seconds{
    "carewatch_queue_oldest_age_seconds", "Age of the oldest waiting mention in seconds, by queue and priority.",
    {"queue", "priority"}};

// SLA timers (daemon/alerts/sla_watch.cpp).
inline constexpr CounterFamily<2> sla_warnings_total{
    "carewatch_sla_warnings_total", "SLA warnings written (event sla_warning), by queue and target.", {"queue", "target"}};
inline constexpr CounterFamily<2> sla_breaches_total{
    "carewatch_sla_breaches_total", "SLA breaches written (event sla_breached), by queue and target.", {"queue", "target"}};
inline constexpr GaugeFamily<0> sla_open{"carewatch_sla_open",
                                         "Queued mentions whose SLA clocks the watch still looks at.", {}};
// The spike detector (daemon/alerts/spike_watch.cpp).
inline constexpr CounterFamily<1> spike_alerts_total{
    "carewatch_spike_alerts_total",
    "Decisions of the spike detector, by kind (spike, over, suppressed: a spike within the cooldown).",
    {"kind"}};

// All of the above, for tests and documentation.
inline const MetricFamilyInfo kCatalogue[] = {
    mentions_total, polls_total, poll_errors_total, source_up, source_warnings_total, brand_replies_total,
    detection_delay_seconds, claims_expired_total, queued_detection_delay_seconds, queue_wait_seconds,
    first_response_seconds, resolution_seconds, http_requests_total, queue_waiting, queue_claimed,
    queue_oldest_age_seconds, redis_restarts_total, brand_first_responses_total, replies_total, outbox_depth,
    reply_delivery_seconds, source_rate_limit_remaining, source_posts_read_total, source_budget_used_total,
    source_budget_remaining, alerts_total, alert_errors_total, alert_outbox_depth, sla_warnings_total, sla_breaches_total, sla_open, spike_alerts_total, source_quiet_seconds, source_quiet_limit_seconds, complaints_grouped_total, recurring_issues_total};

}  // namespace carewatch::metric
