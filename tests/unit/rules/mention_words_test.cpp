// The words and hashtags the marketing figures count, and the sentiment bands.
#include <gtest/gtest.h>

#include "mention/mention.h"
#include "rules/classifier.h"
#include "rules/mention_words.h"
#include "rules/rule_set.h"

namespace carewatch::rules {
namespace {

using Words = std::vector<std::string>;

TEST(MentionWords, LowercaseDistinctWordsWithoutStopWordsNumbersLinksAndHandles) {
  const auto w = mention_words("@acmeair The Flight was DELAYED again, my flight 2 hours https://t.co/AbC www.x.example/y");
  EXPECT_EQ(w.words, (Words{"flight", "delayed", "hours"}));
  EXPECT_TRUE(w.hashtags.empty());
}

TEST(MentionWords, HashtagsAreLowercaseWithoutTheMarkAndNotWords) {
  const auto w = mention_words("Lost bag #LostLuggage #fail #fail and #Reembolso x#notatag");
  EXPECT_EQ(w.words, (Words{"lost", "bag", "notatag"}));  // '#' after a letter is no hashtag
  EXPECT_EQ(w.hashtags, (Words{"lostluggage", "fail", "reembolso"}));
}

TEST(MentionWords, AccentsStayInTheWordAndStopWordsAreTestedFolded) {
  const auto w = mention_words("Café CAFÉ Straße ÜBER");
  EXPECT_EQ(w.words, (Words{"café", "straße", "über"}));
}

TEST(MentionWords, TheBrandsTermsAreLeftOut) {
  const auto w = mention_words("AcmeAir lost my bag, acme again", {"acmeair", "acme"});
  EXPECT_EQ(w.words, (Words{"lost", "bag"}));
}

TEST(MentionWords, ListsAreBounded) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "word" + std::to_string(i) + " #tag" + std::to_string(i) + " ";
  text += std::string(kMaxWordBytes + 1, 'z');
  const auto w = mention_words(text, {}, 5);
  EXPECT_EQ(w.words, (Words{"word0", "word1", "word2", "word3", "word4"}));
  EXPECT_EQ(w.hashtags.size(), kMaxHashtags);
  EXPECT_TRUE(mention_words(std::string(kMaxWordBytes + 1, 'z')).words.empty());
  EXPECT_EQ(mention_words(std::string(kMaxWordBytes, 'z')).words.size(), 1u);
}

TEST(MentionWords, InvalidUtf8AndEmptyTextGiveNoTrouble) {
  EXPECT_TRUE(mention_words("").words.empty());
  const auto w = mention_words(std::string("bad\xff\xfe" "bytes #\xc3"));
  EXPECT_EQ(w.words, (Words{"bad", "bytes"}));
}

TEST(SentimentBand, ThePraiseThresholdAndItsMirror) {
  BaseCategoryConfig c;
  c.praise_at = 0.5;
  EXPECT_STREQ(sentiment_band(c, 0.5), "positive");
  EXPECT_STREQ(sentiment_band(c, 0.49), "neutral");
  EXPECT_STREQ(sentiment_band(c, 0), "neutral");
  EXPECT_STREQ(sentiment_band(c, -0.49), "neutral");
  EXPECT_STREQ(sentiment_band(c, -0.5), "negative");
  EXPECT_STREQ(sentiment_band(c, -1), "negative");
  c.praise_at = 0.2;
  EXPECT_STREQ(sentiment_band(c, 0.3), "positive");
  EXPECT_STREQ(sentiment_band(c, -0.3), "negative");
}

TEST(SentimentBand, ARuleSetUsesItsOwnThresholdAndUnscoredIsUnknown) {
  std::string error;
  const auto rules = RuleSet::load_json(R"({"base_category": {"praise_at": 0.3}, "rules": []})", "test", error);
  ASSERT_TRUE(rules) << error;
  Decision d;
  EXPECT_STREQ(rules->sentiment_band(d), "unknown");
  d.scored = true;
  d.sentiment.compound = 0.35;
  EXPECT_STREQ(rules->sentiment_band(d), "positive");
  d.sentiment.compound = -0.35;
  EXPECT_STREQ(rules->sentiment_band(d), "negative");
  d.sentiment.compound = 0.1;
  EXPECT_STREQ(rules->sentiment_band(d), "neutral");
}

}  // namespace
}  // namespace carewatch::rules
