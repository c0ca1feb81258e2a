// The API's input checks: strict UTF-8 with the offset, blank replies, path parameters.
#include "daemon/api/api_input.h"

#include <gtest/gtest.h>

#include "mention/utf8.h"

namespace carewatch {
namespace {

RouteMatch route(RouteId id, std::string param) {
  RouteMatch m;
  m.found = true;
  m.id = id;
  m.param = std::move(param);
  return m;
}

TEST(ApiInputTest, Utf8ProblemNamesTheFirstBadByteOffset) {
  EXPECT_FALSE(utf8_problem("", "text"));
  EXPECT_FALSE(utf8_problem("caf\xC3\xA9 \xF0\x9F\x98\x80", "text"));
  EXPECT_EQ(utf8_problem("ab\xFF\xFE", "text").value_or(""), "text: invalid UTF-8 at byte offset 2");
  EXPECT_EQ(utf8_problem("\xC3\xA9\xC0\xAF", "x").value_or(""), "x: invalid UTF-8 at byte offset 2");  // overlong
  EXPECT_EQ(utf8_problem("\xED\xA0\x80", "x").value_or(""), "x: invalid UTF-8 at byte offset 0");      // surrogate
  EXPECT_EQ(utf8_problem("ok\xE2\x82", "x").value_or(""), "x: invalid UTF-8 at byte offset 2");        // truncated
}

TEST(ApiInputTest, BlankIsOnlyWhiteSpaceAndInvisibles) {
  EXPECT_TRUE(is_blank(""));
  EXPECT_TRUE(is_blank(" \t\r\n"));
  EXPECT_TRUE(is_blank("\xC2\xA0\xE3\x80\x80\xE2\x80\x8B\xEF\xBB\xBF"));  // NBSP, ideographic, ZWSP, BOM
  EXPECT_FALSE(is_blank(" . "));
  EXPECT_FALSE(is_blank("\xF0\x9F\x99\x8F"));  // an emoji says something
  EXPECT_FALSE(is_blank("\xFF"));              // not text at all
}

TEST(ApiInputTest, ReplyTextChecksBytesShapeEscapesAndBlankness) {
  EXPECT_EQ(read_reply_text(R"({"text": "Sorry, DM us"})").text, "Sorry, DM us");
  EXPECT_FALSE(read_reply_text(R"({"text": "Sorry, DM us"})").problem);
  EXPECT_EQ(read_reply_text("{\"text\": \"\xFF\"}").problem.value_or(""), "body: invalid UTF-8 at byte offset 10");
  EXPECT_EQ(read_reply_text(R"({"text": "a\udc00"})").problem.value_or(""), "text: invalid UTF-8 at byte offset 1");
  EXPECT_EQ(read_reply_text(R"({"text": " \n\u3000"})").problem.value_or(""),
            "text: expected something to say, got only white space");
  EXPECT_EQ(read_reply_text(R"({"text": ""})").problem.value_or(""), "text: expected a non-empty string");
  EXPECT_EQ(read_reply_text("text=hi").problem.value_or("").rfind("body: expected a JSON object", 0), 0u);
}

TEST(ApiInputTest, RouteParametersKeepToTheirAlphabets) {
  EXPECT_FALSE(route_param_problem(route(RouteId::claim, "care-team_2.eu")));
  EXPECT_TRUE(route_param_problem(route(RouteId::claim, "care team")));
  EXPECT_TRUE(route_param_problem(route(RouteId::claim, std::string(65, 'q'))));
  EXPECT_FALSE(route_param_problem(route(RouteId::reply, "mastodon:109876")));
  EXPECT_FALSE(route_param_problem(route(RouteId::mention, "bluesky:at://did:plc:x/app.bsky.feed.post/3k")));
  EXPECT_EQ(route_param_problem(route(RouteId::mention, "x:\xFF")).value_or(""),
            "uid: invalid UTF-8 at byte offset 2");
  EXPECT_TRUE(route_param_problem(route(RouteId::resolve, "x:a\nb")));
  EXPECT_TRUE(route_param_problem(route(RouteId::renew, "no-colon")));
  EXPECT_TRUE(route_param_problem(route(RouteId::release, "x:" + std::string(600, 'a'))));
  EXPECT_FALSE(route_param_problem(route(RouteId::queues, "")));
}

}  // namespace
}  // namespace carewatch
