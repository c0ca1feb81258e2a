// How a poll of a fake X fails, in X's shapes: 401 {"title": "Unauthorized", ...} and 403
// {"title": "Client Forbidden", "reason": "client-not-enrolled", ...} (as recorded in
// ../shared/fixtures/twitter/postman_Retrieve_Rules_40*.json), 429 with x-rate-limit-reset, 5xx,
// HTML pages, truncated JSON, a page that used the rate limit up, a stream failing while another
// works, and a broken cursor. Messages name what to fix, never the bearer token.
#include <rapidjson/document.h>

#include <chrono>
#include <string>

#include "connectors/common/json_text.h"
#include "connectors/x/cursor.h"
#include "tests/unit/connectors/x_test_fixture.h"

namespace carewatch::x_test {
namespace {

using std::chrono::milliseconds;
using testing::FakeResponse;
using testing::FakeX;
using testing::FakeXRoute;
using testing::kFakeXBrandId;

TEST_F(XTest, AWrongBearerTokenIsFatalAndNamesTheOptionNotTheToken) {
  std::string error;
  auto c = build(R"({"base_url": ")" + x_.base_url() +
                     R"(", "bearer_token": "wrong-Secret-123", "search": ["acme"], "max_posts_per_day": 100})",
                 error);
  ASSERT_TRUE(c) << error;
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("401"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("Unauthorized"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("options.bearer_token"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("wrong-Secret-123"), std::string::npos) << e.message;
}

TEST_F(XTest, AnAppNotEnrolledForTheEndpointIsFatal) {
  x_.fail_next(FakeXRoute::mentions, 1,
               {403,
                {},
                R"({"client_id": "16340226", "required_enrollment": "Standard Basic", "registration_url": )"
                R"("https://developer.x.com/en/account", "title": "Client Forbidden", "detail": "This request must )"
                R"(be made using an approved developer account that is enrolled in the requested endpoint.", )"
                R"("reason": "client-not-enrolled", "type": "https://api.twitter.com/2/problems/client-forbidden"})"});
  auto c = make_mentions();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("403"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("Client Forbidden"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("enrolled"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("options.bearer_token"), std::string::npos) << e.message;
}

TEST_F(XTest, TooManyRequestsIsRetriedAtTheRateLimitReset) {
  x_.set_rate_limit(0, 120);
  auto c = make_search();
  SourceUsage usage;
  PollResult r = c->poll("");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::retry);
  EXPECT_NE(r.error->message.find("429"), std::string::npos) << r.error->message;
  ASSERT_TRUE(r.error->retry_after);
  EXPECT_GT(*r.error->retry_after, milliseconds(100'000));
  EXPECT_LE(*r.error->retry_after, milliseconds(121'000));
  ASSERT_TRUE(r.usage.rate_limit_remaining);
  EXPECT_EQ(*r.usage.rate_limit_remaining, 0.0);
  EXPECT_EQ(x_.requests().size(), 1u);
}

TEST_F(XTest, APageThatUsesTheRateLimitUpEndsThePoll) {
  x_.add_posts(3, kCustomerId, "acme");
  x_.set_rate_limit(1, 300);
  auto c = make(R"("user_id": ")" + std::string(kFakeXBrandId) +
                R"(", "search": ["acme"], "max_posts_per_day": 1000, "max_results": 10)");
  SourceUsage usage;
  const Batch b = ok(*c, "", &usage);
  EXPECT_EQ(b.mentions.size(), 3u);  // the mentions page was good
  ASSERT_TRUE(b.retry_after);
  EXPECT_GT(*b.retry_after, milliseconds(200'000));
  EXPECT_EQ(x_.requests().size(), 1u);  // search waits for the reset
  EXPECT_EQ(*usage.rate_limit_remaining, 0.0);
}

TEST_F(XTest, ServerErrorsHtmlPagesAndTruncatedJsonAreRetried) {
  auto c = make_search();
  x_.fail_next(FakeXRoute::search, 1, FakeX::problem(503, "Service Unavailable", "Service Unavailable"));
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("503"), std::string::npos) << e.message;

  x_.fail_next(FakeXRoute::search, 1,
               {200, {{"Content-Type", "text/html"}}, "<html><body><h1>Something went wrong</h1></body></html>"});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("HTML"), std::string::npos) << e.message;

  const std::string page = fixture("mentions_page.json");
  x_.fail_next(FakeXRoute::search, 1, {200, {}, page.substr(0, page.size() / 2)});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("invalid JSON"), std::string::npos) << e.message;

  x_.fail_next(FakeXRoute::search, 1, {200, {}, R"({"data": {"id": "1"}})"});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("data: expected an array, got an object"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find(testing::kFakeXBearer), std::string::npos);

  // X is back: nothing was lost.
  const auto ids = x_.add_posts(2, kCustomerId, "acme");
  EXPECT_EQ(ids_of(ok(*c, "")), ids);
}

TEST_F(XTest, WrongTypedFieldsSkipOnlyTheirPost) {
  x_.fail_next(FakeXRoute::mentions, 1, {200, {}, fixture("mentions_malformed.json")});
  auto c = make_mentions();
  SourceUsage usage;
  const Batch b = ok(*c, "", &usage);
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{"1864713960000000005", "1864713970000000004"}));
  EXPECT_EQ(usage.posts_read, 6u);
  ASSERT_GE(b.warnings.size(), 5u);
  EXPECT_EQ(b.warnings[1], "mentions: data[0].id: expected a string, got a number");
  // The cursor moves past the posts skipped as well.
  x::Cursor cursor;
  std::string error;
  ASSERT_TRUE(x::parse_cursor(b.next_cursor, cursor, error)) << error;
  EXPECT_TRUE(cursor.streams["mentions"].seen("1864713990000000002"));
}

TEST_F(XTest, PartialErrorsAreWarnings) {
  testing::XPost p;
  p.author_id = "1600000000000000999";  // a user the fake cannot include (suspended)
  p.text = "@AcmeAir hello";
  const std::string id = x_.add_post(p);
  auto c = make_mentions();
  const Batch b = ok(*c, "");
  ASSERT_EQ(ids_of(b), std::vector<std::string>{id});
  EXPECT_EQ(b.mentions[0].author.id, "1600000000000000999");
  EXPECT_EQ(b.mentions[0].url, "https://x.com/i/web/status/" + id);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_EQ(b.warnings[0],
            "mentions: X reported: Not Found Error: Could not find user with author_id: [1600000000000000999].");
}

TEST_F(XTest, AStreamFailingAfterAnotherWorkedKeepsWhatWasRead) {
  const auto ids = x_.add_posts(2, kCustomerId, "acme");
  auto c = make(R"("user_id": ")" + std::string(kFakeXBrandId) +
                R"(", "search": ["acme"], "max_posts_per_day": 1000, "max_results": 10)");
  x_.fail_next(FakeXRoute::search, 1, FakeX::problem(500, "Internal Server Error", "boom"));
  const Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), ids);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("search \"acme\""), std::string::npos) << b.warnings[0];
  EXPECT_NE(b.warnings[0].find("500"), std::string::npos) << b.warnings[0];
  // The failed stream starts fresh next time (no cursor entry); the mentions stream moved.
  x::Cursor cursor;
  std::string error;
  ASSERT_TRUE(x::parse_cursor(b.next_cursor, cursor, error)) << error;
  EXPECT_FALSE(cursor.streams["mentions"].newest.empty());
  EXPECT_TRUE(cursor.streams["search:acme"].newest.empty());
}

#ifdef CAREWATCH_HAVE_SHARED
// X's recorded error bodies (../shared/fixtures/twitter/postman_*_40*.json, postman_*_429_*.json).
FakeResponse recorded(const std::string& name, std::vector<std::pair<std::string, std::string>> headers = {}) {
  const std::string text = read_file(std::string(CAREWATCH_SHARED_DIR) + "/fixtures/twitter/" + name);
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_TRUE(d.IsObject() && d.HasMember("body") && d.HasMember("_status")) << name;
  return {d["_status"].GetInt(), std::move(headers), text::to_text(d["body"])};
}

TEST_F(XTest, XsRecordedErrorAnswers) {
  auto c = make_search();
  x_.fail_next(FakeXRoute::search, 1, recorded("postman_Retrieve_Rules_401_Unauthorized.json"));
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("401 Unauthorized"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("options.bearer_token"), std::string::npos) << e.message;

  x_.fail_next(FakeXRoute::search, 1, recorded("postman_Retrieve_Rules_403_Forbidden_Client_Not_Enrolled.json"));
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("Client Forbidden"), std::string::npos) << e.message;

  x_.fail_next(FakeXRoute::search, 1,
               recorded("postman_Stream_see_description_429_Too_Many_Requests.json",
                        {{"x-rate-limit-remaining", "0"}, {"x-rate-limit-reset", std::to_string(now_ms() / 1000 + 30)}}));
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_LE(*e.retry_after, milliseconds(31'000));
}
#endif

TEST_F(XTest, ABrokenCursorIsFatalAndSaysSo) {
  auto c = make_mentions();
  const PollError e = failed(*c, R"({"streams": {"mentions": {"newest": 5}}})");
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_TRUE(e.bad_cursor);
  EXPECT_NE(e.message.find("cursor"), std::string::npos);
  EXPECT_TRUE(x_.requests().empty());
}

TEST_F(XTest, ReadsWhoseCursorWasNotStoredAreStillCountedAgainstTheBudget) {
  x_.add_posts(1, kCustomerId, "acme");
  auto c = make(R"("search": ["acme"], "max_posts_per_day": 30, "max_results": 10)");
  const Batch b1 = ok(*c, "");  // 1 read
  x_.add_posts(25, kCustomerId, "acme");
  SourceUsage usage;
  const Batch b2 = ok(*c, b1.next_cursor, &usage);  // 10 + 10 read, 9 left: paused
  EXPECT_EQ(usage.budget_used, 20u);
  EXPECT_TRUE(b2.retry_after);
  // The scheduler never stored b2's cursor (its batch was not enqueued) and polls with b1's: the
  // connector still knows what was read today and reads nothing more.
  x_.clear_requests();
  const Batch again = ok(*c, b1.next_cursor, &usage);
  EXPECT_TRUE(x_.requests().empty());
  ASSERT_TRUE(usage.budget_remaining);
  EXPECT_EQ(*usage.budget_remaining, 9.0);
  EXPECT_TRUE(again.retry_after);
  EXPECT_NE(again.next_cursor.find("\"used\":21"), std::string::npos) << again.next_cursor;
}

// What ConnectorTypes.EveryOptionOfEverySchemaIsRead (connector_options_test.cpp) checks of each
// type, for x: every option of the schema, described and read.
TEST(XOptions, EveryOptionOfTheSchemaIsDescribedAndRead) {
  const std::string every = R"({"base_url": "https://api.x.com", "bearer_token": "b", "user_id": "1590000000000000001",
      "search": ["acme"], "max_posts_per_day": 1000, "max_results": 50, "max_pages": 2, "timeout": "5s",
      "consumer_key": "k", "consumer_secret": "s", "access_token": "t", "access_token_secret": "u"})";
  rapidjson::Document schema, example;
  schema.Parse(find_connector_type("x")->options_schema);
  ASSERT_FALSE(schema.HasParseError());
  example.Parse(every.c_str());
  for (const auto& p : schema["properties"].GetObject()) {
    EXPECT_TRUE(example.HasMember(p.name)) << p.name.GetString();
    EXPECT_TRUE(p.value.HasMember("description")) << p.name.GetString();
  }
  std::string error;
  EXPECT_TRUE(build(every, error)) << error;
}

TEST(XOptions, WhatTheSchemaCannotSay) {
  std::string error;
  const std::string base = R"("base_url": "https://api.x.com", "bearer_token": "b", "max_posts_per_day": 100)";
  auto make = [&](const std::string& extra) {
    error.clear();
    return build("{" + base + extra + "}", error);
  };
  EXPECT_TRUE(make(R"(, "search": ["acme"])"));
  EXPECT_FALSE(make(""));  // nothing to watch
  EXPECT_FALSE(make(R"(, "search": ["Acme", "acme"])"));
  EXPECT_NE(error.find("listed twice"), std::string::npos) << error;
  EXPECT_FALSE(make(R"(, "user_id": "1", "consumer_key": "k", "consumer_secret": "s", "access_token": "t")"));
  EXPECT_NE(error.find("options.access_token_secret: missing"), std::string::npos) << error;
  EXPECT_FALSE(make(R"(, "search": ["a"], "consumer_key": "k", "consumer_secret": "s", "access_token": "t",)"
                    R"( "access_token_secret": "u")"));
  EXPECT_NE(error.find("options.user_id: needed to reply"), std::string::npos) << error;
  EXPECT_FALSE(make(R"(, "search": ["a"], "consumer_secret": "has space")"));
  EXPECT_NE(error.find("whitespace"), std::string::npos) << error;
  EXPECT_EQ(error.find("has space"), std::string::npos) << error;
  EXPECT_TRUE(make(R"(, "user_id": "1590000000000000001", "consumer_key": "k", "consumer_secret": "s",)"
                   R"( "access_token": "t", "access_token_secret": "u")"));
  error.clear();
  EXPECT_FALSE(build(R"({"bearer_token": "b", "search": ["a"]})", error));  // the budget is required
  EXPECT_NE(error.find("max_posts_per_day"), std::string::npos) << error;
}

}  // namespace
}  // namespace carewatch::x_test
