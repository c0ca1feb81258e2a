// The latency clock on /metrics: Prometheus histograms fed from the events stream, the same
// source as GET /v1/stats, so both always agree. Every daemon follows the stream from the
// moment it starts, so each instance's histograms describe the whole team's work since then.
#pragma once

#include "daemon/store/queue_store.h"
#include "daemon/telemetry/metrics.h"

namespace carewatch {

class LatencyMetrics {
 public:
  // Registers the histogram families (daemon/telemetry/metric_catalogue.h).
  explicit LatencyMetrics(Metrics& metrics);

  // Observes the duration an event closes, if it carries one (see latency_stats.h):
  //   queued   detect_ms  -> carewatch_queued_detection_delay_seconds{queue,platform,priority}
  //   claimed  wait_ms    -> carewatch_queue_wait_seconds{queue,platform,priority,agent}
  //   replied / reply_sent  frt_ms -> carewatch_first_response_seconds{queue,platform,priority,agent}
  //            (once per mention: an event that replaced a later first response, frt_was_ms,
  //            is not observed again; GET /v1/stats takes the earliest)
  //   reply_sent delivery_ms -> carewatch_reply_delivery_seconds{platform}
  //   resolved resolve_ms -> carewatch_resolution_seconds{queue,platform,priority,agent}
  // Negative or unparsable durations are ignored. Returns true when something was observed.
  bool observe(const Event& event) const;

 private:
  Histogram<3> detection_;
  Histogram<4> queue_wait_, first_response_, resolution_;
  Histogram<1> delivery_;
};

}  // namespace carewatch
