// Delivers the alert outbox (daemon/store/alert_store.h): one worker thread per channel, so a
// dead or slow channel never holds up another. Each round a worker takes the channel's due
// alerts with a sending lease and sends
//   - the first alone, when no more than the channel's fold_after wait (the others are given
//     back in order, for the next rounds);
//   - the first alone and then all the others folded into one digest message ("12 more urgent
//     mentions in 5 min", a line and links per alert), when more wait;
// at most one message per min_interval (Slack allows about one a second per channel). Then:
//   sent      the entries are removed (carewatch_alerts_total outcome sent, or folded)
//   retry     429 / 5xx / no answer: due again after a doubling wait (retry_initial .. retry_max,
//             at least Retry-After); a 429 also pauses the whole channel for its Retry-After.
//             Alerts older than give_up_after fail instead.
//   failed    any other 4xx (invalid_payload, channel_not_found, ...): logged, counted, removed.
//
// Delivery is once in normal operation (dedup by key at raise; an entry is removed when the
// channel accepted it). After a crash an alert may be sent twice, never more than once again per
// crash: a daemon killed (or cut from Redis) after the channel accepted a message and before it
// removed the entries leaves them "sending"; when the sending lease runs out another sender (or
// this daemon restarted) takes them and sends them again. Several daemons on one Redis never send
// the same entry at once: taking is atomic, and only the holder of an entry records its outcome.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/alerts/alert_channel.h"
#include "daemon/config/alerts_config.h"
#include "daemon/store/alert_store.h"
#include "daemon/telemetry/metrics.h"

namespace carewatch {

struct AlertSenderOptions {
  std::string instance_id;  // marks the entries this daemon holds; unique per daemon
  std::chrono::milliseconds sending_lease{std::chrono::minutes(1)};
  std::chrono::milliseconds retry_initial{std::chrono::seconds(2)};
  std::chrono::milliseconds retry_max{std::chrono::minutes(5)};
  std::chrono::milliseconds give_up_after{std::chrono::hours(6)};
  std::chrono::milliseconds poll_interval{std::chrono::milliseconds(500)};  // queue checked when idle
  size_t max_digest = 200;  // alerts folded into one digest at most; more wait for the next round
};

AlertSenderOptions alert_sender_options(const AlertsConfig& config, std::string instance_id);

// The wait before attempt `attempts + 1`: retry_initial doubled per earlier failure, at most
// retry_max, at least `retry_after`.
std::chrono::milliseconds alert_retry_delay(std::int64_t attempts, std::optional<std::chrono::milliseconds> retry_after,
                                            std::chrono::milliseconds retry_initial, std::chrono::milliseconds retry_max);

class AlertSender {
 public:
  AlertSender(AlertStore& store, Metrics& metrics, std::vector<std::shared_ptr<AlertChannel>> channels,
              AlertSenderOptions options);
  ~AlertSender();  // stops
  AlertSender(const AlertSender&) = delete;
  AlertSender& operator=(const AlertSender&) = delete;

  void start();  // one thread per channel
  // Waits for a message under way; alerts taken but not yet sent are given back at once.
  void stop();
  void wake();   // alerts were raised: look now rather than at the next poll

  // One round for `channel` on the calling thread (pacing included); false when nothing was due.
  // For tests; the workers call it.
  bool send_once(const std::string& channel);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
