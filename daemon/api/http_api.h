// The agent HTTP API served with Boost.Beast (the Beast headers stay in http_api.cpp; what each
// route answers is in daemon/api/api_routes.h):
//   GET  /v1/queues                       depth per queue and priority, oldest waiting age
//   POST /v1/queues/{queue}/claim         the next most urgent mention (200) or 204
//   POST /v1/mentions/{uid}/renew|release|resolve
//   POST /v1/mentions/{uid}/reply         {"text": "..."}: recorded as the first response
//   GET  /v1/mentions/{uid}               the mention, its decision, state, events and SLA clock
//   GET  /v1/stats?window=1h&by=queue     latency figures (daemon/telemetry/latency_stats.h)
//   GET  /healthz  /readyz  /metrics
// Every /v1 route needs "Authorization: Bearer <key>" (401 without); errors are JSON
// {"error": "..."}; 409 when another agent holds the claim (or nobody does); 413 over
// api.max_body; 429 over the per-agent rate limit; 503 with Retry-After while Redis is away or
// hangs (a Redis call never holds up accepting connections or /healthz), and for a connection
// over the per-address or total connection limit (see http_api.cpp for the limits and deadlines).
#pragma once

#include <functional>
#include <memory>

#include "daemon/api/api_routes.h"
#include "daemon/config/config.h"
#include "daemon/telemetry/metrics.h"
#include "daemon/store/queue_store.h"

namespace carewatch {

class HttpApi {
 public:
  // `ready` answers /readyz (true once the daemon's sources are running).
  HttpApi(const Config& config, QueueStore& store, Metrics& metrics, std::function<bool()> ready);
  ~HttpApi();
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  // How replies are checked and who posts them (before start()).
  void set_reply_desk(ReplyDesk desk);

  // Binds config.api_host:config.api_port (port 0: a free port) and serves on its own threads.
  // Throws std::runtime_error when it cannot listen.
  void start();
  void stop();
  int port() const;  // the bound port, after start()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
