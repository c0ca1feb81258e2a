// A Slack incoming webhook: POST the Block Kit message as JSON to the webhook's URL. Slack
// answers 200 "ok" (text/plain); errors as a short text code: 400 invalid_payload / no_text,
// 403 action_prohibited / invalid_token, 404 channel_not_found / no_service, 410
// channel_is_archived (failed for good, counted); 429 with Retry-After, 5xx with HTML (retried).
// The URL is a secret: it is never logged.
#pragma once

#include "daemon/alerts/alert_channel.h"

namespace carewatch {

class SlackWebhookChannel final : public AlertChannel {
 public:
  SlackWebhookChannel(AlertChannelConfig config, std::string console_url, std::shared_ptr<HttpClient> http);
  const AlertChannelConfig& config() const override { return config_; }
  Delivery deliver(const std::vector<Alert>& alerts) override;

 private:
  AlertChannelConfig config_;
  std::string console_url_;
  std::shared_ptr<HttpClient> http_;
};

// Slack's text error code in a webhook answer's body ("channel_not_found"), or "" when the body
// is not one (HTML, empty).
std::string slack_text_error(const std::string& body);

}  // namespace carewatch
