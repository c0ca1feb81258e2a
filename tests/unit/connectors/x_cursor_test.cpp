// X ids as snowflakes (the created_at of posts in ../shared/fixtures/twitter/'s recorded search
// answers is what their ids say), since_id with the overlap, and the cursor's JSON.
#include <gtest/gtest.h>

#include <string>

#include "connectors/x/cursor.h"

namespace carewatch::x {
namespace {

TEST(XCursor, IdsAreBigNumbers) {
  EXPECT_TRUE(valid_id("1275840892285399041"));
  EXPECT_TRUE(valid_id("9223372036854775807"));
  EXPECT_FALSE(valid_id("9223372036854775808"));
  EXPECT_FALSE(valid_id(""));
  EXPECT_FALSE(valid_id("12a"));
  EXPECT_FALSE(valid_id("0123"));
  EXPECT_FALSE(valid_id("12345678901234567890"));
  // 2^53 + 1 and 2^53 are equal as doubles; not here.
  EXPECT_TRUE(id_less("9007199254740992", "9007199254740993"));
  EXPECT_TRUE(id_less("999", "1000"));
  EXPECT_FALSE(id_less("1000", "1000"));
}

TEST(XCursor, ASnowflakeSaysWhenItWasMade) {
  // A recorded post: "id": "1275840892285399041", "created_at": "2020-06-24T17:19:07.000Z".
  TimeMs created = 0;
  ASSERT_TRUE(parse_iso8601("2020-06-24T17:19:07.000Z", created));
  const TimeMs t = snowflake_time("1275840892285399041");
  EXPECT_GE(t, created);
  EXPECT_LT(t, created + 1000);
  EXPECT_EQ(snowflake_time(snowflake_id(t)), t);
  EXPECT_EQ(snowflake_time("abc"), 0);
  EXPECT_EQ(snowflake_id(0), "1");
}

TEST(XCursor, SinceIdGoesThirtySecondsBackFromTheNewest) {
  const std::string newest = "1275840892285399041";
  const std::string since = since_with_overlap(newest);
  EXPECT_TRUE(id_less(since, newest));
  EXPECT_EQ(snowflake_time(since), snowflake_time(newest) - kOverlapMs);
  EXPECT_EQ(since, std::to_string(static_cast<std::uint64_t>(snowflake_time(newest) - kOverlapMs - kSnowflakeEpochMs) << 22));
  EXPECT_EQ(since_with_overlap("5"), "1");  // not a real snowflake: from the beginning
}

TEST(XCursor, HttpDates) {
  TimeMs t = 0;
  ASSERT_TRUE(parse_iso8601("2026-12-04T14:33:25Z", t));
  EXPECT_EQ(http_date("Fri, 04 Dec 2026 14:33:25 GMT"), t);
  ASSERT_TRUE(parse_iso8601("2024-02-29T00:00:00Z", t));
  EXPECT_EQ(http_date("Thu, 29 Feb 2024 00:00:00 GMT"), t);
  EXPECT_FALSE(http_date("Fri, 04 Dex 2026 14:33:25 GMT"));
  EXPECT_FALSE(http_date("Friday, 04-Dec-26 14:33:25 GMT"));
  EXPECT_FALSE(http_date(""));
}

TEST(XCursor, RecentIdsAreBoundedNewestFirst) {
  StreamState st;
  std::vector<std::string> ids;
  for (int i = 0; i < 600; ++i) ids.push_back(std::to_string(1000000 + i));
  st.remember(ids);
  ASSERT_EQ(st.recent.size(), kRecentIds);
  EXPECT_EQ(st.recent.front(), "1000599");
  EXPECT_EQ(st.recent.back(), "1000100");
  st.remember({"1000599", "1000600"});
  EXPECT_EQ(st.recent.size(), kRecentIds);
  EXPECT_EQ(st.recent.front(), "1000600");
  EXPECT_TRUE(st.seen("1000599"));
  EXPECT_FALSE(st.seen("1000099"));
}

TEST(XCursor, RoundTrip) {
  Cursor c;
  c.budget_day = "2026-12-04";
  c.budget_used = 812;
  c.streams["mentions"].newest = "1275840892285399041";
  c.streams["mentions"].recent = {"1275840892285399041", "1275840892281249793"};
  c.streams["search:acme air"].newest = "1275840892281249793";
  c.streams["search:acme air"].walk = Walk{"1275840000000000000", "b26v89c19zqg8o3fo7gesq314yb2ynhwgmfg7az3v76v1",
                                           "1275840892285399041"};
  const std::string text = write_cursor(c);
  Cursor back;
  std::string error;
  ASSERT_TRUE(parse_cursor(text, back, error)) << error;
  EXPECT_EQ(write_cursor(back), text);
  EXPECT_EQ(back.budget_used, 812u);
  ASSERT_TRUE(back.streams["search:acme air"].walk);
  EXPECT_EQ(back.streams["search:acme air"].walk->token, "b26v89c19zqg8o3fo7gesq314yb2ynhwgmfg7az3v76v1");
}

TEST(XCursor, AMalformedCursorNamesWhatIsWrong) {
  Cursor c;
  std::string error;
  EXPECT_TRUE(parse_cursor("", c, error));
  EXPECT_FALSE(parse_cursor("[1]", c, error));
  EXPECT_NE(error.find("cursor: expected a JSON object"), std::string::npos) << error;
  EXPECT_FALSE(parse_cursor(R"({"streams": {"mentions": {"newest": 12}}})", c, error));
  EXPECT_NE(error.find("newest: expected an id string"), std::string::npos) << error;
  EXPECT_FALSE(parse_cursor(R"({"streams": {"mentions": {"walk": {"token": ""}}}})", c, error));
  EXPECT_NE(error.find("walk"), std::string::npos) << error;
  EXPECT_FALSE(parse_cursor(R"({"budget": {"day": "2026-12-04", "used": -1}})", c, error));
  EXPECT_NE(error.find("budget"), std::string::npos) << error;
}

}  // namespace
}  // namespace carewatch::x
