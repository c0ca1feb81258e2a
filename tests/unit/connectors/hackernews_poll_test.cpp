// Polling a fake Algolia HN Search API that serves search_by_date's real shape (see
// ../shared/fixtures/hackernews/algolia_story_search_by_date_apple.json and
// tests/support/fake_hackernews.h): the first poll takes the newest page, later polls ask
// numericFilters=created_at_i>=<newest> and drop the ids already taken at that second, pages with
// a fixed upper bound, max_pages and Batch::more, a restart in the middle of the pages, hits posted
// while pages are read, Algolia's 1000-hit pagination limit, backfill, several terms.
#include <gtest/gtest.h>

#include <set>

#include "mention/common/time.h"
#include "tests/unit/connectors/hackernews_test_fixture.h"

namespace carewatch::hackernews_test {
namespace {

constexpr std::int64_t T = 1796450000;  // a second in December 2026

TEST_F(HackernewsTest, FirstPollTakesTheNewestPageOnly) {
  for (int n = 1; n <= 5; ++n) story(n, T + n);
  auto c = make(R"(, "hits_per_page": 3)");
  Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), ids({3, 4, 5}));  // oldest first
  EXPECT_FALSE(b.more);
  const auto reqs = hn_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].query.at("query"), "acme");
  EXPECT_EQ(reqs[0].query.at("tags"), "(story,comment)");
  EXPECT_EQ(reqs[0].query.at("hitsPerPage"), "3");
  EXPECT_EQ(reqs[0].query.at("page"), "0");
  EXPECT_EQ(reqs[0].query.count("numericFilters"), 0u);

  // Nothing new: one request, nothing taken.
  Batch b2 = ok(*c, b.next_cursor);
  EXPECT_TRUE(b2.mentions.empty());
  EXPECT_EQ(hn_.requests().back().query.at("numericFilters"), "created_at_i>=" + std::to_string(T + 5));
}

TEST_F(HackernewsTest, HitsInTheSameSecondAreNeitherLostNorRepeated) {
  story(1, T);
  story(2, T);
  auto c = make();
  Batch b = ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 2u);
  story(3, T);  // the same second, indexed after the poll
  story(4, T + 1);
  Batch b2 = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b2), ids({3, 4}));
  EXPECT_TRUE(ok(*c, b2.next_cursor).mentions.empty());
}

TEST_F(HackernewsTest, PagesThroughEverythingNewUpToMaxPages) {
  story(0, T);
  auto c = make(R"(, "hits_per_page": 2, "max_pages": 2)");
  std::string cursor = ok(*c, "").next_cursor;
  for (int n = 1; n <= 7; ++n) story(n, T + 10 * n);
  Batch b = ok(*c, cursor);
  EXPECT_EQ(ids_of(b), ids({4, 5, 6, 7}));
  EXPECT_TRUE(b.more);
  auto reqs = hn_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].query.at("numericFilters"), "created_at_i>=" + std::to_string(T));
  EXPECT_EQ(reqs[2].query.at("numericFilters"),
            "created_at_i>=" + std::to_string(T) + ",created_at_i<=" + std::to_string(T + 70));
  EXPECT_EQ(reqs[2].query.at("page"), "1");
  Batch b2 = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b2), ids({1, 2, 3}));
  EXPECT_FALSE(b2.more);
  Batch b3 = ok(*c, b2.next_cursor);
  EXPECT_TRUE(b3.mentions.empty());
  EXPECT_EQ(hn_.requests().back().query.at("numericFilters"), "created_at_i>=" + std::to_string(T + 70));
}

TEST_F(HackernewsTest, ARestartInTheMiddleOfThePagesLosesAndRepeatsNothing) {
  story(0, T);
  std::string cursor = ok(*make(R"(, "hits_per_page": 2, "max_pages": 1)"), "").next_cursor;
  for (int n = 1; n <= 5; ++n) story(n, T + n);
  std::set<std::string> taken;
  std::vector<std::string> order;
  for (int poll = 0; poll < 10; ++poll) {
    auto fresh = make(R"(, "hits_per_page": 2, "max_pages": 1)");  // a new connector every poll
    Batch b = ok(*fresh, cursor);
    for (const auto& id : ids_of(b)) {
      EXPECT_TRUE(taken.insert(id).second) << id << " twice";
      order.push_back(id);
    }
    cursor = b.next_cursor;
    if (poll == 0) story(6, T + 100);  // posted while the pages are read
    if (!b.more && b.mentions.empty()) break;
  }
  EXPECT_EQ(taken, std::set<std::string>({id(1), id(2), id(3), id(4), id(5), id(6)}));
}

TEST_F(HackernewsTest, HitsPostedWhilePagesAreReadDoNotShiftThem) {
  story(0, T);
  auto c = make(R"(, "hits_per_page": 2, "max_pages": 5)");
  std::string cursor = ok(*c, "").next_cursor;
  for (int n = 1; n <= 5; ++n) story(n, T + n);
  int requests = 0;
  hn_.on_request([&](const testing::FakeRequest&) {
    if (++requests == 2) {  // after page 0 was served
      story(7, T + 50);
      story(8, T + 5);  // the run's top second: counted by the next run
    }
  });
  Batch b = ok(*c, cursor);
  EXPECT_EQ(ids_of(b), ids({1, 2, 3, 4, 5}));
  hn_.on_request(nullptr);
  Batch b2 = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b2), ids({8, 7}));
}

TEST_F(HackernewsTest, GoesOnPastAlgoliasPaginationLimit) {
  hn_.set_pagination_limit(4);
  story(0, T);
  auto c = make(R"(, "hits_per_page": 2, "max_pages": 10)");
  std::string cursor = ok(*c, "").next_cursor;
  for (int n = 1; n <= 9; ++n) story(n, T + n);
  Batch b = ok(*c, cursor);
  EXPECT_EQ(ids_of(b), ids({1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_TRUE(ok(*c, b.next_cursor).mentions.empty());
}

TEST_F(HackernewsTest, BackfillStartsThatFarBack) {
  const std::int64_t now = now_ms() / 1000;
  story(1, now - 3 * 86400);
  story(2, now - 3600);
  story(3, now - 60);
  auto c = make(R"(, "backfill": "2d", "hits_per_page": 1)");
  Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), ids({2, 3}));
  EXPECT_NE(hn_.requests().front().query.at("numericFilters").find("created_at_i>="), std::string::npos);
}

TEST_F(HackernewsTest, SeveralTermsEachWithItsCursorAndAHitMatchedTwiceComesOnce) {
  story(1, T);
  testing::FakeHnItem other;
  other.object_id = "42000001";
  other.created_at_i = T + 1;
  other.title = "Roadrunner Air and Acme story";
  hn_.add(other);
  auto c = make("", R"(["acme", "roadrunner"])");
  Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{id(1), "42000001"}));
  EXPECT_NE(b.next_cursor.find("\"acme\""), std::string::npos);
  EXPECT_NE(b.next_cursor.find("\"roadrunner\""), std::string::npos);
}

TEST_F(HackernewsTest, TagsOption) {
  story(1, T);
  auto c = make(R"(, "tags": ["story"])");
  ok(*c, "");
  EXPECT_EQ(hn_.requests().back().query.at("tags"), "story");
}

TEST_F(HackernewsTest, CannotReply) {
  story(1, T);
  auto c = make();
  Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_FALSE(c->reply_rules().can_reply);
  auto p = c->check_reply(b.mentions[0], "Thanks");
  ASSERT_TRUE(p);
  EXPECT_NE(p->message.find("https://news.ycombinator.com/item?id=" + id(1)), std::string::npos) << p->message;
  EXPECT_EQ(c->reply(b.mentions[0], "Thanks", "r").kind, ReplyOutcome::Kind::cannot_reply);
}

}  // namespace
}  // namespace carewatch::hackernews_test
