// Polling YouTube: commentThreads.list?allThreadsRelatedToChannelId= pages (the shape of
// ../shared/fixtures/youtube/pyyoutube_comment_threads_by_video_paged_{1,2}.json: items[] of
// youtube#commentThread with snippet.topLevelComment, snippet.totalReplyCount and
// replies.comments[], nextPageToken) and comments.list?parentId= (the shape of
// pyyoutube_comments_by_parent_paged_1.json), read from our own fixtures and from a fake YouTube:
// the first poll, pages, a restart in the middle of pages, replies beyond the inline ones, a new
// reply to an old thread, same-second dedupe, the daily quota.
#include "tests/unit/connectors/youtube_test_fixture.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "connectors/youtube/cursor.h"
#include "mention/common/time.h"

namespace carewatch::youtube_test {
namespace {

using testing::FakeResponse;
using testing::FakeYoutubeRoute;
using testing::YoutubeComment;
using std::chrono::hours;
using std::chrono::milliseconds;

constexpr const char* kT1 = "UgzAcme0001lost-bag_Lis4AaABAg";
constexpr const char* kT2 = "UgxAcme0002refund-slow-p4AaABAg";
constexpr const char* kT3 = "UgwAcme0003seat-upgrade_4AaABAg";

TimeMs at(const char* iso) {
  TimeMs t = 0;
  EXPECT_TRUE(parse_iso8601(iso, t)) << iso;
  return t;
}

FakeResponse page(const std::string& name) { return {200, {{"Content-Type", "application/json; charset=UTF-8"}}, fixture(name)}; }

// The fake's answers: comments made `ago` seconds before now, on whole seconds.
TimeMs seconds_ago(int ago) {
  const TimeMs now = now_ms();
  return now - now % 1000 - ago * 1000LL;
}

youtube::Cursor cursor_of(const std::string& text) {
  youtube::Cursor c;
  std::string error;
  EXPECT_TRUE(youtube::parse_cursor(text, c, error)) << error;
  return c;
}

// ---- the recorded shape ------------------------------------------------------------------------

TEST_F(YoutubeTest, FirstPollReadsTheNewestPageAndMapsComments) {
  // The fake answers with our fixture page (fail_next serves any answer).
  fake_.fail_next(FakeYoutubeRoute::threads, 1, page("comment_threads_page1.json"));
  auto c = make();
  SourceUsage usage;
  const Batch b = ok(*c, "", &usage);
  // Top-level comments and inline replies of the newest page, oldest first; no backfill, and the
  // thread's other 5 replies are not listed on a first poll.
  const std::string r1 = std::string(kT2) + ".AcmeR1xA01", r2 = std::string(kT2) + ".AcmeR1xA02";
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{kT3, kT2, r1, r2, kT1}));
  EXPECT_FALSE(b.more);
  EXPECT_TRUE(b.warnings.empty());
  const auto threads = fake_.requests_to(FakeYoutubeRoute::threads);
  ASSERT_EQ(threads.size(), 1u);
  EXPECT_EQ(threads[0].query.at("part"), "snippet,replies");
  EXPECT_EQ(threads[0].query.at("allThreadsRelatedToChannelId"), testing::kFakeYoutubeChannel);
  EXPECT_EQ(threads[0].query.at("order"), "time");
  EXPECT_EQ(threads[0].query.at("textFormat"), "plainText");
  EXPECT_EQ(threads[0].query.at("maxResults"), "100");
  EXPECT_EQ(threads[0].query.count("pageToken"), 0u);
  EXPECT_EQ(fake_.requests_to(FakeYoutubeRoute::comments).size(), 0u);
  EXPECT_EQ(usage.posts_read, 3u);
  EXPECT_EQ(usage.budget_used, 1u);
  ASSERT_TRUE(usage.budget_remaining);
  EXPECT_EQ(*usage.budget_remaining, 9999);

  const Mention& top = b.mentions[4];
  EXPECT_EQ(top.uid, std::string("youtube:") + kT1);
  EXPECT_EQ(top.platform, "youtube");
  EXPECT_EQ(top.source, "acme-youtube");
  EXPECT_EQ(top.text, "@AcmeAir my bag never made it to Lisbon, 3 days now");
  EXPECT_EQ(top.author.handle, "@dan.travels");
  EXPECT_EQ(top.author.display_name, "@dan.travels");
  EXPECT_EQ(top.author.id, "UCdanTravels0000000000Dn");
  EXPECT_EQ(top.author.followers, 0);
  EXPECT_EQ(top.url, std::string("https://www.youtube.com/watch?v=aCm3A1rVid1&lc=") + kT1);
  EXPECT_EQ(top.parent_id, "");
  EXPECT_EQ(top.conversation_id, kT1);
  EXPECT_EQ(top.posted_at, at("2026-12-04T09:58:41Z"));
  EXPECT_EQ(top.language, "");
  EXPECT_FALSE(top.raw.empty());
  const Mention& reply = b.mentions[3];
  EXPECT_EQ(reply.parent_id, kT2);
  EXPECT_EQ(reply.conversation_id, kT2);
  EXPECT_EQ(reply.author.id, testing::kFakeYoutubeChannel);  // the brand's own reply: a first response
  EXPECT_EQ(reply.url, "https://www.youtube.com/watch?v=aCm3A1rVid2&lc=" + r2);
  EXPECT_EQ(b.mentions[0].text, "Is the seat upgrade refundable if the flight is delayed?\nAsking for a friend");

  const auto cursor = cursor_of(b.next_cursor);
  EXPECT_TRUE(cursor.started);
  EXPECT_EQ(cursor.floor.t, at("2026-12-04T09:58:41Z"));
  EXPECT_EQ(cursor.floor.ids, std::set<std::string>{kT1});
  EXPECT_TRUE(cursor.page.empty());
  EXPECT_EQ(cursor.reply_count(kT2), 7);
  EXPECT_EQ(cursor.budget_used, 1u);
}

TEST_F(YoutubeTest, RepliesBeyondTheInlineOnesAreListedWhenTheCountChanges) {
  fake_.fail_next(FakeYoutubeRoute::threads, 1, page("comment_threads_page1.json"));
  auto c = make();
  const Batch first = ok(*c, "");

  // The same page: nothing new, no reply listing (the count is as seen), one call.
  fake_.server().clear_requests();
  fake_.fail_next(FakeYoutubeRoute::threads, 1, page("comment_threads_page1.json"));
  const Batch same = ok(*c, first.next_cursor);
  EXPECT_TRUE(same.mentions.empty());
  EXPECT_EQ(fake_.requests_to(FakeYoutubeRoute::threads).size(), 1u);
  EXPECT_EQ(fake_.requests_to(FakeYoutubeRoute::comments).size(), 0u);

  // One more reply on the thread: its replies are listed, and only the new one is returned.
  std::string text = fixture("comment_threads_page1.json");
  const std::string from = "\"totalReplyCount\": 7", to = "\"totalReplyCount\": 8";
  text.replace(text.find(from), from.size(), to);
  fake_.fail_next(FakeYoutubeRoute::threads, 1, {200, {}, text});
  fake_.fail_next(FakeYoutubeRoute::comments, 1, page("comments_by_parent.json"));
  SourceUsage usage;
  const Batch more = ok(*c, same.next_cursor, &usage);
  EXPECT_EQ(ids_of(more), std::vector<std::string>{std::string(kT2) + ".AcmeR1xA07"});
  ASSERT_EQ(more.mentions.size(), 1u);
  EXPECT_EQ(more.mentions[0].parent_id, kT2);
  EXPECT_EQ(more.mentions[0].url, std::string("https://www.youtube.com/watch?v=aCm3A1rVid2&lc=") + kT2 + ".AcmeR1xA07");
  const auto listed = fake_.requests_to(FakeYoutubeRoute::comments);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].query.at("parentId"), kT2);
  EXPECT_EQ(listed[0].query.at("part"), "snippet");
  EXPECT_EQ(listed[0].query.at("textFormat"), "plainText");
  EXPECT_EQ(listed[0].query.at("maxResults"), "100");
  EXPECT_EQ(usage.budget_used, 2u);
  EXPECT_EQ(usage.posts_read, 3u + 7u);
  EXPECT_EQ(cursor_of(more.next_cursor).floor.t, at("2026-12-04T10:01:03Z"));
}

#ifdef CAREWATCH_HAVE_SHARED
// The recorded pages of the real API (../shared/fixtures/youtube/, python-youtube's recordings).
TEST_F(YoutubeTest, RecordedThreadsOfTheRealApiAreRead) {
  const std::string dir = std::string(CAREWATCH_SHARED_DIR) + "/fixtures/youtube/";
  fake_.fail_next(FakeYoutubeRoute::threads, 1, {200, {}, read_file(dir + "pyyoutube_comment_threads_by_video_paged_1.json")});
  auto c = make();
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 5u);
  EXPECT_TRUE(b.warnings.empty());
  for (const auto& m : b.mentions) {
    EXPECT_EQ(m.url.rfind("https://www.youtube.com/watch?v=F1UP7wRCPH8&lc=Ug", 0), 0u) << m.url;
    EXPECT_FALSE(m.author.handle.empty());
    EXPECT_GT(m.posted_at, 0);
    EXPECT_EQ(m.text.find("<a "), std::string::npos) << m.text;  // textOriginal, not the HTML display
  }
  EXPECT_EQ(b.mentions.back().native_id, "UgyZ1jqkHKYvi1-ruOZ4AaABAg");  // the newest, 2019-11-26
  EXPECT_EQ(b.mentions.back().text, "Google.com");

  // Its replies listing: comments of a thread, with parentId.
  std::string text = read_file(dir + "pyyoutube_comment_threads_by_video_paged_1.json");
  fake_.fail_next(FakeYoutubeRoute::threads, 1, {200, {}, text});
  const std::string replies = read_file(dir + "pyyoutube_comments_by_parent_paged_1.json");
  // The thread with 2 replies, none inline: a changed count lists them (the recording's replies are
  // to another thread; they keep their own parentId).
  youtube::Cursor cur = cursor_of(b.next_cursor);
  cur.floor.t = at("2019-11-01T00:00:00Z");
  cur.floor.ids.clear();
  cur.set_reply_count("UgwI_ylXVnzPS8Q-oAV4AaABAg", 1);
  fake_.fail_next(FakeYoutubeRoute::comments, 1, {200, {}, replies});
  const Batch again = ok(*c, youtube::write_cursor(cur));
  int from_replies = 0;
  for (const auto& m : again.mentions)
    if (m.parent_id == "Ugw5zYU6n9pmIgAZWvN4AaABAg") ++from_replies;
  EXPECT_EQ(from_replies, 2);
}
#endif

// ---- pages, restarts, replies on the fake --------------------------------------------------------

// Adds `n` threads, the newest last (one a second, ending `ago` seconds before now).
std::vector<std::string> add_threads(testing::FakeYoutube& fake, int n, int ago, const std::string& prefix) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    YoutubeComment c;
    c.author = "@customer" + std::to_string(i % 17);
    c.text = prefix + " comment " + std::to_string(i);
    c.published = seconds_ago(ago + (n - 1 - i));
    ids.push_back(fake.add_thread(i % 2 ? "vidAcme0001" : "vidAcme0002", c));
  }
  return ids;
}

TEST_F(YoutubeTest, PagesAreFollowedAndARestartInTheMiddleNeitherSkipsNorRepeats) {
  add_threads(fake_, 150, 5000, "old");
  auto c = make(R"(, "max_pages": 2)");
  SourceUsage usage;
  std::uint64_t units = 0;
  const Batch first = ok(*c, "", &usage);
  units += usage.budget_used;
  EXPECT_EQ(first.mentions.size(), 100u);  // the newest page only

  const auto fresh = add_threads(fake_, 250, 1000, "new");
  const Batch b1 = ok(*c, first.next_cursor, &usage);
  units += usage.budget_used;
  EXPECT_EQ(b1.mentions.size(), 200u);
  EXPECT_LT(b1.next_cursor.size(), 200u * 40u);  // 200 ids seen while the pages are read
  EXPECT_TRUE(b1.more);
  const auto mid = cursor_of(b1.next_cursor);
  EXPECT_FALSE(mid.page.empty());
  EXPECT_EQ(mid.floor.t, cursor_of(first.next_cursor).floor.t);  // the floor waits for the last page

  // New threads arrive while the pages are read (they push the others a page down), and the
  // daemon restarts: a fresh connector goes on from the stored cursor.
  const auto later = add_threads(fake_, 30, 100, "later");
  auto restarted = make(R"(, "max_pages": 2)");
  const Batch b2 = ok(*restarted, b1.next_cursor, &usage);
  units += usage.budget_used;
  EXPECT_FALSE(b2.more);
  EXPECT_TRUE(cursor_of(b2.next_cursor).page.empty());
  const Batch b3 = ok(*restarted, b2.next_cursor, &usage);
  units += usage.budget_used;
  const Batch b4 = ok(*restarted, b3.next_cursor, &usage);
  units += usage.budget_used;
  EXPECT_TRUE(b4.mentions.empty());
  // The source counted what YouTube charged: one unit a page.
  EXPECT_EQ(units, static_cast<std::uint64_t>(fake_.units_spent()));
  EXPECT_EQ(units, 1u + 2u + 1u + 1u + 1u);
  EXPECT_EQ(cursor_of(b4.next_cursor).budget_used, units);

  std::multiset<std::string> got;
  for (const Batch* b : {&b1, &b2, &b3})
    for (const auto& m : b->mentions) got.insert(m.native_id);
  std::multiset<std::string> want(fresh.begin(), fresh.end());
  want.insert(later.begin(), later.end());
  EXPECT_EQ(got, want);  // every new thread exactly once
  const auto requests = fake_.requests_to(FakeYoutubeRoute::threads);
  EXPECT_EQ(requests[2].query.count("pageToken"), 1u);  // the second page of b1
}

TEST_F(YoutubeTest, ANewReplyToAnOldThreadIsFound) {
  const auto threads = add_threads(fake_, 30, 3000, "old");
  // A busy thread: 6 replies, more than YouTube carries inline.
  std::string sixth;  // beyond the 5 inline ones: the first poll (newest page only) does not list it
  for (int i = 0; i < 6; ++i)
    sixth = fake_.add_reply(threads[0],
                            {"", "@fan" + std::to_string(i), "", "reply " + std::to_string(i), seconds_ago(2900 - i)});
  auto c = make(R"(, "page_size": 10)");
  const Batch first = ok(*c, "");
  // The 10 most active threads (the busy one first) and the busy one's 5 inline replies.
  EXPECT_EQ(first.mentions.size(), 15u);

  // A reply to the oldest thread, which YouTube lists first again (latest activity).
  const std::string r1 = fake_.add_reply(threads[0], {"", "@dan", "", "any news on my refund?", seconds_ago(60)});
  const Batch b = ok(*c, first.next_cursor);
  // The new reply, and the sixth, newer than anything the first poll returned: listed now.
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{sixth, r1}));
  ASSERT_EQ(b.mentions.size(), 2u);
  EXPECT_EQ(b.mentions[1].parent_id, threads[0]);
  EXPECT_EQ(b.mentions[1].text, "any news on my refund?");
  EXPECT_EQ(fake_.requests_to(FakeYoutubeRoute::comments).size(), 1u);  // beyond the 5 inline

  // A reply to a thread with few replies comes inline: no listing.
  const std::string r2 = fake_.add_reply(threads[5], {"", "@kim", "", "same problem", seconds_ago(30)});
  const Batch b2 = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b2), std::vector<std::string>{r2});
  EXPECT_EQ(fake_.requests_to(FakeYoutubeRoute::comments).size(), 1u);
}

TEST_F(YoutubeTest, RepliesOnTheFirstPageAreFoundWhenThreadsAreListedByCreation) {
  fake_.order_by_creation(true);
  const auto threads = add_threads(fake_, 5, 3000, "old");
  auto c = make();
  const Batch first = ok(*c, "");
  const std::string r = fake_.add_reply(threads[1], {"", "@dan", "", "hello?", seconds_ago(10)});
  const Batch b = ok(*c, first.next_cursor);
  EXPECT_EQ(ids_of(b), std::vector<std::string>{r});
}

TEST_F(YoutubeTest, CommentsOfTheSameSecondAreNeitherLostNorRepeated) {
  const TimeMs t = seconds_ago(100);
  const std::string a = fake_.add_thread("vidAcme0001", {"", "@a", "", "first", t});
  auto c = make();
  const Batch first = ok(*c, "");
  EXPECT_EQ(ids_of(first), std::vector<std::string>{a});
  // Published in the same second, listed only now.
  const std::string b = fake_.add_thread("vidAcme0001", {"", "@b", "", "second", t});
  const Batch next = ok(*c, first.next_cursor);
  EXPECT_EQ(ids_of(next), std::vector<std::string>{b});
  const Batch again = ok(*c, next.next_cursor);
  EXPECT_TRUE(again.mentions.empty());
}

TEST_F(YoutubeTest, AnEmptyChannelStartsFromNow) {
  auto c = make();
  const Batch first = ok(*c, "");
  EXPECT_TRUE(first.mentions.empty());
  EXPECT_TRUE(cursor_of(first.next_cursor).started);
  add_threads(fake_, 3, 3600 * 24, "yesterday");  // older than the first poll: not backfilled
  const std::string now = fake_.add_thread("vidAcme0001", {"", "@a", "", "hi", seconds_ago(-2)});
  const Batch b = ok(*c, first.next_cursor);
  EXPECT_EQ(ids_of(b), std::vector<std::string>{now});
}

// ---- the quota -------------------------------------------------------------------------------

TEST_F(YoutubeTest, ASpentBudgetPausesUntilTheNextUtcDay) {
  add_threads(fake_, 3, 100, "x");
  auto c = make(R"(, "quota_per_day": 2)");
  SourceUsage usage;
  const Batch b1 = ok(*c, "", &usage);
  EXPECT_EQ(*usage.budget_remaining, 1);
  // A restarted connector takes the day's use from the cursor.
  auto restarted = make(R"(, "quota_per_day": 2)");
  const Batch b2 = ok(*restarted, b1.next_cursor, &usage);
  EXPECT_EQ(usage.budget_used, 1u);
  EXPECT_EQ(*usage.budget_remaining, 0);
  fake_.server().clear_requests();
  const Batch b3 = ok(*restarted, b2.next_cursor, &usage);
  EXPECT_TRUE(fake_.requests_to(FakeYoutubeRoute::threads).empty());  // never overspends
  EXPECT_EQ(usage.budget_used, 0u);
  ASSERT_EQ(b3.warnings.size(), 1u);
  EXPECT_NE(b3.warnings[0].find("2 of 2 units"), std::string::npos) << b3.warnings[0];
  EXPECT_NE(b3.warnings[0].find("00:00 UTC"), std::string::npos) << b3.warnings[0];
  ASSERT_TRUE(b3.retry_after);
  EXPECT_GT(*b3.retry_after, milliseconds(0));
  EXPECT_LE(*b3.retry_after, hours(24));
  // Another day's state in the cursor is not this day's.
  auto cur = cursor_of(b2.next_cursor);
  cur.budget_day = "2020-01-01";
  auto other = make(R"(, "quota_per_day": 2)");
  ok(*other, youtube::write_cursor(cur), &usage);
  EXPECT_EQ(usage.budget_used, 1u);
  EXPECT_EQ(*usage.budget_remaining, 1);
}

TEST_F(YoutubeTest, QuotaExceededPausesUntilYoutubeResetsIt) {
  add_threads(fake_, 3, 100, "x");
  auto c = make();
  const Batch first = ok(*c, "");
  fake_.set_quota(0);
  SourceUsage usage;
  const Batch b = ok(*c, first.next_cursor, &usage);
  EXPECT_TRUE(b.mentions.empty());
  ASSERT_FALSE(b.warnings.empty());
  EXPECT_NE(b.warnings[0].find("quotaExceeded"), std::string::npos) << b.warnings[0];
  ASSERT_TRUE(b.retry_after);
  // Until the next 08:00 UTC (midnight Pacific).
  const TimeMs reset = now_ms() + b.retry_after->count();
  const TimeMs of_day = reset % 86'400'000;
  EXPECT_NEAR(static_cast<double>(of_day), 8 * 3'600'000.0, 10'000.0) << format_iso8601(reset);
  EXPECT_LE(*b.retry_after, hours(24));
  EXPECT_EQ(*usage.budget_remaining, 0);
  EXPECT_EQ(cursor_of(b.next_cursor).budget_used, 10000u);
  EXPECT_EQ(cursor_of(b.next_cursor).floor.t, cursor_of(first.next_cursor).floor.t);
}

}  // namespace
}  // namespace carewatch::youtube_test
