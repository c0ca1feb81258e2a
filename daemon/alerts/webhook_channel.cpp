#include "daemon/alerts/webhook_channel.h"

#include "daemon/alerts/webhook_message.h"

namespace carewatch {

WebhookChannel::WebhookChannel(AlertChannelConfig config, std::string console_url, std::shared_ptr<HttpClient> http,
                               std::function<std::int64_t()> unix_now)
    : config_(std::move(config)), console_url_(std::move(console_url)), http_(std::move(http)), unix_now_(std::move(unix_now)) {
  if (!unix_now_) unix_now_ = [] { return static_cast<std::int64_t>(now_ms() / 1000); };
}

Delivery WebhookChannel::deliver(const std::vector<Alert>& alerts) {
  HttpRequest req;
  req.method = "POST";
  req.url = config_.url;
  req.body = webhook_message_json(alerts, console_url_);
  req.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"User-Agent", "carewatch-alerts"}};
  if (!config_.secret.empty())
    req.headers.emplace_back(kWebhookSignatureHeader, webhook_signature(config_.secret, unix_now_(), req.body));
  req.timeout = config_.timeout;
  const HttpResponse r = http_->send(req);
  if (r.status >= 200 && r.status < 300) return Delivery::sent();
  return classify_http_failure(r, "");
}

}  // namespace carewatch
