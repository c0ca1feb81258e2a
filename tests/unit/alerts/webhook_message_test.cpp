// The generic JSON webhook (daemon/alerts/webhook_message.h, webhook_channel.h), the alert's JSON
// form (alert_json.h) and the channels' reading of Slack's answers.
#include "daemon/alerts/webhook_message.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "daemon/alerts/alert_json.h"
#include "daemon/alerts/log_channel.h"
#include "daemon/alerts/slack_bot_channel.h"
#include "daemon/alerts/slack_webhook_channel.h"
#include "daemon/alerts/webhook_channel.h"
#include "tests/support/alert_samples.h"

namespace carewatch {
namespace {

// RFC 4231, test case 2.
TEST(WebhookSignature, HmacSha256KnownAnswer) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignature, SignsTimeDotBody) {
  const std::string body = R"({"type":"alert"})";
  EXPECT_EQ(webhook_signature("s3cret", 1764800000, body),
            "t=1764800000,v1=" + hmac_sha256_hex("s3cret", "1764800000." + body));
}

TEST(AlertJson, RoundTrips) {
  Alert a = testing::sample_urgent_alert();
  a.mentions.push_back(testing::sample_alert_mention("2", "second"));
  a.mentions.back().sla_remaining_ms.reset();
  Alert b;
  std::string error;
  ASSERT_TRUE(parse_alert(to_json(a), b, error)) << error;
  EXPECT_EQ(to_json(b), to_json(a));
  EXPECT_EQ(b.mentions[0].sla_remaining_ms, 12 * 60 * 1000);
  EXPECT_FALSE(b.mentions[1].sla_remaining_ms);
  EXPECT_FALSE(parse_alert("{\"kind\":\"nope\"}", b, error));
  EXPECT_FALSE(parse_alert("not json", b, error));
}

class RecordingHttp final : public HttpClient {
 public:
  HttpResponse send(const HttpRequest& r) override {
    requests.push_back(r);
    return answer;
  }
  std::vector<HttpRequest> requests;
  HttpResponse answer{200, {}, "ok", ""};
};

TEST(WebhookChannel, PostsSignedJson) {
  auto http = std::make_shared<RecordingHttp>();
  AlertChannelConfig c;
  c.name = "pager";
  c.type = AlertChannelType::webhook;
  c.url = "http://127.0.0.1:9/hook";
  c.secret = "s3cret";
  WebhookChannel ch(c, "https://c.example/m/", http, [] { return std::int64_t{1764800000}; });
  EXPECT_EQ(ch.deliver({testing::sample_urgent_alert()}).kind, Delivery::Kind::sent);
  ASSERT_EQ(http->requests.size(), 1u);
  const HttpRequest& r = http->requests[0];
  std::string signature;
  for (const auto& [k, v] : r.headers)
    if (k == kWebhookSignatureHeader) signature = v;
  EXPECT_EQ(signature, webhook_signature("s3cret", 1764800000, r.body));
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["type"].GetString(), "alert");
  EXPECT_STREQ(d["alert"]["kind"].GetString(), "urgent");
  EXPECT_STREQ(d["alert"]["mentions"][0]["text"].GetString(), "@acmeair the app is down & I can't pay <!channel>");
  EXPECT_STREQ(d["console_urls"]["mastodon:113552000000000620"].GetString(),
               "https://c.example/m/mastodon%3A113552000000000620");

  http->answer = {404, {}, "", ""};
  EXPECT_EQ(ch.deliver({testing::sample_urgent_alert()}).kind, Delivery::Kind::failed);
  http->answer = {503, {{"retry-after", "7"}}, "", ""};
  const Delivery d503 = ch.deliver({testing::sample_urgent_alert(), testing::sample_urgent_alert("2")});
  EXPECT_EQ(d503.kind, Delivery::Kind::retry);
  EXPECT_EQ(d503.retry_after, std::chrono::milliseconds(7000));
  d.Parse(http->requests.back().body.c_str());
  EXPECT_STREQ(d["type"].GetString(), "digest");
  EXPECT_EQ(d["alerts"].Size(), 2u);
}

TEST(SlackAnswers, WebhookCodesAreReadAsSlackMeansThem) {
  EXPECT_EQ(slack_text_error("channel_not_found"), "channel_not_found");
  EXPECT_EQ(slack_text_error("<html>oops</html>"), "");
  const auto fail = [](int status, const std::string& body) {
    return classify_http_failure(HttpResponse{status, {}, body, ""}, slack_text_error(body));
  };
  EXPECT_EQ(fail(400, "invalid_payload").kind, Delivery::Kind::failed);
  EXPECT_EQ(fail(400, "invalid_payload").error, "invalid_payload");
  EXPECT_EQ(fail(403, "action_prohibited").kind, Delivery::Kind::failed);
  EXPECT_EQ(fail(404, "no_service").error, "no_service");
  EXPECT_EQ(fail(410, "channel_is_archived").kind, Delivery::Kind::failed);
  EXPECT_EQ(fail(500, "<!DOCTYPE html>").kind, Delivery::Kind::retry);
  EXPECT_EQ(fail(500, "<!DOCTYPE html>").error, "http_500");
  const Delivery limited = classify_http_failure(HttpResponse{429, {{"retry-after", "3"}}, "", ""}, "");
  EXPECT_EQ(limited.kind, Delivery::Kind::retry);
  EXPECT_TRUE(limited.rate_limited);
  EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(3000));
  EXPECT_EQ(classify_http_failure(HttpResponse{0, {}, "", "timed out"}, "").kind, Delivery::Kind::retry);
}

TEST(SlackAnswers, ChatPostMessageReadsOkAndError) {
  EXPECT_EQ(classify_chat_post_message({200, {}, R"({"ok":true,"channel":"C1","ts":"1.2"})", ""}).kind,
            Delivery::Kind::sent);
  for (const char* e : {"channel_not_found", "not_in_channel", "invalid_auth", "msg_too_long", "invalid_blocks"}) {
    const Delivery d = classify_chat_post_message({200, {}, std::string(R"({"ok":false,"error":")") + e + "\"}", ""});
    EXPECT_EQ(d.kind, Delivery::Kind::failed) << e;
    EXPECT_EQ(d.error, e);
  }
  const Delivery limited =
      classify_chat_post_message({429, {{"retry-after", "30"}}, R"({"ok":false,"error":"ratelimited"})", ""});
  EXPECT_EQ(limited.kind, Delivery::Kind::retry);
  EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(30000));
  EXPECT_EQ(classify_chat_post_message({200, {}, R"({"ok":false,"error":"internal_error"})", ""}).kind,
            Delivery::Kind::retry);
}

TEST(SlackBotChannel, SendsTheTokenAndChannel) {
  auto http = std::make_shared<RecordingHttp>();
  http->answer = {200, {}, R"({"ok":true,"channel":"C1","ts":"1.2"})", ""};
  AlertChannelConfig c;
  c.name = "bot";
  c.type = AlertChannelType::slack_bot;
  c.token = "xoxb-1";
  c.channel = "C0123";
  c.api_url = "http://127.0.0.1:9/api";
  SlackBotChannel ch(c, "", http);
  EXPECT_EQ(ch.deliver({testing::sample_urgent_alert()}).kind, Delivery::Kind::sent);
  ASSERT_EQ(http->requests.size(), 1u);
  EXPECT_EQ(http->requests[0].url, "http://127.0.0.1:9/api/chat.postMessage");
  bool auth = false;
  for (const auto& [k, v] : http->requests[0].headers) auth = auth || (k == "Authorization" && v == "Bearer xoxb-1");
  EXPECT_TRUE(auth);
  EXPECT_NE(http->requests[0].body.find("\"channel\":\"C0123\""), std::string::npos);
}

TEST(LogChannel, WritesOneLinePerAlertAndADigestTitle) {
  std::vector<std::string> lines;
  AlertChannelConfig c;
  c.name = "log";
  LogChannel ch(c, "https://c.example/m/", [&](const std::string& l) { lines.push_back(l); });
  ch.deliver({testing::sample_urgent_alert()});
  ch.deliver({testing::sample_urgent_alert("1"), testing::sample_urgent_alert("2")});
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1].rfind("ALERT [digest] 2 more urgent mentions", 0), 0u) << lines[1];
}

}  // namespace
}  // namespace carewatch
