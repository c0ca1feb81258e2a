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
