// How a poll of YouTube fails: Google's error shape ({"error": {"code", "message", "errors":
// [{"reason", "domain", "message"}]}}, as in tests/fixtures/youtube/error_*.json), 429 / 5xx /
// HTML / truncated JSON, wrong-typed fields in a commentThreadListResponse (the shape of
// ../shared/fixtures/youtube/pyyoutube_comment_threads_by_video_paged_1.json), a failure after a
// good page, a broken cursor; and that a connector is built without touching the network.
#include "tests/unit/connectors/youtube_test_fixture.h"

#include <atomic>
#include <chrono>
#include <string>

#include "connectors/youtube/cursor.h"
#include "mention/common/time.h"

namespace carewatch::youtube_test {
namespace {

using testing::FakeResponse;
using testing::FakeYoutube;
using testing::FakeYoutubeRoute;
using testing::YoutubeComment;
using std::chrono::milliseconds;

FakeResponse page(const std::string& name) { return {200, {}, fixture(name)}; }

TEST_F(YoutubeTest, TooManyRequestsIsRetriedAfterWhatGoogleSaid) {
  fake_.fail_next(FakeYoutubeRoute::threads, 1, {429, {{"Retry-After", "7"}}, R"({"error": {"code": 429}})"});
  auto c = make();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(*e.retry_after, milliseconds(7000));
}

TEST_F(YoutubeTest, ServerErrorIsRetriedAndTheKeyIsNeverShown) {
  fake_.fail_next(FakeYoutubeRoute::threads, 1, FakeYoutube::google_error(503, "backendError", "Backend Error"));
  auto c = make();
  SourceUsage usage;
  const PollError e = failed(*c, "", &usage);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("503"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("/youtube/v3/commentThreads"), std::string::npos) << e.message;
  EXPECT_EQ(usage.budget_used, 1u);  // Google counts failed calls too
}

TEST_F(YoutubeTest, RateLimitExceededIsRetried) {
  fake_.fail_next(FakeYoutubeRoute::threads, 1,
                  FakeYoutube::google_error(403, "rateLimitExceeded", "The request rate is too high."));
  auto c = make();
  EXPECT_EQ(failed(*c).kind, PollError::Kind::retry);
}

TEST_F(YoutubeTest, HtmlPageAndTruncatedJsonAreRetried) {
  fake_.fail_next(FakeYoutubeRoute::threads, 1,
                  {200, {{"Content-Type", "text/html"}}, "<html><body>502 Bad Gateway</body></html>"});
  auto c = make();
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("HTML"), std::string::npos) << e.message;
  const std::string text = fixture("comment_threads_page1.json");
  fake_.fail_next(FakeYoutubeRoute::threads, 1, {200, {}, text.substr(0, text.size() / 2)});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("invalid JSON"), std::string::npos) << e.message;
  // Not a thread list at all.
  fake_.fail_next(FakeYoutubeRoute::threads, 1, {200, {}, R"({"kind": "youtube#commentThreadListResponse"})"});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("items: expected an array"), std::string::npos) << e.message;
}

TEST_F(YoutubeTest, AnInvalidKeyIsFatalAndNamesTheOption) {
  fake_.fail_next(FakeYoutubeRoute::threads, 1, {400, {}, fixture("error_key_invalid.json")});
  auto c = make();
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("options.api_key"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("API key not valid"), std::string::npos) << e.message;
  // The fake's own answer to a wrong key (reason keyInvalid).
  std::string error;
  auto wrong = build(R"({"base_url": ")" + fake_.base_url() + R"(", "channel_id": ")" +
                         testing::kFakeYoutubeChannel + R"(", "api_key": "AIzaWrongKey"})",
                     error);
  ASSERT_TRUE(wrong) << error;
  e = failed(*wrong);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("options.api_key"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("AIzaWrongKey"), std::string::npos) << e.message;
}

TEST_F(YoutubeTest, CommentsDisabledOrAnUnknownChannelIsFatalAndNamesTheChannel) {
  fake_.fail_next(FakeYoutubeRoute::threads, 1, {403, {}, fixture("error_comments_disabled.json")});
  auto c = make();
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find(std::string("options.channel_id ") + testing::kFakeYoutubeChannel), std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find("comments are disabled"), std::string::npos) << e.message;
  std::string error;
  auto other = build(R"({"base_url": ")" + fake_.base_url() +
                         R"(", "channel_id": "UCnobody00000000000000ZZ", "api_key": ")" + testing::kFakeYoutubeKey +
                         R"("})",
                     error);
  ASSERT_TRUE(other) << error;
  e = failed(*other);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("no such channel"), std::string::npos) << e.message;
}

TEST_F(YoutubeTest, WrongTypedFieldsSkipTheThreadWithAWarningNamingTheField) {
  fake_.fail_next(FakeYoutubeRoute::threads, 1, page("comment_threads_malformed.json"));
  auto c = make();
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_EQ(b.mentions[0].native_id, "UgzAcme0005crew-thanks-Q4AaABAg");
  ASSERT_EQ(b.warnings.size(), 3u);
  EXPECT_EQ(b.warnings[0], std::string("channel ") + testing::kFakeYoutubeChannel +
                               ": items[0].id: expected a string, got a number");
  EXPECT_NE(b.warnings[1].find("items[1].snippet.topLevelComment.snippet.publishedAt: expected a string, got a number"),
            std::string::npos)
      << b.warnings[1];
  EXPECT_NE(b.warnings[2].find("items[2].snippet.topLevelComment.snippet.textOriginal: expected a string, got an array"),
            std::string::npos)
      << b.warnings[2];
}

TEST_F(YoutubeTest, AFailureAfterAGoodPageKeepsItAndGoesOnFromTheFailedPage) {
  // Cursor at 08:00: both fixture pages are new.
  youtube::Cursor cur;
  cur.started = true;
  parse_iso8601("2026-12-04T08:00:00Z", cur.floor.t);
  const std::string start = youtube::write_cursor(cur);
  fake_.fail_next(FakeYoutubeRoute::threads, 1, page("comment_threads_page1.json"));
  fake_.fail_next(FakeYoutubeRoute::threads, 1, {500, {}, "oops"});
  fake_.fail_next(FakeYoutubeRoute::comments, 1, page("comments_by_parent.json"));
  auto c = make();
  const Batch b = ok(*c, start);
  EXPECT_EQ(b.mentions.size(), 3u + 7u);  // page 1's threads, the busy thread's 7 replies (listed: count unknown)
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("500"), std::string::npos) << b.warnings[0];
  EXPECT_FALSE(b.more);
  youtube::Cursor after;
  std::string error;
  ASSERT_TRUE(youtube::parse_cursor(b.next_cursor, after, error)) << error;
  EXPECT_EQ(after.page, "QURTSl9pM0FjbWVBaXJQYWdlVHdvVG9rZW4tZmFrZQ==");
  EXPECT_EQ(after.floor.t, cur.floor.t);  // not moved before every page is read

  fake_.server().clear_requests();
  fake_.fail_next(FakeYoutubeRoute::threads, 1, page("comment_threads_page2.json"));
  const Batch rest = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(rest), (std::vector<std::string>{"UgzAcme0005crew-thanks-Q4AaABAg", "UgyAcme0004wifi-broken-Z4AaABAg"}));
  const auto requests = fake_.requests_to(FakeYoutubeRoute::threads);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].query.at("pageToken"), "QURTSl9pM0FjbWVBaXJQYWdlVHdvVG9rZW4tZmFrZQ==");
  ASSERT_TRUE(youtube::parse_cursor(rest.next_cursor, after, error)) << error;
  EXPECT_TRUE(after.page.empty());
  EXPECT_TRUE(after.seen.empty());
  TimeMs newest = 0;
  parse_iso8601("2026-12-04T10:01:03Z", newest);
  EXPECT_EQ(after.floor.t, newest);
}

TEST_F(YoutubeTest, QuotaExceededOnALaterPageKeepsTheGoodOnesAndTheRestWaits) {
  youtube::Cursor cur;
  cur.started = true;
  parse_iso8601("2026-12-04T08:00:00Z", cur.floor.t);
  fake_.fail_next(FakeYoutubeRoute::threads, 1, page("comment_threads_page1.json"));
  fake_.fail_next(FakeYoutubeRoute::threads, 1, {403, {}, fixture("error_quota_exceeded.json")});
  fake_.fail_next(FakeYoutubeRoute::comments, 1, page("comments_by_parent.json"));
  auto c = make();
  SourceUsage usage;
  const Batch b = ok(*c, youtube::write_cursor(cur), &usage);
  EXPECT_EQ(b.mentions.size(), 10u);
  EXPECT_FALSE(b.more);
  ASSERT_TRUE(b.retry_after);
  EXPECT_FALSE(usage.rate_limit_remaining);  // YouTube sends no rate-limit headers
  EXPECT_EQ(usage.budget_used, 3u);          // two thread pages and one reply listing
  EXPECT_EQ(*usage.budget_remaining, 0);
  youtube::Cursor after;
  std::string error;
  ASSERT_TRUE(youtube::parse_cursor(b.next_cursor, after, error)) << error;
  EXPECT_EQ(after.page, "QURTSl9pM0FjbWVBaXJQYWdlVHdvVG9rZW4tZmFrZQ==");  // page 2 is read after the pause
  EXPECT_EQ(after.floor.t, cur.floor.t);
  EXPECT_EQ(after.seen.size(), 10u);
}

TEST_F(YoutubeTest, AThreadWhoseRepliesCannotBeListedIsReadAgainLater) {
  const std::string t = fake_.add_thread("vidAcme0001", {"", "@a", "", "top", now_ms() - 600'000});
  std::string sixth;  // not inline (YouTube inlines a few): not read by the first poll, which lists no replies
  for (int i = 0; i < 6; ++i) sixth = fake_.add_reply(t, {"", "@r", "", "r" + std::to_string(i), now_ms() - 500'000});
  auto c = make();
  const Batch first = ok(*c, "");
  EXPECT_EQ(first.mentions.size(), 1u + 5u);
  const std::string late = fake_.add_reply(t, {"", "@dan", "", "hello?", now_ms() - 1000});
  fake_.fail_next(FakeYoutubeRoute::comments, 1, {500, {}, ""});
  const Batch b = ok(*c, first.next_cursor);
  EXPECT_TRUE(b.mentions.empty());
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("thread " + t), std::string::npos) << b.warnings[0];
  const Batch again = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(again), (std::vector<std::string>{sixth, late}));
  // A thread deleted meanwhile (404): a warning, its inline replies kept, not asked again.
  const std::string later = fake_.add_reply(t, {"", "@dan", "", "anyone?", now_ms()});
  fake_.fail_next(FakeYoutubeRoute::comments, 1,
                  FakeYoutube::google_error(404, "commentNotFound", "The comment could not be found."));
  const Batch gone = ok(*c, again.next_cursor);
  EXPECT_TRUE(gone.mentions.empty());
  EXPECT_EQ(gone.warnings.size(), 1u);
  (void)later;
}

TEST_F(YoutubeTest, AnExpiredPageTokenStartsThePagesAgainFromTheNewest) {
  const std::string old = fake_.add_thread("vidAcme0001", {"", "@a", "", "old", now_ms() - 600'000});
  auto c = make();
  const Batch first = ok(*c, "");
  const std::string fresh = fake_.add_thread("vidAcme0001", {"", "@b", "", "new", now_ms()});
  youtube::Cursor cur;
  std::string error;
  ASSERT_TRUE(youtube::parse_cursor(first.next_cursor, cur, error)) << error;
  cur.page = "Q0FFexpiredVEFB";  // the fake refuses it: 400 invalidPageToken
  const Batch b = ok(*c, youtube::write_cursor(cur));
  EXPECT_TRUE(b.mentions.empty());
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("invalidPageToken"), std::string::npos) << b.warnings[0];
  EXPECT_TRUE(b.more);
  const Batch again = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(again), std::vector<std::string>{fresh});
  (void)old;
}

TEST_F(YoutubeTest, ABrokenCursorIsFatalAndSaysSo) {
  auto c = make();
  const PollError e = failed(*c, "[1, 2]");
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_TRUE(e.bad_cursor);
  EXPECT_TRUE(fake_.server().requests().empty());
  EXPECT_TRUE(failed(*c, R"({"floor": {"t": "soon"}})").bad_cursor);
}

// An HTTP client that refuses everything, as check-config's.
struct Refusing : HttpClient {
  std::atomic<int> calls{0};
  HttpResponse send(const HttpRequest&) override {
    ++calls;
    HttpResponse r;
    r.error = "refused";
    return r;
  }
};

TEST_F(YoutubeTest, BuildingAConnectorTouchesNoNetwork) {
  auto http = std::make_shared<Refusing>();
  std::string error;
  auto c = build(options("", true), error, http);
  ASSERT_TRUE(c) << error;
  Mention m;
  m.platform = "youtube";
  m.native_id = "UgzAcme0001lost-bag_Lis4AaABAg";
  m.uid = "youtube:" + m.native_id;
  EXPECT_FALSE(c->check_reply(m, "Sorry to hear that, we are on it."));
  EXPECT_TRUE(c->reply_rules().can_reply);
  EXPECT_EQ(http->calls.load(), 0);
}

}  // namespace
}  // namespace carewatch::youtube_test
