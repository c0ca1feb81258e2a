#include "daemon/pipeline/ingest.h"

#include <gtest/gtest.h>

#include "rules/default_rules.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

Mention by(const std::string& handle) {
  Mention m;
  m.author.handle = handle;
  return m;
}

TEST(IsBrandAuthor, MatchesHandlesCaseInsensitivelyWithOrWithoutInstance) {
  const std::vector<std::string> brand = {"AcmeAir", "support@mastodon.social", "@acme_help"};
  EXPECT_TRUE(is_brand_author(by("acmeair"), brand));
  EXPECT_TRUE(is_brand_author(by("@ACMEAIR"), brand));
  EXPECT_TRUE(is_brand_author(by("acmeair@any.instance"), brand));  // no instance: any instance
  EXPECT_TRUE(is_brand_author(by("support@Mastodon.Social"), brand));
  EXPECT_FALSE(is_brand_author(by("support@other.instance"), brand));  // instance given: only that one
  EXPECT_FALSE(is_brand_author(by("support"), brand));
  EXPECT_TRUE(is_brand_author(by("acme_help"), brand));
  EXPECT_FALSE(is_brand_author(by("acmeair_fan"), brand));
  EXPECT_FALSE(is_brand_author(by("fan_acmeair"), brand));
  EXPECT_FALSE(is_brand_author(by(""), brand));
  EXPECT_FALSE(is_brand_author(by("acmeair"), {}));
}

class IngestTest : public ::testing::Test {
 protected:
  testing::TestRedis redis;
  QueueStore store{redis.endpoint(), QueueStoreOptions{}};

  static Mention mention(const std::string& id, const std::string& handle, const std::string& text,
                         const std::string& parent = "") {
    Mention m = testing::test_mention(id, text, now_ms() - 60'000, now_ms(), handle);
    m.parent_id = parent;
    return m;
  }
};

// A complaint is decided by the rules and queued; the brand's own reply in the same batch is kept
// but not queued, and counts as the complaint's first response; a second ingest is all duplicates.
TEST_F(IngestTest, DecidesQueuesAndRecordsTheBrandsReply) {
  std::vector<Mention> batch = {
      mention("1", "ana", "@acmeair my flight was cancelled and my bag is lost, terrible service"),
      mention("2", "acmeair", "@ana so sorry, we are on it", "1"),
  };
  const auto counts = ingest_batch(batch, *default_rules(), store, {"acmeair"});
  EXPECT_EQ(counts.queued, 1u);
  EXPECT_EQ(counts.stored, 1u);
  EXPECT_EQ(counts.duplicates, 0u);
  EXPECT_EQ(counts.brand_replies, 1u);
  EXPECT_EQ(batch[0].decision.category, Category::complaint);
  EXPECT_FALSE(batch[0].decision.queue.empty());
  EXPECT_EQ(batch[1].decision.category, Category::ignore);
  EXPECT_EQ(batch[1].decision.tags, std::vector<std::string>{"brand"});

  const auto record = store.get("mastodon:1");
  ASSERT_TRUE(record);
  EXPECT_TRUE(record->state.count("first_reply_at"));
  bool replied = false;
  for (const auto& e : record->events) replied |= e.type == "replied" && e.actor == "brand:acmeair";
  EXPECT_TRUE(replied);

  std::vector<Mention> again = {mention("1", "ana", "same"), mention("2", "acmeair", "same", "1")};
  const auto repeat = ingest_batch(again, *default_rules(), store, {"acmeair"});
  EXPECT_EQ(repeat.duplicates, 2u);
  EXPECT_EQ(repeat.queued, 0u);
}

// brand_replies counts the native replies a batch recorded (applied, or kept until their mention
// arrives); brand_first_responses those that became a first response. A replayed batch counts none.
TEST_F(IngestTest, CountsBrandRepliesRecordedAndThoseThatBecameFirstResponses) {
  const TimeMs t = now_ms() - 600'000;
  auto at = [&](Mention m, TimeMs posted) {
    m.posted_at = posted;
    return m;
  };
  std::vector<Mention> batch = {
      at(mention("10", "ana", "@acmeair my bag never arrived, this is terrible"), t),
      at(mention("11", "acmeair", "@ana so sorry, we are tracing it", "10"), t + 120'000),
      at(mention("12", "acmeair", "@ana the first answer, on another page", "10"), t + 60'000),
      at(mention("13", "acmeair", "@bo sorry for the wait", "20"), t + 90'000),  // 20 comes later
      at(mention("14", "acme_help", "@cy not the brand's handle here"), t + 30'000),
  };
  auto counts = ingest_batch(batch, *default_rules(), store, {"acmeair", "acme_help"});
  EXPECT_EQ(counts.brand_replies, 3u);          // 11, 12 applied; 13 kept for 20
  EXPECT_EQ(counts.brand_first_responses, 2u);  // 11, then 12 replaced it
  auto rec = store.get("mastodon:10");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state.at("first_reply_at"), std::to_string(t + 60'000));

  std::vector<Mention> again = batch;
  counts = ingest_batch(again, *default_rules(), store, {"acmeair", "acme_help"});
  EXPECT_EQ(counts.duplicates, batch.size());
  EXPECT_EQ(counts.brand_replies, 0u);
  EXPECT_EQ(counts.brand_first_responses, 0u);

  std::vector<Mention> parent = {at(mention("20", "bo", "@acmeair still waiting for my refund, terrible"), t)};
  counts = ingest_batch(parent, *default_rules(), store, {"acmeair"});
  EXPECT_EQ(counts.brand_replies, 0u);          // recorded by the first batch
  EXPECT_EQ(counts.brand_first_responses, 1u);  // 13, kept for 20 and applied as it arrived
  rec = store.get("mastodon:20");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state.at("first_reply_at"), std::to_string(t + 90'000));
}

// A crash after the enqueue of a batch but before its brand replies were recorded: the replayed
// batch is all duplicates, and its replies are recorded all the same.
TEST_F(IngestTest, ABrandReplyIsRecordedEvenWhenItsEnqueueWasADuplicate) {
  std::vector<Mention> batch = {
      mention("30", "ana", "@acmeair my flight was cancelled, nobody answers"),
      mention("31", "acmeair", "@ana we rebooked you on the 14:05", "30"),
  };
  for (auto& m : batch) {
    m.decision.category = Category::ignore;  // as ingest decides a brand post; the complaint unrouted
  }
  store.enqueue(batch);  // then the crash
  const auto counts = ingest_batch(batch, *default_rules(), store, {"acmeair"});
  EXPECT_EQ(counts.duplicates, 2u);
  EXPECT_EQ(counts.brand_replies, 1u);
  EXPECT_EQ(counts.brand_first_responses, 1u);
  const auto rec = store.get("mastodon:30");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state.at("first_reply_at"), std::to_string(batch[1].posted_at));
}

// A platform that gives no time for the brand's reply: the time carewatch saw it stands in (the
// latest it can have been), never 0, which would read as an answer before the question.
TEST_F(IngestTest, ABrandReplyWithoutAPostedTimeCountsFromWhenItWasSeen) {
  std::vector<Mention> batch = {mention("40", "ana", "@acmeair my bag is lost, please help"),
                                mention("41", "acmeair", "@ana we are on it", "40")};
  batch[1].posted_at = 0;
  batch[1].seen_at = batch[0].posted_at + 45'000;
  const auto counts = ingest_batch(batch, *default_rules(), store, {"acmeair"});
  EXPECT_EQ(counts.brand_first_responses, 1u);
  const auto rec = store.get("mastodon:40");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state.at("first_reply_at"), std::to_string(batch[1].seen_at));
}

TEST_F(IngestTest, RedisAwayThrowsAndTheBatchCanBeReplayed) {
  std::vector<Mention> batch = {mention("7", "bo", "where is my refund? still waiting after three weeks")};
  redis.server().stop();
  EXPECT_THROW(ingest_batch(batch, *default_rules(), store, {}), RedisUnavailable);
  redis.server().start();
  const auto counts = ingest_batch(batch, *default_rules(), store, {});
  EXPECT_EQ(counts.queued + counts.stored, 1u);
  EXPECT_EQ(counts.duplicates, 0u);
}

}  // namespace
}  // namespace carewatch
