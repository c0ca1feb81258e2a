// The fake Slack of the tests (tests/support/fake_slack.h) answers as Slack does: held to the
// answers in tests/fixtures/slack/webhook_answers.json and, where ../shared sits beside the
// repository, to the incoming-webhook answers recorded from Slack's own SDK tests
// (../shared/fixtures/slack): status, content type, body and Retry-After, case by case.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <map>
#include <sstream>

#include "connectors/http/http_client.h"
#include "tests/support/fake_slack.h"

namespace carewatch {
namespace {

using testing::FakeSlack;
using testing::FakeSlackFailure;

std::string file_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

const std::map<std::string, FakeSlackFailure> kFailures = {
    {"invalid_payload", FakeSlackFailure::invalid_payload},
    {"action_prohibited", FakeSlackFailure::action_prohibited},
    {"channel_not_found", FakeSlackFailure::channel_not_found},
    {"no_service", FakeSlackFailure::no_service},
    {"channel_is_archived", FakeSlackFailure::channel_is_archived},
    {"rate_limited", FakeSlackFailure::rate_limited},
    {"server_error", FakeSlackFailure::server_error},
};

class FakeSlackAnswers : public ::testing::Test {
 protected:
  HttpResponse post(const std::string& url, const std::string& body, bool bot = false) {
    HttpRequest req;
    req.method = "POST";
    req.url = url;
    req.headers.emplace_back("Content-Type", "application/json");
    if (bot) req.headers.emplace_back("Authorization", "Bearer " + slack.bot_token());
    req.body = body;
    return http->send(req);
  }

  // Every case of `answers` (an array of {case, status, headers, body}) against the webhook.
  void check_webhook_answers(const rapidjson::Value& answers, const std::string& example_body) {
    const std::string url = slack.webhook_url("care");
    for (const auto& a : answers.GetArray()) {
      const std::string name = a["case"].GetString();
      SCOPED_TRACE(name);
      if (name != "success") {
        ASSERT_TRUE(kFailures.count(name)) << "a case the fake cannot answer: " << name;
        slack.fail_next(kFailures.at(name), 1, "care", 1);
      }
      const HttpResponse r = post(url, example_body);
      EXPECT_EQ(r.status, a["status"].GetInt());
      for (const auto& h : a["headers"].GetObject()) {
        const std::string value = h.value.GetString();
        const std::string got = r.header(h.name.GetString());
        if (std::string(h.name.GetString()) == "content-type")
          EXPECT_EQ(got.substr(0, got.find(';')), value.substr(0, value.find(';'))) << h.name.GetString();
        else
          EXPECT_EQ(got, value) << h.name.GetString();
      }
      const std::string body = a["body"].GetString();
      if (name == "server_error") EXPECT_NE(r.body.find("<html"), std::string::npos) << r.body;  // an HTML page
      else EXPECT_EQ(r.body, body);
    }
  }

  FakeSlack slack;
  std::shared_ptr<HttpClient> http = make_cpprest_http_client();
};

TEST_F(FakeSlackAnswers, WebhookAnswersAsSlackDoes) {
  rapidjson::Document d;
  d.Parse(file_text(std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/slack/webhook_answers.json").c_str());
  ASSERT_FALSE(d.HasParseError());
  check_webhook_answers(d["webhook"], json_text(d["request_body_examples"][0]));
  // Both example bodies are accepted, and recorded as sent.
  const size_t before = slack.messages_to("care").size();
  for (const auto& body : d["request_body_examples"].GetArray())
    EXPECT_EQ(post(slack.webhook_url("care"), json_text(body)).body, "ok");
  EXPECT_EQ(slack.messages_to("care").size(), before + 2);
}

TEST_F(FakeSlackAnswers, ChatPostMessageAnswersAsSlackDoes) {
  rapidjson::Document d;
  d.Parse(file_text(std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/slack/webhook_answers.json").c_str());
  ASSERT_FALSE(d.HasParseError());
  const std::string ok_body = R"({"channel": "C0FAKE", "text": "hello"})";
  for (const auto& a : d["chat_post_message"].GetArray()) {
    const std::string name = a["case"].GetString();
    SCOPED_TRACE(name);
    std::string body = ok_body;
    if (name == "channel_not_found") body = R"({"text": "no channel"})";
    if (name == "rate_limited") slack.fail_next(FakeSlackFailure::rate_limited, 1, "", 1);
    const HttpResponse r = post(slack.api_url() + "/chat.postMessage", body, true);
    EXPECT_EQ(r.status, a["status"].GetInt());
    rapidjson::Document got;
    got.Parse(r.body.c_str());
    ASSERT_FALSE(got.HasParseError()) << r.body;
    EXPECT_EQ(got["ok"].GetBool(), a["body"]["ok"].GetBool()) << r.body;
    if (a["body"].HasMember("error")) {
      EXPECT_STREQ(got["error"].GetString(), a["body"]["error"].GetString());
    }
    if (a.HasMember("headers")) {
      EXPECT_EQ(r.header("retry-after"), a["headers"]["retry-after"].GetString());
    }
  }
  // Without a token: not_authed, as Slack answers.
  const HttpResponse anonymous = post(slack.api_url() + "/chat.postMessage", ok_body, false);
  EXPECT_NE(anonymous.body.find("\"not_authed\""), std::string::npos) << anonymous.body;
}

#ifdef CAREWATCH_HAVE_SHARED
// Slack's own answers, recorded: the fake answers each the same way.
TEST_F(FakeSlackAnswers, WebhookAnswersAsTheRecordedSlackDoes) {
  rapidjson::Document d;
  d.Parse(file_text(std::string(CAREWATCH_SHARED_DIR) + "/fixtures/slack/slack_incoming_webhook_examples.json").c_str());
  ASSERT_FALSE(d.HasParseError());
  check_webhook_answers(d["responses"], json_text(d["request_body_examples"][1]));
  for (const auto& body : d["request_body_examples"].GetArray())
    EXPECT_EQ(post(slack.webhook_url("care"), json_text(body)).body, "ok") << json_text(body);
}
#endif

}  // namespace
}  // namespace carewatch
