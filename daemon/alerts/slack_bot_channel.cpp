#include "daemon/alerts/slack_bot_channel.h"

#include <rapidjson/document.h>

#include "daemon/alerts/slack_message.h"

namespace carewatch {

Delivery classify_chat_post_message(const HttpResponse& r) {
  if (r.status != 200) {
    std::string code;
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    if (!d.HasParseError() && d.IsObject() && d.HasMember("error") && d["error"].IsString()) code = d["error"].GetString();
    return classify_http_failure(r, code);
  }
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("ok") || !d["ok"].IsBool())
    return Delivery::retry("bad_answer", "chat.postMessage answered 200 without {\"ok\": ...}");
  if (d["ok"].GetBool()) return Delivery::sent();
  const std::string error = d.HasMember("error") && d["error"].IsString() ? d["error"].GetString() : "unknown_error";
  if (error == "ratelimited" || error == "rate_limited")
    return Delivery::retry(error, "chat.postMessage: " + error, retry_after_of(r), true);
  if (error == "internal_error" || error == "fatal_error" || error == "service_unavailable" ||
      error == "request_timeout" || error == "team_added_to_org")
    return Delivery::retry(error, "chat.postMessage: " + error);
  return Delivery::failed(error, "chat.postMessage: " + error);
}

SlackBotChannel::SlackBotChannel(AlertChannelConfig config, std::string console_url, std::shared_ptr<HttpClient> http)
    : config_(std::move(config)), console_url_(std::move(console_url)), http_(std::move(http)) {}

Delivery SlackBotChannel::deliver(const std::vector<Alert>& alerts) {
  HttpRequest req;
  req.method = "POST";
  req.url = config_.api_url + "/chat.postMessage";
  req.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"Authorization", "Bearer " + config_.token}};
  req.body = slack_message_json(alerts, {console_url_, config_.channel});
  req.timeout = config_.timeout;
  return classify_chat_post_message(http_->send(req));
}

}  // namespace carewatch
