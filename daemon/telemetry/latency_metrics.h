// The latency clock on /metrics: Prometheus histograms fed from the events stream, the same
// source as GET /v1/stats, so both always agree. Every daemon follows the stream from the
// moment it starts, so each instance's histograms describe the whole team's work since then.
#pragma once

#include "daemon/telemetry/metrics.h"
#include "daemon/store/queue_store.h"

namespace carewatch {

// Declares the histogram families (HELP/TYPE); call once.
void describe_latency_metrics(Metrics& metrics);

// Observes the duration an event closes, if it carries one (see daemon/latency_stats.h):
//   queued   detect_ms  -> carewatch_queued_detection_delay_seconds{queue,platform,priority}
//   claimed  wait_ms    -> carewatch_queue_wait_seconds{queue,platform,priority,agent}
//   replied  frt_ms     -> carewatch_first_response_seconds{queue,platform,priority,agent}
//   resolved resolve_ms -> carewatch_resolution_seconds{queue,platform,priority,agent}
// Negative or unparsable durations are ignored. Returns true when something was observed.
bool observe_latency(const Event& event, Metrics& metrics);

}  // namespace carewatch
