// A Slack app's bot token posting with chat.postMessage: POST <api_url>/chat.postMessage with
// "Authorization: Bearer xoxb-..." and the JSON body {channel, text, blocks}. Slack answers 200
// with {"ok": true, "channel": "C..", "ts": ".."} or {"ok": false, "error": "channel_not_found"}
// (also not_in_channel, invalid_auth, msg_too_long, invalid_blocks: failed for good, counted;
// ratelimited / internal_error / service_unavailable / request_timeout: retried), and 429 with
// Retry-After. The token is never logged.
#pragma once

#include "daemon/alerts/alert_channel.h"

namespace carewatch {

class SlackBotChannel final : public AlertChannel {
 public:
  SlackBotChannel(AlertChannelConfig config, std::string console_url, std::shared_ptr<HttpClient> http);
  const AlertChannelConfig& config() const override { return config_; }
  Delivery deliver(const std::vector<Alert>& alerts) override;

 private:
  AlertChannelConfig config_;
  std::string console_url_;
  std::shared_ptr<HttpClient> http_;
};

// How chat.postMessage's answer reads.
Delivery classify_chat_post_message(const HttpResponse& r);

}  // namespace carewatch
