#include "rules/text_matcher.h"

#include <gtest/gtest.h>

#include <string>

namespace carewatch::rules {
namespace {

bool hit(const TextMatcher& m, uint32_t slot, std::string_view text) {
  TextTokens tokens(text);
  SlotBits bits(m.slots());
  m.match(text, tokens, bits);
  return bits.test(slot);
}

TEST(TextMatcher, KeywordsMatchWholeTokensCaseInsensitively) {
  TextMatcher m;
  std::string error;
  const uint32_t s = m.new_slot();
  ASSERT_TRUE(m.add_keyword(s, "Refund", error));
  ASSERT_TRUE(m.compile(error));
  EXPECT_TRUE(hit(m, s, "I want a REFUND now"));
  EXPECT_TRUE(hit(m, s, "refund!"));
  EXPECT_TRUE(hit(m, s, "#refund please"));
  EXPECT_FALSE(hit(m, s, "refunds are slow"));
  EXPECT_FALSE(hit(m, s, "nonrefundable"));
  EXPECT_FALSE(hit(m, s, ""));
}

TEST(TextMatcher, UnaccentedKeywordsAlsoMatchAccentedText) {
  TextMatcher m;
  std::string error;
  const uint32_t plain = m.new_slot(), accented = m.new_slot();
  ASSERT_TRUE(m.add_keyword(plain, "devolucion", error));
  ASSERT_TRUE(m.add_keyword(accented, "schön", error));
  EXPECT_TRUE(hit(m, plain, "quiero mi DEVOLUCIÓN"));
  EXPECT_TRUE(hit(m, plain, "quiero mi devolucion"));
  EXPECT_TRUE(hit(m, accented, "sehr SCHÖN"));
  EXPECT_FALSE(hit(m, accented, "ist schon da"));  // "schon" (already) is another word
}

TEST(TextMatcher, PrefixedKeywordsNeedThePrefix) {
  TextMatcher m;
  std::string error;
  const uint32_t s = m.new_slot();
  ASSERT_TRUE(m.add_keyword(s, "#fail", error));
  EXPECT_TRUE(hit(m, s, "another #FAIL"));
  EXPECT_FALSE(hit(m, s, "did not fail"));
}

TEST(TextMatcher, PhrasesMatchTokenSequencesIgnoringSpacingAndCase) {
  TextMatcher m;
  std::string error;
  const uint32_t s = m.new_slot();
  ASSERT_TRUE(m.add_phrase(s, "not  working", error));
  ASSERT_TRUE(m.add_phrase(s, "money back", error));
  EXPECT_TRUE(hit(m, s, "app NOT\n working again"));
  EXPECT_TRUE(hit(m, s, "I want my money-back"));
  EXPECT_TRUE(hit(m, s, "still not working"));
  EXPECT_FALSE(hit(m, s, "working, not"));
  EXPECT_FALSE(hit(m, s, "not"));  // the text ends inside the phrase
  EXPECT_FALSE(hit(m, s, "nothing working"));
}

TEST(TextMatcher, PhrasesSharingAFirstWordAreAllTried) {
  TextMatcher m;
  std::string error;
  const uint32_t a = m.new_slot(), b = m.new_slot();
  ASSERT_TRUE(m.add_phrase(a, "charged twice", error));
  ASSERT_TRUE(m.add_phrase(b, "charged me again", error));
  EXPECT_TRUE(hit(m, b, "they charged me again"));
  EXPECT_FALSE(hit(m, a, "they charged me again"));
  EXPECT_TRUE(hit(m, a, "CHARGED twice!"));
}

TEST(TextMatcher, OneWordPhraseActsAsAKeyword) {
  TextMatcher m;
  std::string error;
  const uint32_t s = m.new_slot();
  ASSERT_TRUE(m.add_phrase(s, "outage", error));
  EXPECT_TRUE(hit(m, s, "big Outage today"));
}

TEST(TextMatcher, RejectsUnusableKeywordsAndPhrases) {
  TextMatcher m;
  std::string error;
  const uint32_t s = m.new_slot();
  EXPECT_FALSE(m.add_keyword(s, "money back", error));
  EXPECT_EQ(error, "is several words (put it in \"phrases\")");
  EXPECT_FALSE(m.add_keyword(s, "🔥", error));
  EXPECT_EQ(error, "has no letters or digits (use \"regex\" for symbols and emoji)");
  EXPECT_FALSE(m.add_phrase(s, " !! ", error));
}

TEST(TextMatcher, RegexesRunAsOneSetCaseInsensitively) {
  TextMatcher m;
  std::string error;
  const uint32_t a = m.new_slot(), b = m.new_slot(), c = m.new_slot();
  ASSERT_TRUE(m.add_regex(a, R"(order\s*#?\d{5,})", error));
  ASSERT_TRUE(m.add_regex(b, R"(\?\s*$)", error));
  ASSERT_TRUE(m.add_regex(c, "(?-i)ACME", error));
  ASSERT_TRUE(m.compile(error));
  TextTokens tokens("ORDER #123456 where is it? acme");
  SlotBits bits(m.slots());
  m.match("ORDER #123456 where is it? acme", tokens, bits);
  EXPECT_TRUE(bits.test(a));
  EXPECT_FALSE(bits.test(b));
  EXPECT_FALSE(bits.test(c));  // case-sensitive by its own flag
  EXPECT_TRUE(hit(m, b, "where is it?  "));
  EXPECT_TRUE(hit(m, c, "ACME"));
}

TEST(TextMatcher, RegexErrorsAreShort) {
  TextMatcher m;
  std::string error;
  EXPECT_FALSE(m.add_regex(m.new_slot(), "(", error));
  EXPECT_EQ(error, "missing )");
  EXPECT_FALSE(m.add_regex(m.new_slot(), "a{2,1}", error));
  EXPECT_EQ(error, "invalid repetition size: {2,1}");
}

TEST(TextMatcher, RegexMatchesInHugeTexts) {
  TextMatcher m;
  std::string error;
  const uint32_t s = m.new_slot();
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(m.add_regex(s, "needle" + std::to_string(i) + "[a-z]{3}x", error));
  ASSERT_TRUE(m.compile(error));
  std::string text(1 << 20, 'a');
  text += " needle39abcx";
  EXPECT_TRUE(hit(m, s, text));
  text.resize(1 << 20);
  EXPECT_FALSE(hit(m, s, text));
}

}  // namespace
}  // namespace carewatch::rules
