// Polling a fake Reddit (tests/support/fake_reddit.h), which serves Listings in the shape of the
// real /r/{sub}/comments, /r/{sub}/new, /search and /message/mentions answers (recorded ones:
// ../shared/fixtures/reddit/): the first poll, paging down with `after`, the gap a poll leaves
// for the next, a restart in the middle of the pages, deleted items, late items, the mapping of
// comments, posts and inbox mentions.
#include "tests/unit/connectors/reddit_test_fixture.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "connectors/reddit/cursor.h"

namespace carewatch::reddit_test {
namespace {

using testing::FakeRequest;

const std::string kSub = R"(, "subreddits": ["acmeair"])";

// `n` comments on one post of r/acmeair; their fullnames, oldest first.
std::vector<std::string> comment(testing::FakeReddit& fake, const std::string& post, int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back(fake.add_comment("acmeair", "rider" + std::to_string(i), post, "comment " + std::to_string(i)));
  return names;
}

TEST_F(RedditTest, FirstPollTakesTheNewestPageOnly) {
  const std::string post = fake_.add_post("acmeair", "rosa_flies", "Lost bag", "Help");
  const auto names = comment(fake_, post, 30);
  auto c = make(kSub + R"(, "page_size": 10)");
  const Batch b = ok(*c, "");
  // The post, then the 10 newest comments oldest first; nothing older is backfilled.
  std::vector<std::string> want = {post};
  want.insert(want.end(), names.end() - 10, names.end());
  std::vector<std::string> got = ids_of(b);
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
  EXPECT_FALSE(b.more);
  const auto comments = fake_.requests_to("/r/acmeair/comments");
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].query.at("limit"), "10");
  EXPECT_EQ(comments[0].query.count("after"), 0u);
  EXPECT_EQ(comments[0].query.count("before"), 0u);
  EXPECT_EQ(fake_.requests_to("/r/acmeair/new").size(), 1u);

  reddit::Cursor cursor;
  std::string error;
  ASSERT_TRUE(reddit::parse_cursor(b.next_cursor, cursor, error)) << error;
  EXPECT_EQ(cursor.at("comments:acmeair").seen.size(), 10u);
  EXPECT_TRUE(cursor.at("comments:acmeair").has_seen(names.back()));
  EXPECT_FALSE(cursor.at("comments:acmeair").gap);
  EXPECT_TRUE(cursor.at("posts:acmeair").has_seen(post));
}

TEST_F(RedditTest, LaterPollsTakeWhatIsNewAtOneRequestAStream) {
  const std::string post = fake_.add_post("acmeair", "rosa_flies", "Lost bag", "Help");
  comment(fake_, post, 4);
  auto c = make(kSub);
  const Batch b1 = ok(*c, "");
  EXPECT_EQ(b1.mentions.size(), 5u);

  const auto added = comment(fake_, post, 3);
  fake_.server().clear_requests();
  const Batch b2 = ok(*c, b1.next_cursor);
  EXPECT_EQ(ids_of(b2), added);  // oldest first
  EXPECT_EQ(api_requests().size(), 2u);  // one a stream

  // Nothing new: an empty batch, the cursor keeps its place.
  fake_.server().clear_requests();
  const Batch b3 = ok(*c, b2.next_cursor);
  EXPECT_TRUE(b3.mentions.empty());
  EXPECT_FALSE(b3.more);
  EXPECT_EQ(b3.next_cursor, b2.next_cursor);
  EXPECT_EQ(api_requests().size(), 2u);
  EXPECT_EQ(fake_.token_requests(), 1u);  // one token for all of it
}

TEST_F(RedditTest, PagesDownWithAfterToWhatItSaw) {
  const std::string post = fake_.add_post("acmeair", "rosa_flies", "Lost bag", "Help");
  std::vector<std::string> all = comment(fake_, post, 5);
  auto c = make(R"(, "subreddits": ["acmeair"], "page_size": 5, "max_pages": 3)");
  Batch b = ok(*c, "");
  // 12 new comments: pages of 5, 5 and 2 (down to the first seen one) in one poll.
  const auto added = comment(fake_, post, 12);
  fake_.server().clear_requests();
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b), added);
  EXPECT_FALSE(b.more);
  const auto requests = fake_.requests_to("/r/acmeair/comments");
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].query.count("after"), 0u);
  EXPECT_EQ(requests[1].query.at("after"), added[7]);
  EXPECT_EQ(requests[2].query.at("after"), added[2]);
  reddit::Cursor cursor;
  std::string error;
  ASSERT_TRUE(reddit::parse_cursor(b.next_cursor, cursor, error));
  EXPECT_FALSE(cursor.at("comments:acmeair").gap);
}

// Every comment once, in the order the polls return them, across `polls` polls of fresh
// connectors (a restart before each) or of one.
TEST_F(RedditTest, MoreThanMaxPagesLeavesAGapThatARestartedConnectorReads) {
  const std::string post = fake_.add_post("acmeair", "rosa_flies", "Lost bag", "Help");
  std::vector<std::string> all = comment(fake_, post, 5);
  const std::string options = R"(, "subreddits": ["acmeair"], "page_size": 5, "max_pages": 2)";
  auto c = make(options);
  Batch b = ok(*c, "");
  std::vector<std::string> seen;
  for (const auto& id : ids_of(b))
    if (id != post) seen.push_back(id);

  // 23 new: two pages (10) now, with the gap below them in the cursor.
  for (const auto& id : comment(fake_, post, 23)) all.push_back(id);
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(b.mentions.size(), 10u);
  EXPECT_TRUE(b.more);
  for (const auto& id : ids_of(b)) seen.push_back(id);
  reddit::Cursor cursor;
  std::string error;
  ASSERT_TRUE(reddit::parse_cursor(b.next_cursor, cursor, error));
  ASSERT_TRUE(cursor.at("comments:acmeair").gap);
  EXPECT_EQ(cursor.at("comments:acmeair").gap->after, all[5 + 13]);

  // The daemon restarts; meanwhile 4 more come. A new connector reads the gap first (10 more),
  // then what is left of it (3) and asks to be polled again at once, then the 4 new ones: each once.
  for (const auto& id : comment(fake_, post, 4)) all.push_back(id);
  std::string next = b.next_cursor;
  for (int poll = 0; poll < 5; ++poll) {
    auto fresh = make(options);
    b = ok(*fresh, next);
    for (const auto& id : ids_of(b)) seen.push_back(id);
    next = b.next_cursor;
    if (!b.more && b.mentions.empty()) break;
  }
  std::vector<std::string> sorted_seen = seen, sorted_all = all;
  std::sort(sorted_seen.begin(), sorted_seen.end());
  std::sort(sorted_all.begin(), sorted_all.end());
  EXPECT_EQ(sorted_seen, sorted_all);  // nothing lost
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());  // nothing twice
}

TEST_F(RedditTest, AGapWhoseItemIsDeletedGoesOnAfterTheItemsAboveIt) {
  // Reddit answers nothing after an item it no longer lists: the gap keeps the items just above.
  const std::string post = fake_.add_post("acmeair", "rosa_flies", "Lost bag", "Help");
  std::vector<std::string> all = comment(fake_, post, 5);
  const std::string options = R"(, "subreddits": ["acmeair"], "page_size": 5, "max_pages": 2)";
  auto c = make(options);
  Batch b = ok(*c, "");
  for (const auto& id : comment(fake_, post, 23)) all.push_back(id);
  b = ok(*c, b.next_cursor);
  ASSERT_TRUE(b.more);
  std::vector<std::string> seen = ids_of(b);  // all[18..27]
  reddit::Cursor cursor;
  std::string error;
  ASSERT_TRUE(reddit::parse_cursor(b.next_cursor, cursor, error));
  ASSERT_TRUE(cursor.at("comments:acmeair").gap);
  EXPECT_EQ(cursor.at("comments:acmeair").gap->after, all[18]);
  EXPECT_EQ(cursor.at("comments:acmeair").gap->also, (std::vector<std::string>{all[19], all[20], all[21]}));
  fake_.remove(all[18]);
  fake_.remove(all[19]);
  std::string next = b.next_cursor;
  for (int poll = 0; poll < 6; ++poll) {
    auto fresh = make(options);
    b = ok(*fresh, next);
    for (const auto& id : ids_of(b)) seen.push_back(id);
    next = b.next_cursor;
    if (!b.more && b.mentions.empty()) break;
  }
  std::vector<std::string> want(all.begin() + 5, all.begin() + 18);  // the 13 below the gap's start
  std::sort(want.begin(), want.end());
  std::vector<std::string> got(seen.begin() + 10, seen.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_F(RedditTest, ADeletedNewestItemDoesNotStopTheStream) {
  // Reddit's before=<fullname> answers nothing once that item is removed; the connector does not
  // depend on it.
  const std::string post = fake_.add_post("acmeair", "rosa_flies", "Lost bag", "Help");
  const auto first = comment(fake_, post, 3);
  auto c = make(kSub);
  Batch b = ok(*c, "");
  fake_.remove(first.back());
  fake_.remove(first[1]);
  const auto added = comment(fake_, post, 2);
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b), added);
  fake_.remove(added.back());
  const auto more = comment(fake_, post, 1);
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b), more);
  for (const auto& r : fake_.requests()) EXPECT_EQ(r.query.count("before"), 0u) << r.target;
}

TEST_F(RedditTest, ALateItemAmongTheSeenOnesIsTakenOnce) {
  // A comment a moderator approves late, or a search result indexed late, shows among older ones.
  const std::string post = fake_.add_post("acmeair", "rosa_flies", "Lost bag", "Help", testing::kFakeRedditEpoch);
  fake_.add_comment("acmeair", "a", post, "one", testing::kFakeRedditEpoch + 100);
  fake_.add_comment("acmeair", "b", post, "two", testing::kFakeRedditEpoch + 300);
  auto c = make(kSub);
  Batch b = ok(*c, "");
  const std::string late = fake_.add_comment("acmeair", "c", post, "late", testing::kFakeRedditEpoch + 200);
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(ids_of(b), std::vector<std::string>{late});
  b = ok(*c, b.next_cursor);
  EXPECT_TRUE(b.mentions.empty());
}

TEST_F(RedditTest, MapsCommentsWithTheirThreadAndReadableText) {
  const std::string post = fake_.add_post("acmeair", "rosa_flies", "Lost bag on AA 212", "Landed **3 hours** ago &\nno bag.");
  const std::string top = fake_.add_comment("acmeair", "jun_k", post, "Same & worse: [tracker](https://acme.example/t) says <none>");
  const std::string reply = fake_.add_comment("acmeair", "rosa_flies", top, "__Still__ nothing.");
  auto c = make(kSub);
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 3u);
  std::map<std::string, Mention> by_id;
  for (const auto& m : b.mentions) by_id[m.native_id] = m;

  const Mention& p = by_id.at(post);
  EXPECT_EQ(p.platform, "reddit");
  EXPECT_EQ(p.uid, "reddit:" + post);
  EXPECT_EQ(p.source, "acme-reddit");
  EXPECT_EQ(p.text, "Lost bag on AA 212\n\nLanded 3 hours ago &\nno bag.");
  EXPECT_EQ(p.author.handle, "rosa_flies");
  EXPECT_EQ(p.author.display_name, "u/rosa_flies");
  EXPECT_EQ(p.author.followers, 0);
  EXPECT_TRUE(p.parent_id.empty());
  EXPECT_EQ(p.conversation_id, post);
  EXPECT_EQ(p.url, "https://www.reddit.com/r/acmeair/comments/" + post.substr(3) + "/acme_thread/");
  EXPECT_GT(p.posted_at, testing::kFakeRedditEpoch * 1000 - 1);
  EXPECT_FALSE(p.raw.empty());

  const Mention& t = by_id.at(top);
  EXPECT_EQ(t.text, "Same & worse: tracker (https://acme.example/t) says <none>");
  EXPECT_EQ(t.parent_id, post);
  EXPECT_EQ(t.conversation_id, post);
  EXPECT_EQ(t.url, "https://www.reddit.com/r/acmeair/comments/" + post.substr(3) + "/acme_thread/" + top.substr(3) + "/");
  const Mention& r = by_id.at(reply);
  EXPECT_EQ(r.text, "Still nothing.");
  EXPECT_EQ(r.parent_id, top);
  EXPECT_EQ(r.conversation_id, post);
  EXPECT_TRUE(r.language.empty());
}

TEST_F(RedditTest, InboxMentionsAndSearchAreStreamsOfTheirOwn) {
  const std::string post = fake_.add_post("travel", "mira", "Refund from Acme Air?", "Six weeks and counting");
  fake_.add_post("travel", "other", "Best beaches", "Portugal");
  const std::string mention = fake_.add_comment("travel", "mira", post, "u/acmecare any news on ACM7Q2?");
  fake_.add_comment("travel", "lee", post, "no mention here");
  auto c = make(R"(, "search": ["acme air"], "mentions": true)");
  Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{post, mention}));
  const Mention& m = b.mentions[1];
  EXPECT_EQ(m.parent_id, post);
  EXPECT_EQ(m.conversation_id, post);  // from the context path: an inbox item has no link_id
  // The context path without its query.
  EXPECT_EQ(m.url, "https://www.reddit.com/r/travel/comments/" + post.substr(3) + "/acme_thread/" + mention.substr(3) + "/");
  const auto search = fake_.requests_to("/search");
  ASSERT_EQ(search.size(), 1u);
  EXPECT_EQ(search[0].query.at("q"), "acme air");
  EXPECT_EQ(search[0].query.at("sort"), "new");
  EXPECT_EQ(search[0].query.at("type"), "link");
  EXPECT_EQ(fake_.requests_to("/message/mentions").size(), 1u);
  rapidjson::Document cursor;
  cursor.Parse(b.next_cursor.c_str());
  EXPECT_TRUE(cursor.HasMember("search:acme air"));
  EXPECT_TRUE(cursor.HasMember("mentions"));
}

TEST_F(RedditTest, AMentionSeenByTwoStreamsInOnePollComesOnce) {
  const std::string post = fake_.add_post("acmeair", "rosa", "Acme Air lost my bag", "AA 212");
  auto c = make(R"(, "subreddits": ["acmeair"], "search": ["acme air"])");
  const Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), std::vector<std::string>{post});
}

TEST_F(RedditTest, EveryRequestCarriesTheUserAgentAndTheBearerToken) {
  const std::string post = fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.add_comment("acmeair", "jun", post, "u/acmecare help");
  auto c = make(R"(, "subreddits": ["acmeair"], "search": ["bag"], "mentions": true)");
  ok(*c, "");
  const auto all = fake_.requests();
  ASSERT_GE(all.size(), 5u);
  for (const auto& r : all) {
    EXPECT_EQ(r.headers.at("user-agent"), "linux:acme-care:1.0 (by /u/acmecare)") << r.target;
    if (r.path == "/api/v1/access_token") continue;
    EXPECT_EQ(r.headers.at("authorization"), "bearer " + fake_.last_token()) << r.target;
  }
}

TEST_F(RedditTest, BuildingTheConnectorTouchesNoNetwork) {
  auto c = make(kSub);
  EXPECT_TRUE(fake_.requests().empty());
}

TEST_F(RedditTest, StreamsNoLongerConfiguredLeaveTheCursor) {
  fake_.add_post("acmeair", "rosa", "Lost bag", "AA 212");
  fake_.add_post("acmeairlines", "rosa", "Other", "x");
  auto both = make(R"(, "subreddits": ["acmeair", "acmeairlines"])");
  const Batch b = ok(*both, "");
  auto one = make(kSub);
  const Batch b2 = ok(*one, b.next_cursor);
  EXPECT_TRUE(b2.mentions.empty());
  rapidjson::Document cursor;
  cursor.Parse(b2.next_cursor.c_str());
  EXPECT_TRUE(cursor.HasMember("posts:acmeair"));
  EXPECT_FALSE(cursor.HasMember("posts:acmeairlines"));
}

}  // namespace
}  // namespace carewatch::reddit_test
