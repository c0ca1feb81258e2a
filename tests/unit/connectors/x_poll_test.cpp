// Polling a fake X (tests/support/fake_x.h, the shapes of GET /2/users/:id/mentions and
// GET /2/tweets/search/recent: newest first, since_id, max_results, meta.next_token with
// pagination_token / next_token, expansions=author_id, x-rate-limit-* headers): the first poll,
// since_id with the overlap, pages, a restart in the middle of pages, late-indexed posts, and the
// daily budget of posts read.
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "connectors/common/daily_budget.h"
#include "connectors/x/cursor.h"
#include "tests/unit/connectors/x_test_fixture.h"

namespace carewatch::x_test {
namespace {

using testing::FakeRequest;
using testing::kFakeXBrandId;
using testing::XPost;

const std::string kMentionsPath = std::string("/2/users/") + kFakeXBrandId + "/mentions";
const std::string kSearchPath = "/2/tweets/search/recent";

rapidjson::Document parsed(const std::string& cursor) {
  rapidjson::Document d;
  d.Parse(cursor.c_str());
  EXPECT_TRUE(d.IsObject()) << cursor;
  return d;
}

std::string q(const FakeRequest& r, const std::string& key) {
  return r.query.count(key) ? r.query.at(key) : std::string("<none>");
}

// ---- the first poll and later ones ------------------------------------------------------------

TEST_F(XTest, FirstPollTakesTheNewestPageOnly) {
  const auto ids = x_.add_posts(30, kCustomerId);
  auto c = make_mentions();
  SourceUsage usage;
  const Batch b = ok(*c, "", &usage);
  // The 10 newest, oldest first; nothing older is backfilled.
  EXPECT_EQ(ids_of(b), std::vector<std::string>(ids.begin() + 20, ids.end()));
  EXPECT_FALSE(b.more);
  const auto requests = x_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const FakeRequest& r = requests[0];
  EXPECT_EQ(r.path, kMentionsPath);
  EXPECT_EQ(q(r, "max_results"), "10");
  EXPECT_EQ(q(r, "since_id"), "<none>");
  EXPECT_EQ(q(r, "pagination_token"), "<none>");
  EXPECT_EQ(q(r, "expansions"), "author_id");
  EXPECT_EQ(q(r, "tweet.fields"),
            "created_at,lang,conversation_id,in_reply_to_user_id,referenced_tweets,author_id,public_metrics,note_tweet");
  EXPECT_EQ(q(r, "user.fields"), "username,name,public_metrics,verified");
  EXPECT_EQ(r.headers.at("authorization"), std::string("Bearer ") + testing::kFakeXBearer);

  // The mapping, from includes.users.
  const Mention& m = b.mentions.back();
  EXPECT_EQ(m.author.handle, "dana_flies");
  EXPECT_EQ(m.author.followers, 1520);
  EXPECT_EQ(m.url, "https://x.com/dana_flies/status/" + ids.back());
  EXPECT_EQ(m.text, "@AcmeAir post 29");

  // The cursor: the newest id, the ids returned; the budget.
  const auto cursor = parsed(b.next_cursor);
  EXPECT_EQ(std::string(cursor["streams"]["mentions"]["newest"].GetString()), ids.back());
  EXPECT_EQ(cursor["streams"]["mentions"]["recent"].Size(), 10u);
  EXPECT_EQ(cursor["budget"]["used"].GetUint64(), 10u);
  EXPECT_EQ(usage.posts_read, 10u);
  EXPECT_EQ(usage.budget_used, 10u);
  ASSERT_TRUE(usage.budget_remaining);
  EXPECT_EQ(*usage.budget_remaining, 100000.0 - 10);
  ASSERT_TRUE(usage.rate_limit_remaining);
  EXPECT_EQ(*usage.rate_limit_remaining, 449.0);  // x-rate-limit-remaining of the answer
}

TEST_F(XTest, LaterPollsAskWithAnOverlapAndReturnOnlyWhatIsNew) {
  const auto first = x_.add_posts(5, kCustomerId, "first");
  auto c = make_mentions();
  const Batch b1 = ok(*c, "");
  EXPECT_EQ(ids_of(b1), first);

  const auto added = x_.add_posts(3, kOtherCustomerId, "added");
  x_.clear_requests();
  SourceUsage usage;
  const Batch b2 = ok(*c, b1.next_cursor, &usage);
  EXPECT_EQ(ids_of(b2), added);
  auto requests = x_.requests();
  ASSERT_EQ(requests.size(), 1u);
  // since_id is the instant 30 s before the newest post read: the overlap is read again...
  EXPECT_EQ(q(requests[0], "since_id"), x::since_with_overlap(first.back()));
  // ... and dropped: all 8 posts were read (and billed), only the 3 new ones returned.
  EXPECT_EQ(usage.posts_read, 8u);
  EXPECT_EQ(b2.mentions[0].author.handle, "kim_travels");
  EXPECT_TRUE(b2.mentions[0].author.verified);

  // Nothing new: an empty batch.
  const Batch b3 = ok(*c, b2.next_cursor);
  EXPECT_TRUE(b3.mentions.empty());
  EXPECT_FALSE(b3.more);
}

TEST_F(XTest, AQuietStreamMovesOnInsteadOfReadingTheSamePostsAgain) {
  XPost old;
  old.author_id = kCustomerId;
  old.text = "an acme post from an hour ago";
  old.created_at = now_ms() - 3600 * 1000;
  const std::string old_id = x_.add_post(old);
  auto c = make_search();
  const TimeMs before = now_ms();
  const Batch b1 = ok(*c, "");
  EXPECT_EQ(ids_of(b1), std::vector<std::string>{old_id});
  // The stream is read up to 30 s before the poll, not just up to the hour-old post.
  const auto cursor = parsed(b1.next_cursor);
  const std::string newest = cursor["streams"]["search:acme"]["newest"].GetString();
  EXPECT_GE(x::snowflake_time(newest), before - x::kOverlapMs);
  SourceUsage usage;
  const Batch b2 = ok(*c, b1.next_cursor, &usage);
  EXPECT_TRUE(b2.mentions.empty());
  EXPECT_EQ(usage.posts_read, 0u);  // the old post is not read (nor billed) again

  // A stream that found nothing at all also starts from the poll's time.
  x_.clear_requests();
  auto none = make(R"("search": ["nothing matches this"], "max_posts_per_day": 1000)");
  const Batch e1 = ok(*none, "");
  EXPECT_TRUE(e1.mentions.empty());
  ok(*none, e1.next_cursor);
  const auto requests = x_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(q(requests[0], "since_id"), "<none>");
  EXPECT_GE(x::snowflake_time(q(requests[1], "since_id")), before - 2 * x::kOverlapMs);
}

TEST_F(XTest, WhenXsClockIsBehindOursTheOverlapIsMeasuredOnXsSide) {
  // X answers (an empty page) with a Date ten minutes before our clock.
  const TimeMs x_now = (now_ms() - 600'000) / 1000 * 1000;
  std::time_t secs = static_cast<std::time_t>(x_now / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  x_.fail_next(testing::FakeXRoute::search, 1, {200, {{"Date", date}}, R"({"meta": {"result_count": 0}})"});
  auto c = make_search();
  const Batch b = ok(*c, "");
  const std::string newest = parsed(b.next_cursor)["streams"]["search:acme"]["newest"].GetString();
  EXPECT_EQ(x::snowflake_time(newest), x_now - x::kOverlapMs);
}

TEST_F(XTest, ALateIndexedSearchPostIsCaughtByTheOverlap) {
  XPost late;
  late.author_id = kOtherCustomerId;
  late.text = "acme lost my bag";
  late.created_at = now_ms() - 8000;
  late.indexed = false;  // search does not see it yet
  const std::string late_id = x_.add_post(late);
  XPost early;
  early.author_id = kCustomerId;
  early.text = "acme delayed again";
  early.created_at = now_ms() - 2000;
  const std::string early_id = x_.add_post(early);
  ASSERT_TRUE(x::id_less(late_id, early_id));

  auto c = make_search();
  const Batch b1 = ok(*c, "");
  EXPECT_EQ(ids_of(b1), std::vector<std::string>{early_id});
  // Indexed now, with an id older than the newest post already returned: since_id=<newest> would
  // miss it; the overlap finds it, and the newest post is not returned twice.
  x_.index_post(late_id);
  const Batch b2 = ok(*c, b1.next_cursor);
  EXPECT_EQ(ids_of(b2), std::vector<std::string>{late_id});
  EXPECT_EQ(b2.mentions[0].author.handle, "kim_travels");
  const Batch b3 = ok(*c, b2.next_cursor);
  EXPECT_TRUE(b3.mentions.empty());
}

TEST_F(XTest, ASearchLastReadMoreThanSevenDaysAgoStartsAgainAtTheNewestPage) {
  // Recent search refuses a since_id older than 7 days (400): the stream starts over, and says so.
  const auto ids = x_.add_posts(3, kCustomerId, "acme");
  x::Cursor stale;
  stale.streams["search:acme"].newest = testing::FakeX::snowflake(now_ms() - 8LL * 24 * 3600 * 1000);
  auto c = make_search();
  const Batch b = ok(*c, x::write_cursor(stale));
  EXPECT_EQ(ids_of(b), ids);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("more than 7 days ago"), std::string::npos) << b.warnings[0];
  ASSERT_EQ(x_.requests().size(), 1u);
  EXPECT_EQ(q(x_.requests()[0], "since_id"), "<none>");
}

TEST_F(XTest, APostFoundByTwoStreamsIsReturnedOnce) {
  const auto ids = x_.add_posts(3, kCustomerId, "acme");  // mentions the brand and matches "acme"
  auto c = make(R"("user_id": ")" + std::string(kFakeXBrandId) +
                R"(", "search": ["acme"], "max_posts_per_day": 1000, "max_results": 10)");
  const Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), ids);
  EXPECT_EQ(x_.requests().size(), 2u);
  const auto cursor = parsed(b.next_cursor);
  EXPECT_TRUE(cursor["streams"].HasMember("mentions"));
  EXPECT_TRUE(cursor["streams"].HasMember("search:acme"));
}

TEST_F(XTest, RepostsAreSkipped) {
  XPost rt;
  rt.author_id = kOtherCustomerId;
  rt.text = "RT @dana_flies: @AcmeAir where is my bag";
  rt.repost = true;
  x_.add_post(rt);
  const auto ids = x_.add_posts(1, kCustomerId);
  auto c = make_mentions();
  SourceUsage usage;
  const Batch b = ok(*c, "", &usage);
  EXPECT_EQ(ids_of(b), ids);
  EXPECT_EQ(usage.posts_read, 2u);  // read (and billed) all the same
}

// ---- pages --------------------------------------------------------------------------------------

TEST_F(XTest, PagesAreFollowedAndARestartInTheMiddleLosesNothingAndRepeatsNothing) {
  x_.add_posts(1, kCustomerId, "before");
  auto c = make_mentions(R"(, "max_pages": 2)");
  const Batch b1 = ok(*c, "");
  ASSERT_EQ(b1.mentions.size(), 1u);

  const auto ids = x_.add_posts(45, kCustomerId, "burst");
  x_.clear_requests();
  const Batch b2 = ok(*c, b1.next_cursor);
  EXPECT_EQ(b2.mentions.size(), 20u);  // two pages of 10, the newest
  EXPECT_TRUE(b2.more);
  auto requests = x_.requests();
  ASSERT_EQ(requests.size(), 2u);
  const std::string since = q(requests[0], "since_id");
  EXPECT_EQ(q(requests[1], "since_id"), since);
  EXPECT_NE(q(requests[1], "pagination_token"), "<none>");
  // The walk is in the cursor; the newest id does not move before the walk ends.
  auto cursor = parsed(b2.next_cursor);
  EXPECT_TRUE(cursor["streams"]["mentions"].HasMember("walk"));
  EXPECT_EQ(std::string(cursor["streams"]["mentions"]["newest"].GetString()),
            std::string(parsed(b1.next_cursor)["streams"]["mentions"]["newest"].GetString()));

  // Posts arrive while the walk is under way; carewatch restarts: a fresh connector goes on with
  // the cursor's walk.
  const auto during = x_.add_posts(2, kOtherCustomerId, "during");
  auto restarted = make_mentions(R"(, "max_pages": 2)");
  x_.clear_requests();
  const Batch b3 = ok(*restarted, b2.next_cursor);
  EXPECT_EQ(b3.mentions.size(), 20u);
  EXPECT_TRUE(b3.more);
  requests = x_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(q(requests[0], "since_id"), since);
  EXPECT_EQ(q(requests[0], "pagination_token"),
            std::string(parsed(b2.next_cursor)["streams"]["mentions"]["walk"]["token"].GetString()));

  const Batch b4 = ok(*restarted, b3.next_cursor);
  EXPECT_EQ(b4.mentions.size(), 5u);  // the last page
  EXPECT_FALSE(b4.more);
  EXPECT_FALSE(parsed(b4.next_cursor)["streams"]["mentions"].HasMember("walk"));

  // Then what came during the walk.
  const Batch b5 = ok(*restarted, b4.next_cursor);
  EXPECT_EQ(ids_of(b5), during);
  const Batch b6 = ok(*restarted, b5.next_cursor);
  EXPECT_TRUE(b6.mentions.empty());

  // Every post of the burst exactly once.
  std::vector<std::string> seen;
  for (const Batch* b : {&b2, &b3, &b4})
    for (const auto& m : b->mentions) seen.push_back(m.native_id);
  std::sort(seen.begin(), seen.end());
  std::vector<std::string> expected = ids;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
}

TEST_F(XTest, SearchPagesWithNextToken) {
  x_.add_posts(1, kCustomerId, "acme before");
  auto c = make_search();
  const Batch b1 = ok(*c, "");
  x_.add_posts(15, kCustomerId, "acme");
  x_.clear_requests();
  const Batch b2 = ok(*c, b1.next_cursor);
  EXPECT_EQ(b2.mentions.size(), 15u);
  EXPECT_FALSE(b2.more);
  const auto requests = x_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(q(requests[0], "query"), "acme");
  EXPECT_NE(q(requests[1], "next_token"), "<none>");  // recent search's name for the page token
}

TEST_F(XTest, ARefusedPageTokenStartsTheWalkOverWithAWarning) {
  x_.add_posts(1, kCustomerId, "before");
  auto c = make_mentions(R"(, "max_pages": 1)");
  const Batch b1 = ok(*c, "");
  const auto ids = x_.add_posts(15, kCustomerId, "burst");
  const Batch b2 = ok(*c, b1.next_cursor);
  ASSERT_TRUE(b2.more);
  x_.fail_next(testing::FakeXRoute::mentions, 1,
               testing::FakeX::problem(400, "Invalid Request",
                                       "The `pagination_token` query parameter value [x] is not valid"));
  // max_pages 1: the refused token ends this poll; the next one starts over.
  const Batch b3 = ok(*c, b2.next_cursor);
  ASSERT_FALSE(b3.warnings.empty());
  EXPECT_NE(b3.warnings[0].find("page token was refused"), std::string::npos) << b3.warnings[0];
  std::set<std::string> seen;
  std::string cursor = b3.next_cursor;
  for (const Batch* b : {&b2, &b3})
    for (const auto& m : b->mentions) seen.insert(m.native_id);
  for (int i = 0; i < 5; ++i) {
    const Batch b = ok(*c, cursor);
    for (const auto& m : b.mentions) seen.insert(m.native_id);
    cursor = b.next_cursor;
    if (!b.more) break;
  }
  for (const auto& id : ids) EXPECT_TRUE(seen.count(id)) << id;  // nothing lost
}

// ---- the budget ---------------------------------------------------------------------------------

TEST_F(XTest, ARequestNeverAsksForMoreThanTheBudgetLeaves) {
  x_.add_posts(40, kCustomerId, "acme");
  auto c = make(R"("search": ["acme"], "max_posts_per_day": 25, "max_results": 100)");
  SourceUsage usage;
  const Batch b1 = ok(*c, "", &usage);
  EXPECT_EQ(b1.mentions.size(), 25u);
  ASSERT_EQ(x_.requests().size(), 1u);
  EXPECT_EQ(q(x_.requests()[0], "max_results"), "25");
  EXPECT_EQ(usage.budget_used, 25u);
  EXPECT_EQ(*usage.budget_remaining, 0.0);

  // Spent: the next poll asks nothing, warns and pauses until 00:00 UTC.
  x_.clear_requests();
  const Batch b2 = ok(*c, b1.next_cursor, &usage);
  EXPECT_TRUE(x_.requests().empty());
  EXPECT_TRUE(b2.mentions.empty());
  ASSERT_EQ(b2.warnings.size(), 1u);
  EXPECT_EQ(b2.warnings[0], "budget of 25 posts for " + DailyBudget::day_of(now_ms()) +
                                " spent; paused until 00:00 UTC");
  ASSERT_TRUE(b2.retry_after);
  const auto until = DailyBudget::until_next_day(now_ms());
  EXPECT_LE(*b2.retry_after, until + std::chrono::seconds(5));
  EXPECT_GE(*b2.retry_after, until - std::chrono::seconds(5));
  EXPECT_EQ(usage.posts_read, 0u);
}

TEST_F(XTest, ASpentBudgetPausesAWalkWhichGoesOnTheNextDay) {
  x_.add_posts(1, kCustomerId, "acme before");
  auto c = make(R"("search": ["acme"], "max_posts_per_day": 35, "max_results": 10)");
  const Batch b1 = ok(*c, "");  // 1 read
  const auto ids = x_.add_posts(30, kCustomerId, "acme burst");
  SourceUsage usage;
  const Batch b2 = ok(*c, b1.next_cursor, &usage);
  // 34 left: pages of 10, 10 and 10, then 4 left, below search's minimum of 10 (the walk's last
  // page, with the post read before, waits for the next day).
  EXPECT_EQ(b2.mentions.size(), 30u);
  EXPECT_EQ(usage.budget_used, 30u);
  EXPECT_EQ(*usage.budget_remaining, 4.0);
  EXPECT_TRUE(parsed(b2.next_cursor)["streams"]["search:acme"].HasMember("walk"));
  EXPECT_FALSE(b2.more);
  ASSERT_FALSE(b2.warnings.empty());
  EXPECT_NE(b2.warnings.back().find("budget of 35 posts"), std::string::npos);
  ASSERT_TRUE(b2.retry_after);
  EXPECT_GT(*b2.retry_after, std::chrono::milliseconds(0));
  for (const auto& r : x_.requests()) EXPECT_LE(std::stoi(r.query.at("max_results")), 35);

  // A restarted connector stays paused with the same cursor: nothing is read.
  auto restarted = make(R"("search": ["acme"], "max_posts_per_day": 35, "max_results": 10)");
  x_.clear_requests();
  const Batch b3 = ok(*restarted, b2.next_cursor);
  EXPECT_TRUE(x_.requests().empty());
  EXPECT_TRUE(b3.mentions.empty());
  EXPECT_TRUE(b3.retry_after);
}

TEST_F(XTest, TheBudgetIsFullAgainOnANewDay) {
  x_.add_posts(3, kCustomerId, "acme");
  x::Cursor yesterday;
  yesterday.budget_day = DailyBudget::day_of(now_ms() - 86'400'000);
  yesterday.budget_used = 35;
  auto c = make(R"("search": ["acme"], "max_posts_per_day": 35, "max_results": 10)");
  SourceUsage usage;
  const Batch b = ok(*c, x::write_cursor(yesterday), &usage);
  EXPECT_EQ(b.mentions.size(), 3u);
  EXPECT_EQ(*usage.budget_remaining, 32.0);
  EXPECT_EQ(std::string(parsed(b.next_cursor)["budget"]["day"].GetString()), DailyBudget::day_of(now_ms()));
}

TEST_F(XTest, MentionsAskForAsFewAsFiveWhenTheBudgetIsLow) {
  x_.add_posts(1, kCustomerId);
  auto c = make(R"("user_id": ")" + std::string(kFakeXBrandId) + R"(", "max_posts_per_day": 17, "max_results": 10)");
  const Batch b1 = ok(*c, "");  // 16 left
  x_.add_posts(30, kCustomerId, "more");
  x_.clear_requests();
  const Batch b2 = ok(*c, b1.next_cursor);
  const auto requests = x_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(q(requests[0], "max_results"), "10");
  EXPECT_EQ(q(requests[1], "max_results"), "6");
  EXPECT_EQ(b2.mentions.size(), 16u);
  EXPECT_TRUE(b2.retry_after);
}

}  // namespace
}  // namespace carewatch::x_test
