// A place alerts are delivered to: Slack (incoming webhook or bot token), a signed JSON webhook,
// or the daemon's standard output. A channel renders and sends one message: one alert, or
// several folded into one digest. It never touches Redis: the alert sender (alert_sender.h)
// decides what to send when, and records the outcome.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/http/http_client.h"
#include "daemon/alerts/alert.h"
#include "daemon/config/alerts_config.h"

namespace carewatch {

struct Delivery {
  enum class Kind { sent, retry, failed };
  Kind kind = Kind::sent;
  std::optional<std::chrono::milliseconds> retry_after;  // retry: what the service asked for (429 Retry-After)
  std::string error;       // retry / failed: the service's error code ("channel_not_found", "http_500", "timeout")
  std::string detail;      // a longer description for the log (never a secret)
  bool rate_limited = false;  // retry: a 429 / "ratelimited": the whole channel waits retry_after

  static Delivery sent() { return {}; }
  static Delivery retry(std::string error, std::string detail, std::optional<std::chrono::milliseconds> after = std::nullopt,
                        bool rate_limited = false) {
    return {Kind::retry, after, std::move(error), std::move(detail), rate_limited};
  }
  static Delivery failed(std::string error, std::string detail) {
    return {Kind::failed, std::nullopt, std::move(error), std::move(detail), false};
  }
};

class AlertChannel {
 public:
  virtual ~AlertChannel() = default;
  virtual const AlertChannelConfig& config() const = 0;
  const std::string& name() const { return config().name; }
  // Sends `alerts` as one message: one alert as itself, more as a digest of them. Never throws.
  virtual Delivery deliver(const std::vector<Alert>& alerts) = 0;
};

// The channel a configuration describes; `http` posts (make_cpprest_http_client() in the daemon).
std::unique_ptr<AlertChannel> make_alert_channel(const AlertChannelConfig& config, const std::string& console_url,
                                                 std::shared_ptr<HttpClient> http);
std::vector<std::shared_ptr<AlertChannel>> make_alert_channels(const AlertsConfig& config, std::shared_ptr<HttpClient> http);

// How an HTTP answer that is not a success reads, for every channel: 429 -> retry (rate
// limited, Retry-After honoured), 408 / 5xx / no answer -> retry, any other 4xx -> failed with
// `error_code` (Slack's text code such as "channel_not_found", or "http_<status>").
Delivery classify_http_failure(const HttpResponse& r, const std::string& error_code);
// Retry-After in seconds (or an HTTP date) as a wait, when the answer carries one.
std::optional<std::chrono::milliseconds> retry_after_of(const HttpResponse& r);

}  // namespace carewatch
