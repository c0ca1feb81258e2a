// The reply outbox's workers: they take agents' replies from Redis ({P}:outbox, see
// daemon/store/lua/reply_take.lua) and post each through the connector of the source that fetched
// its mention (connectors/connector.h, "Replies"), then record what the platform said:
//   sent          reply_sent with the post's id and URL; the mention's first response from then
//   retry         429, 5xx, no answer: queued again after a doubling wait (retry_initial ..
//                 retry_max, at least the platform's Retry-After); after give_up_after, failed
//   permanent / cannot_reply   reply_failed for good; the mention stays with its agent
//
// Exactly once. Before another attempt at a reply whose earlier one may have posted (it got no
// clear answer, or its worker died while "sending" and the sending lease ran out), the reply is
// settled first:
// within the connector's idempotency window of the first attempt it is posted again under the
// same key (the platform answers with the post it already made); after it, find_reply looks for
// it on the platform (found: recorded as sent, "reconciled"); where neither is possible it fails
// for good with "may or may not have been posted" rather than risk a second post.
//
// Several daemons on one Redis: each reply is taken by one worker at a time (reply_take.lua is
// atomic), and an outcome is recorded only by the worker that still holds the reply.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "connectors/connector.h"
#include "daemon/store/queue_store.h"
#include "daemon/telemetry/metrics.h"

namespace carewatch {

struct ReplySenderOptions {
  std::string instance_id;                   // the token that marks a reply "sending" by us
  size_t workers = 2;
  std::chrono::milliseconds poll_interval{std::chrono::milliseconds(250)};  // outbox checked when idle
  std::chrono::milliseconds sending_lease{std::chrono::minutes(2)};
  std::chrono::milliseconds retry_initial{std::chrono::seconds(5)};
  std::chrono::milliseconds retry_max{std::chrono::minutes(10)};
  std::chrono::milliseconds give_up_after{std::chrono::hours(24)};
  // Settle by posting again only while this much of the idempotency window is left (the clock of
  // the platform and ours may differ; a request may take a while).
  std::chrono::milliseconds idempotency_margin{std::chrono::minutes(5)};
};

// The wait before attempt `attempts + 1` after `attempts` failed ones: retry_initial doubled per
// earlier failure, at most retry_max, at least the platform's `retry_after`.
std::chrono::milliseconds reply_retry_delay(std::int64_t attempts, std::optional<std::chrono::milliseconds> retry_after,
                                            std::chrono::milliseconds retry_initial, std::chrono::milliseconds retry_max);

class ReplySender {
 public:
  ReplySender(QueueStore& store, Metrics& metrics, ConnectorLookup connectors, ReplySenderOptions options);
  ~ReplySender();  // stops
  ReplySender(const ReplySender&) = delete;
  ReplySender& operator=(const ReplySender&) = delete;

  void start();  // the workers' threads
  void stop();   // waits for a request under way to finish
  // Wakes an idle worker now (a reply was just submitted) instead of at its next poll.
  void wake();

  // Takes and handles one due reply on the calling thread; false when none was due. For tests
  // and for the workers.
  bool send_once();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
