// The maintenance loops every daemon runs beside its pollers, on the scheduler's io_context:
//   reaper    gives expired claims back to their queue (one daemon at a time, by lease);
//   trimmer   trims the events stream and acknowledged queue entries past the retention, and
//             sweeps expired mentions out of the export's index (one daemon at a time, by lease);
//   follower  follows the events stream into the latency histograms of /metrics (every daemon,
//             from where the stream stood when it started);
//   sampler   records the depth of every queue once a minute (every daemon; the first to record
//             a minute keeps it: daemon/pipeline/depth_sampler.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "daemon/store/queue_store.h"
#include "daemon/telemetry/metrics.h"

namespace boost::asio {
class io_context;
}

namespace carewatch {

struct MaintenanceOptions {
  std::string instance_id;                     // lease token of this daemon
  std::chrono::milliseconds reap_interval{std::chrono::seconds(5)};
  std::chrono::milliseconds trim_interval{std::chrono::hours(1)};
  std::chrono::milliseconds follow_interval{std::chrono::seconds(1)};  // events → latency histograms
  std::chrono::milliseconds retention{std::chrono::hours(24 * 30)};    // events and acked entries
};

class Maintenance {
 public:
  Maintenance(boost::asio::io_context& io, QueueStore& store, Metrics& metrics, MaintenanceOptions options);
  ~Maintenance();
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  // Takes the events stream's position (so the first batches' events are counted), then runs the
  // four loops on the io_context.
  void start();
  // Cancels the loops' timers; a loop under way finishes its round.
  void stop();

  // One round of each loop, for start() and for tests. reap_once returns the claims given back
  // (0 when another daemon holds the reaper lease), follow_once the events observed, sample_once
  // whether this daemon recorded the minute's depth sample.
  size_t reap_once();
  void trim_once();
  size_t follow_once();
  bool sample_once();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
