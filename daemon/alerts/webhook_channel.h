// The generic JSON webhook (webhook_message.h): POST the alert or digest as JSON, signed with
// X-Carewatch-Signature when the channel has a secret. Any 2xx is delivered; 429 / 408 / 5xx /
// no answer are retried (Retry-After honoured); any other 4xx fails for good.
#pragma once

#include <functional>

#include "daemon/alerts/alert_channel.h"

namespace carewatch {

class WebhookChannel final : public AlertChannel {
 public:
  // `unix_now` gives the signature's time (tests fix it); default: the wall clock.
  WebhookChannel(AlertChannelConfig config, std::string console_url, std::shared_ptr<HttpClient> http,
                 std::function<std::int64_t()> unix_now = nullptr);
  const AlertChannelConfig& config() const override { return config_; }
  Delivery deliver(const std::vector<Alert>& alerts) override;

 private:
  AlertChannelConfig config_;
  std::string console_url_;
  std::shared_ptr<HttpClient> http_;
  std::function<std::int64_t()> unix_now_;
};

}  // namespace carewatch
