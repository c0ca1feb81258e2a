// Replies on a fake Bluesky PDS: com.atproto.repo.createRecord of an app.bsky.feed.post with
// reply.root / reply.parent strong refs (the lexicon's replyRef), the 300-grapheme rule, the
// record key made from the reply id so a repeated attempt cannot post twice (the PDS answers a
// taken key with 500 InternalServerError, bluesky-social/atproto#3718), and find_reply through
// com.atproto.repo.getRecord ({"uri", "cid", "value"}; 400 RecordNotFound).
#include "tests/unit/connectors/bluesky_test_fixture.h"

#include <rapidjson/document.h>

#include <string>

#include "connectors/bluesky/reply_text.h"

namespace carewatch::bluesky_test {
namespace {

using testing::BlueskyPost;
using testing::FakeBluesky;
using testing::FakeBlueskyRoute;
using testing::FakeResponse;

class BlueskyReplyTest : public BlueskyTest {
 protected:
  // A customer's mention, as the connector polled it.
  Mention polled(const BlueskyPost& post) {
    const std::string uri = fake_.add_mention(post);
    auto c = make();
    const Batch b = ok(*c, cursor_);
    cursor_ = b.next_cursor;
    for (const auto& m : b.mentions)
      if (m.native_id == uri) return m;
    ADD_FAILURE() << "not polled: " << uri;
    return {};
  }
  Mention polled(const std::string& text) {
    BlueskyPost p;
    p.text = text;
    return polled(p);
  }

  static rapidjson::Document record_of(const testing::FakeRequest& r) {
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    return d;
  }

  std::string cursor_;
};

// ---- text rules ------------------------------------------------------------------------------

TEST(BlueskyReplyText, GraphemesAreWhatAReaderSeesAsOneCharacter) {
  EXPECT_EQ(bluesky::grapheme_count(""), 0u);
  EXPECT_EQ(bluesky::grapheme_count("abc"), 3u);
  EXPECT_EQ(bluesky::grapheme_count("e\xCC\x81"), 1u);                       // e + combining acute
  EXPECT_EQ(bluesky::grapheme_count("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"), 1u);  // thumbs up + skin tone
  // family: man ZWJ woman ZWJ girl
  EXPECT_EQ(bluesky::grapheme_count("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"), 1u);
  EXPECT_EQ(bluesky::grapheme_count("\xF0\x9F\x87\xB5\xF0\x9F\x87\xB9"), 1u);  // flag PT
  EXPECT_EQ(bluesky::grapheme_count("\r\n"), 1u);
}

TEST(BlueskyReplyText, LinksGetFacetsByByteRange) {
  const std::string text = "Désolé! See https://acme-air.example/refunds. Or (http://x.example/a)";
  const auto links = bluesky::link_facets(text);
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].uri, "https://acme-air.example/refunds");
  EXPECT_EQ(text.substr(links[0].byte_start, links[0].byte_end - links[0].byte_start), links[0].uri);
  EXPECT_EQ(links[0].byte_start, 14u);  // "Désolé! See " is 14 bytes (é is 2)
  EXPECT_EQ(links[1].uri, "http://x.example/a");
  EXPECT_TRUE(bluesky::link_facets("no links, nohttps://x.example").empty());
}

TEST(BlueskyReplyText, TheRecordKeyIsAStableTidOfTheReplyId) {
  const std::string a = bluesky::reply_rkey("r-7f3a");
  EXPECT_TRUE(bluesky::is_tid(a)) << a;
  EXPECT_EQ(a, bluesky::reply_rkey("r-7f3a"));
  EXPECT_NE(a, bluesky::reply_rkey("r-7f3b"));
  EXPECT_TRUE(a[0] >= '2' && a[0] <= 'j') << a;
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(bluesky::is_tid(bluesky::reply_rkey("id-" + std::to_string(i))));
}

TEST_F(BlueskyReplyTest, CheckReplyCountsGraphemesAndBytes) {
  auto c = make();
  const Mention m = polled("@acmeair.bsky.social where is my bag");
  EXPECT_EQ(c->reply_rules().max_length, 300u);
  EXPECT_EQ(c->reply_rules().length_unit, "graphemes");
  EXPECT_TRUE(c->reply_rules().can_reconcile);
  EXPECT_FALSE(c->check_reply(m, std::string(300, 'a')));
  auto p = c->check_reply(m, std::string(301, 'a'));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "max_length");
  EXPECT_NE(p->message.find("301 graphemes"), std::string::npos) << p->message;
  EXPECT_NE(p->message.find("300"), std::string::npos) << p->message;
  // 300 emoji with skin tones: 300 graphemes, 2400 bytes: fine.
  std::string thumbs;
  for (int i = 0; i < 300; ++i) thumbs += "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";
  EXPECT_FALSE(c->check_reply(m, thumbs));
  p = c->check_reply(m, "  \n ");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "empty");
  Mention other = m;
  other.platform = "mastodon";
  other.native_id = "113552000000000620";
  p = c->check_reply(other, "hi");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "cannot_reply");
  // Another limit configured.
  auto shorter = make(R"(, "max_graphemes": 10)");
  EXPECT_TRUE(shorter->check_reply(m, "eleven char"));
}

// ---- posting ---------------------------------------------------------------------------------

TEST_F(BlueskyReplyTest, AReplyToAPostIsAReplyRecordWithTheRefsAndLinkFacets) {
  const Mention m = polled("@acmeair.bsky.social my flight AA12 was cancelled");
  auto c = make();
  const ReplyOutcome o = c->reply(m, "Sorry Dana, see https://acme-air.example/rebook", "reply-1");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  ASSERT_EQ(fake_.record_count(), 1u);
  const auto made = fake_.records()[0];
  EXPECT_EQ(o.post.id, made.uri);
  EXPECT_EQ(o.post.url, "https://bsky.app/profile/acmeair.bsky.social/post/" + made.rkey);
  EXPECT_GT(o.post.posted_at, 0);
  EXPECT_EQ(made.rkey, bluesky::reply_rkey("reply-1"));
  EXPECT_EQ(made.parent_uri, m.native_id);
  EXPECT_EQ(made.root_uri, m.native_id);  // the post starts the thread
  const auto req = fake_.requests_to("com.atproto.repo.createRecord");
  ASSERT_EQ(req.size(), 1u);
  const auto body = record_of(req[0]);
  EXPECT_EQ(std::string(body["repo"].GetString()), testing::kFakeBlueskyDid);
  EXPECT_EQ(std::string(body["collection"].GetString()), "app.bsky.feed.post");
  const auto& rec = body["record"];
  EXPECT_EQ(std::string(rec["$type"].GetString()), "app.bsky.feed.post");
  EXPECT_EQ(std::string(rec["text"].GetString()), "Sorry Dana, see https://acme-air.example/rebook");
  EXPECT_EQ(std::string(rec["reply"]["parent"]["cid"].GetString()), fake_.post(m.native_id).cid);
  EXPECT_EQ(std::string(rec["reply"]["root"]["cid"].GetString()), fake_.post(m.native_id).cid);
  ASSERT_TRUE(rec.HasMember("facets"));
  EXPECT_EQ(rec["facets"][0]["index"]["byteStart"].GetUint(), 16u);
  EXPECT_EQ(std::string(rec["facets"][0]["features"][0]["uri"].GetString()), "https://acme-air.example/rebook");
  EXPECT_TRUE(fake_.requests_to("app.bsky.feed.getPosts").empty());  // the refs came from the mention
}

TEST_F(BlueskyReplyTest, AReplyInAThreadKeepsTheThreadsFirstPostAsRoot) {
  BlueskyPost first;
  first.text = "Acme Air flight AA7 diverted to Porto";
  const std::string root = fake_.add_post(first);
  BlueskyPost second;
  second.handle = "eli.bsky.social";
  second.text = "@acmeair.bsky.social and nobody tells us anything";
  second.reply_to = root;
  const Mention m = polled(second);
  ASSERT_EQ(m.parent_id, root);
  auto c = make();
  const ReplyOutcome o = c->reply(m, "We're sorry, Eli. A bus leaves at 14:00.", "reply-thread");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  const auto made = fake_.records().at(0);
  EXPECT_EQ(made.parent_uri, m.native_id);
  EXPECT_EQ(made.root_uri, root);
}

TEST_F(BlueskyReplyTest, AMentionWithoutItsViewIsReadWithGetPosts) {
  Mention m = polled("@acmeair.bsky.social hello?");
  m.raw.clear();  // e.g. a mention stored by an older version
  auto c = make();
  const ReplyOutcome o = c->reply(m, "Hello! How can we help?", "reply-2");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  const auto gets = fake_.requests_to("app.bsky.feed.getPosts");
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].query.at("uris"), m.native_id);
}

TEST_F(BlueskyReplyTest, AReplyToADeletedPostFailsForGood) {
  Mention m = polled("@acmeair.bsky.social never mind");
  m.raw.clear();
  m.native_id = "at://did:plc:gonegonegonegonegonegone/app.bsky.feed.post/3mbqzzzzzzz2a";
  auto c = make();
  const ReplyOutcome o = c->reply(m, "Hi!", "reply-3");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("deleted"), std::string::npos) << o.error;
  EXPECT_EQ(fake_.record_count(), 0u);
}

TEST_F(BlueskyReplyTest, TheSameReplyIdNeverPostsTwice) {
  const Mention m = polled("@acmeair.bsky.social refund?");
  auto c = make();
  const ReplyOutcome first = c->reply(m, "On its way.", "reply-once");
  ASSERT_EQ(first.kind, ReplyOutcome::Kind::sent) << first.error;
  // The PDS refuses the key (500), and the record at the key says it was sent.
  const ReplyOutcome again = c->reply(m, "On its way.", "reply-once");
  ASSERT_EQ(again.kind, ReplyOutcome::Kind::sent) << again.error;
  EXPECT_EQ(again.post.id, first.post.id);
  EXPECT_EQ(again.post.url, first.post.url);
  EXPECT_EQ(fake_.record_count(), 1u);
  EXPECT_EQ(fake_.requests_to("com.atproto.repo.createRecord").size(), 2u);
}

TEST_F(BlueskyReplyTest, AnAnswerLostAfterThePostWasMadeIsSettledAsSent) {
  const Mention m = polled("@acmeair.bsky.social lost my bag");
  auto c = make();
  // The PDS made the record, then a proxy answered 504.
  fake_.fail_next(FakeBlueskyRoute::create_record, 1, FakeResponse{504, {}, "<html>Gateway Timeout</html>"}, true);
  const ReplyOutcome o = c->reply(m, "Sorry! DM us your file number.", "reply-lost");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  EXPECT_EQ(o.post.id, fake_.records().at(0).uri);
  EXPECT_EQ(fake_.record_count(), 1u);
}

TEST_F(BlueskyReplyTest, ACrashedWorkerIsSettledByFindReply) {
  const Mention m = polled("@acmeair.bsky.social still waiting");
  // The worker dies right after the PDS made the record: it never saw the answer.
  {
    auto dying = make();
    fake_.fail_next(FakeBlueskyRoute::create_record, 1, FakeResponse{0 + 502, {}, "{}"}, true);
    fake_.fail_next(FakeBlueskyRoute::get_record, 1, FakeResponse{503, {}, "{}"});
    const ReplyOutcome o = dying->reply(m, "Looking into it now.", "reply-crash");
    EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
    EXPECT_TRUE(o.may_have_posted);
  }
  // The new daemon settles the reply before posting it again.
  auto c = make();
  EXPECT_EQ(c->reply_rules().idempotency_window.count(), 0);
  const ReplySearch s = c->find_reply(m, "Looking into it now.", "reply-crash");
  ASSERT_EQ(s.kind, ReplySearch::Kind::found) << s.error;
  EXPECT_EQ(s.post.id, fake_.records().at(0).uri);
  EXPECT_EQ(s.post.url, "https://bsky.app/profile/acmeair.bsky.social/post/" + bluesky::reply_rkey("reply-crash"));
  EXPECT_GT(s.post.posted_at, 0);
  EXPECT_EQ(fake_.record_count(), 1u);
  // A reply never made is not found, and posting it then works.
  const ReplySearch none = c->find_reply(m, "Other text", "reply-never");
  EXPECT_EQ(none.kind, ReplySearch::Kind::not_found) << none.error;
  const auto gets = fake_.requests_to("com.atproto.repo.getRecord");
  ASSERT_FALSE(gets.empty());
  EXPECT_EQ(gets.back().query.at("repo"), testing::kFakeBlueskyDid);
  EXPECT_EQ(gets.back().query.at("collection"), "app.bsky.feed.post");
  EXPECT_EQ(gets.back().query.at("rkey"), bluesky::reply_rkey("reply-never"));
}

TEST_F(BlueskyReplyTest, FindReplyThatCannotLookIsUnknown) {
  const Mention m = polled("@acmeair.bsky.social ?");
  auto c = make();
  fake_.fail_next(FakeBlueskyRoute::get_record, 1, FakeResponse{502, {}, "bad gateway"});
  const ReplySearch s = c->find_reply(m, "x", "reply-x");
  EXPECT_EQ(s.kind, ReplySearch::Kind::unknown);
  EXPECT_NE(s.error.find("502"), std::string::npos) << s.error;
}

TEST_F(BlueskyReplyTest, TooManyRequestsIsRetriedAndMadeNoPost) {
  const Mention m = polled("@acmeair.bsky.social hi");
  auto c = make();
  fake_.fail_next(FakeBlueskyRoute::create_record, 1,
                  FakeBluesky::error_answer(429, "RateLimitExceeded", "Rate Limit Exceeded",
                                            {{"RateLimit-Limit", "5000"},
                                             {"RateLimit-Remaining", "0"},
                                             {"RateLimit-Reset", std::to_string(now_ms() / 1000 + 60)}}));
  const ReplyOutcome o = c->reply(m, "Hello", "reply-429");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_FALSE(o.may_have_posted);
  ASSERT_TRUE(o.retry_after);
  EXPECT_GT(o.retry_after->count(), 30'000);
  EXPECT_EQ(fake_.record_count(), 0u);
  EXPECT_TRUE(fake_.requests_to("com.atproto.repo.getRecord").empty());
}

TEST_F(BlueskyReplyTest, ARefusedRecordIsPermanentWithThePdsWords) {
  const Mention m = polled("@acmeair.bsky.social hi");
  auto c = make();
  fake_.fail_next(FakeBlueskyRoute::create_record, 1,
                  FakeBluesky::error_answer(400, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"));
  const ReplyOutcome o = c->reply(m, "Hello", "reply-400");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("300 graphemes"), std::string::npos) << o.error;
  EXPECT_EQ(fake_.record_count(), 0u);
}

TEST_F(BlueskyReplyTest, AnExpiredTokenWhileReplyingIsRefreshed) {
  const Mention m = polled("@acmeair.bsky.social hi");
  auto c = make();
  ok(*c, "");
  fake_.expire_access_tokens();
  const ReplyOutcome o = c->reply(m, "Hello again", "reply-refresh");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  EXPECT_EQ(fake_.refreshes(), 1u);
  EXPECT_EQ(fake_.record_count(), 1u);
}

}  // namespace
}  // namespace carewatch::bluesky_test
