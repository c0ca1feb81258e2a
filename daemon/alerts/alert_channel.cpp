#include "daemon/alerts/alert_channel.h"

#include "connectors/http/retry_policy.h"
#include "daemon/alerts/log_channel.h"
#include "daemon/alerts/slack_bot_channel.h"
#include "daemon/alerts/slack_webhook_channel.h"
#include "daemon/alerts/webhook_channel.h"

namespace carewatch {

std::optional<std::chrono::milliseconds> retry_after_of(const HttpResponse& r) {
  HttpRequest none;
  return classify_response(none, r, now_ms()).retry_after;
}

Delivery classify_http_failure(const HttpResponse& r, const std::string& error_code) {
  if (r.status == 0) return Delivery::retry("no_answer", r.error.empty() ? "no answer" : r.error);
  const std::string detail = "HTTP " + std::to_string(r.status) + (error_code.empty() ? "" : " " + error_code);
  if (r.status == 429) return Delivery::retry(error_code.empty() ? "rate_limited" : error_code, detail, retry_after_of(r), true);
  if (r.status == 408 || r.status >= 500) return Delivery::retry(error_code.empty() ? "http_" + std::to_string(r.status) : error_code, detail, retry_after_of(r));
  return Delivery::failed(error_code.empty() ? "http_" + std::to_string(r.status) : error_code, detail);
}

std::unique_ptr<AlertChannel> make_alert_channel(const AlertChannelConfig& config, const std::string& console_url,
                                                 std::shared_ptr<HttpClient> http) {
  switch (config.type) {
    case AlertChannelType::slack_webhook: return std::make_unique<SlackWebhookChannel>(config, console_url, std::move(http));
    case AlertChannelType::slack_bot: return std::make_unique<SlackBotChannel>(config, console_url, std::move(http));
    case AlertChannelType::webhook: return std::make_unique<WebhookChannel>(config, console_url, std::move(http));
    case AlertChannelType::log: return std::make_unique<LogChannel>(config, console_url);
  }
  return std::make_unique<LogChannel>(config, console_url);
}

std::vector<std::shared_ptr<AlertChannel>> make_alert_channels(const AlertsConfig& config, std::shared_ptr<HttpClient> http) {
  std::vector<std::shared_ptr<AlertChannel>> out;
  for (const auto& c : config.channels) out.push_back(make_alert_channel(c, config.console_url, http));
  return out;
}

}  // namespace carewatch
