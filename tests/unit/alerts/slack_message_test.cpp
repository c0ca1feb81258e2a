// Slack Block Kit messages of alerts (daemon/alerts/slack_message.h): escaping of untrusted text,
// Slack's limits, links.
#include "daemon/alerts/slack_message.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "daemon/alerts/alert_channel_text.h"
#include "mention/utf8.h"
#include "tests/support/alert_samples.h"

namespace carewatch {
namespace {

using testing::sample_urgent_alert;

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

// Every text of every block, joined.
std::string all_text(const rapidjson::Document& d) {
  std::string out;
  auto add = [&](const rapidjson::Value& t) {
    if (t.IsObject() && t.HasMember("text") && t["text"].IsString()) out += std::string(t["text"].GetString()) + "\n";
  };
  for (const auto& b : d["blocks"].GetArray()) {
    if (b.HasMember("text")) add(b["text"]);
    if (b.HasMember("fields"))
      for (const auto& f : b["fields"].GetArray()) add(f);
    if (b.HasMember("elements"))
      for (const auto& e : b["elements"].GetArray()) add(e);
  }
  return out;
}

TEST(SlackEscape, EscapesAmpersandAndAngleBrackets) {
  EXPECT_EQ(slack_escape("a & b <c> <!channel> <@U123|x>"), "a &amp; b &lt;c&gt; &lt;!channel&gt; &lt;@U123|x&gt;");
  EXPECT_EQ(slack_escape("plain"), "plain");
}

TEST(SlackTruncate, CutsOnAUtf8BoundaryWithAnEllipsis) {
  const std::string s = std::string(2998, 'a') + "\xC3\xA9\xC3\xA9";  // 2998 + 2 two-byte letters
  const std::string t = truncate_utf8(s, 3000);
  EXPECT_LE(t.size(), 3000u);
  EXPECT_EQ(t.substr(t.size() - 3), "\xE2\x80\xA6");
  EXPECT_EQ(to_valid_utf8(t), t);  // no split sequence
  EXPECT_EQ(truncate_utf8("short", 3000), "short");
  // A cut that would land inside a 4-byte sequence backs off before it.
  const std::string emoji = "ab\xF0\x9F\x98\x80\xF0\x9F\x98\x80";
  const std::string cut = truncate_utf8(emoji, 8);
  EXPECT_EQ(cut, "ab\xE2\x80\xA6");
}

TEST(SlackTruncate, NeverCutsInsideAnEntityOrALink) {
  const std::string escaped = std::string(10, 'a') + "&amp;bbbb";
  EXPECT_EQ(truncate_mrkdwn(escaped, 15), std::string(10, 'a') + "\xE2\x80\xA6");
  const std::string linked = "see <https://example.com/x|the post> now";
  EXPECT_EQ(truncate_mrkdwn(linked, 20), "see \xE2\x80\xA6");
}

TEST(SlackMessage, OneAlertShowsWhatWhyWhoAndLinks) {
  const Alert a = sample_urgent_alert();
  const auto d = parse(slack_message_json({a}, {"https://care.example.com/console/#/m/", ""}));
  ASSERT_TRUE(d.IsObject());
  EXPECT_FALSE(d.HasMember("channel"));  // an incoming webhook posts to its own channel
  ASSERT_TRUE(d["text"].IsString());
  EXPECT_NE(std::string(d["text"].GetString()).find("Urgent complaint"), std::string::npos);
  ASSERT_TRUE(d["blocks"].IsArray());
  EXPECT_STREQ(d["blocks"][0]["type"].GetString(), "header");
  const std::string text = all_text(d);
  // The mention's text quoted and escaped: no raw <!channel>, no raw &.
  EXPECT_NE(text.find(">@acmeair the app is down &amp; I can't pay &lt;!channel&gt;"), std::string::npos) << text;
  EXPECT_EQ(text.find("<!channel>"), std::string::npos);
  EXPECT_EQ(std::string(d["text"].GetString()).find("<!channel>"), std::string::npos);
  // The author (escaped), reach, why (rules, scores), SLA, links.
  EXPECT_NE(text.find("*Dan &lt;Admin&gt;*"), std::string::npos) << text;
  EXPECT_NE(text.find("12,345 followers"), std::string::npos);
  EXPECT_NE(text.find("`outage-words`"), std::string::npos);
  EXPECT_NE(text.find("complaint 0.93"), std::string::npos);
  EXPECT_NE(text.find("12 min left"), std::string::npos);
  EXPECT_NE(text.find("<https://mastodon.example/@dan/113552000000000620|View on mastodon>"), std::string::npos);
  EXPECT_NE(text.find("<https://care.example.com/console/#/m/mastodon%3A113552000000000620|Open in carewatch>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("*Queue*\ncare"), std::string::npos);
}

TEST(SlackMessage, BotMessagesNameTheirChannel) {
  const auto d = parse(slack_message_json({sample_urgent_alert()}, {"", "C0123"}));
  EXPECT_STREQ(d["channel"].GetString(), "C0123");
  EXPECT_EQ(all_text(d).find("Open in carewatch"), std::string::npos);  // no console_url: no link
}

TEST(SlackMessage, LongTextIsCutTo3000CharactersOnAUtf8Boundary) {
  std::string text;
  while (text.size() < 10000) text += "\xC3\xA9t\xC3\xA9 & <b> ";
  const auto d = parse(slack_message_json({sample_urgent_alert("1", text)}, {"https://c.example/m/", ""}));
  for (const auto& b : d["blocks"].GetArray()) {
    if (!b.HasMember("text")) continue;
    const std::string t = b["text"]["text"].GetString();
    EXPECT_LE(code_points(t), b["type"] == "header" ? 150u : 3000u);
    EXPECT_EQ(to_valid_utf8(t), t);
  }
  EXPECT_NE(all_text(d).find("\xE2\x80\xA6"), std::string::npos);
  EXPECT_LE(code_points(d["text"].GetString()), 3000u);
}

TEST(SlackMessage, ManyMentionsStayWithin50Blocks) {
  Alert a = sample_urgent_alert();
  a.kind = AlertKind::recurring_issue;
  for (int i = 0; i < 80; ++i) a.mentions.push_back(testing::sample_alert_mention(std::to_string(i)));
  const auto d = parse(slack_message_json({a}, {"https://c.example/m/", ""}));
  EXPECT_LE(d["blocks"].Size(), 50u);
  EXPECT_NE(all_text(d).find("more mentions"), std::string::npos);
}

TEST(SlackMessage, ADigestHasATitleAndALinkPerAlert) {
  std::vector<Alert> alerts;
  for (int i = 0; i < 12; ++i) {
    Alert a = sample_urgent_alert(std::to_string(1000 + i), "help <!here> #" + std::to_string(i));
    a.at = 1764800000000 + i * 25000;  // 12 alerts over 4 min 35 s
    alerts.push_back(a);
  }
  const auto d = parse(slack_message_json(alerts, {"https://c.example/m/", ""}));
  EXPECT_STREQ(d["blocks"][0]["text"]["text"].GetString(), ":package: 12 more urgent mentions in 4 min");
  EXPECT_STREQ(d["text"].GetString(), "12 more urgent mentions in 4 min");
  const std::string text = all_text(d);
  for (int i = 0; i < 12; ++i)
    EXPECT_NE(text.find("<https://c.example/m/mastodon%3A" + std::to_string(1000 + i) + "|open>"), std::string::npos) << i;
  EXPECT_EQ(text.find("<!here>"), std::string::npos);
  EXPECT_NE(text.find("&lt;!here&gt;"), std::string::npos);
}

TEST(SlackMessage, AHugeDigestStaysWithinSlacksLimits) {
  std::vector<Alert> alerts;
  for (int i = 0; i < 500; ++i) alerts.push_back(sample_urgent_alert(std::to_string(i), std::string(400, 'x')));
  const auto d = parse(slack_message_json(alerts, {"https://c.example/m/", ""}));
  EXPECT_LE(d["blocks"].Size(), 50u);
  for (const auto& b : d["blocks"].GetArray()) {
    if (b.HasMember("text")) {
      EXPECT_LE(code_points(b["text"]["text"].GetString()), 3000u);
    }
  }
  EXPECT_NE(all_text(d).find("more"), std::string::npos);
}

TEST(AlertText, CountsSpansAndSla) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(-1234), "-1,234");
  EXPECT_EQ(format_span(4000), "4 s");
  EXPECT_EQ(format_span(5 * 60000), "5 min");
  EXPECT_EQ(format_span(90 * 60000), "1 h 30 min");
  EXPECT_EQ(format_sla_remaining(-3 * 60000), "overdue by 3 min");
  EXPECT_EQ(console_link("https://c/m/", "x:a b/c"), "https://c/m/x%3Aa%20b%2Fc");
  EXPECT_EQ(console_link("", "x:1"), "");
}

TEST(AlertText, TheLogLineIsReadable) {
  const std::string line = alert_log_line(sample_urgent_alert(), "https://c.example/m/");
  EXPECT_EQ(line.rfind("ALERT [urgent] Urgent complaint from @dan@mastodon.example", 0), 0u) << line;
  EXPECT_NE(line.find("\"@acmeair the app is down & I can't pay <!channel>\""), std::string::npos);
  EXPECT_NE(line.find("https://c.example/m/mastodon%3A113552000000000620"), std::string::npos);
  EXPECT_NE(line.find("12,345 followers"), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace carewatch
