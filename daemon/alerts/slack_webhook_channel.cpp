#include "daemon/alerts/slack_webhook_channel.h"

#include "daemon/alerts/slack_message.h"

namespace carewatch {

std::string slack_text_error(const std::string& body) {
  std::string s = body;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (s.empty() || s.size() > 64) return {};
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return {};
  return s;
}

SlackWebhookChannel::SlackWebhookChannel(AlertChannelConfig config, std::string console_url, std::shared_ptr<HttpClient> http)
    : config_(std::move(config)), console_url_(std::move(console_url)), http_(std::move(http)) {}

Delivery SlackWebhookChannel::deliver(const std::vector<Alert>& alerts) {
  HttpRequest req;
  req.method = "POST";
  req.url = config_.url;
  req.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  req.body = slack_message_json(alerts, {console_url_, ""});
  req.timeout = config_.timeout;
  const HttpResponse r = http_->send(req);
  if (r.status >= 200 && r.status < 300) return Delivery::sent();
  return classify_http_failure(r, slack_text_error(r.body));
}

}  // namespace carewatch
