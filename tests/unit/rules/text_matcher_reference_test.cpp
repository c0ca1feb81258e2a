// TextMatcher's table lookup against the definition: a keyword slot is hit when some token
// matches the keyword (TextTokens::matches), a phrase slot when consecutive tokens match its
// words. Random keyword and phrase sets, many sharing words and slots, over random texts.
#include "rules/text_matcher.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace carewatch::rules {
namespace {

constexpr const char* kWords[] = {"refund", "Refund", "#refund", "@acme", "acme", "not", "working",
                                  "money", "back", "devolución", "devolucion", "straße", "strasse",
                                  "crash", "app", "late", "x", "7", "Œuvre", "oeuvre", "#fail",
                                  "fail", "worst", "help", "again"};
constexpr const char* kGlue[] = {" ", " ", "  ", ", ", "!", "\n", "-", "😡"};

struct Rng {
  uint32_t state;
  uint32_t operator()(uint32_t n) {
    state = state * 1664525u + 1013904223u;
    return (state >> 8) % n;
  }
};

std::string random_words(Rng& rng, size_t n) {
  std::string s;
  for (size_t k = 0; k < n; ++k) {
    if (k) s += kGlue[rng(sizeof kGlue / sizeof kGlue[0])];
    s += kWords[rng(sizeof kWords / sizeof kWords[0])];
  }
  return s;
}

struct Expected {
  std::vector<std::pair<uint32_t, std::string>> keywords;              // slot, keyword
  std::vector<std::pair<uint32_t, std::vector<std::string>>> phrases;  // slot, pattern tokens
};

bool phrase_at(const TextTokens& t, size_t i, const std::vector<std::string>& words) {
  if (i + words.size() > t.size()) return false;
  for (size_t j = 0; j < words.size(); ++j)
    if (!t.matches(i + j, words[j])) return false;
  return true;
}

TEST(TextMatcherReference, RandomRuleSetsMatchTheDefinition) {
  Rng rng{99};
  for (int round = 0; round < 200; ++round) {
    TextMatcher m;
    Expected want;
    std::string error;
    const uint32_t slots = 1 + rng(40);
    for (uint32_t s = 0; s < slots; ++s) ASSERT_EQ(m.new_slot(), s);
    for (int k = 0, n = static_cast<int>(rng(60)); k < n; ++k) {
      const uint32_t slot = rng(slots);
      const std::string entry = random_words(rng, 1 + rng(3));
      const TextTokens t(entry);
      if (t.size() == 1 && rng(2) == 0) {
        ASSERT_TRUE(m.add_keyword(slot, entry, error)) << entry << ": " << error;
        want.keywords.push_back({slot, std::string(t.lower(0))});
      } else if (!t.empty()) {
        ASSERT_TRUE(m.add_phrase(slot, entry, error)) << entry << ": " << error;
        std::vector<std::string> words;
        for (size_t i = 0; i < t.size(); ++i) words.emplace_back(t.lower(i));
        want.phrases.push_back({slot, words});
      }
    }
    ASSERT_TRUE(m.compile(error));
    for (int text_round = 0; text_round < 20; ++text_round) {
      const std::string text = random_words(rng, rng(12));
      const TextTokens tokens(text);
      SlotBits got(m.slots());
      m.match(text, tokens, got);
      std::vector<bool> expected(slots, false);
      for (const auto& [slot, keyword] : want.keywords)
        for (size_t i = 0; i < tokens.size(); ++i) expected[slot] = expected[slot] || tokens.matches(i, keyword);
      for (const auto& [slot, words] : want.phrases)
        for (size_t i = 0; i < tokens.size(); ++i) expected[slot] = expected[slot] || phrase_at(tokens, i, words);
      for (uint32_t s = 0; s < slots; ++s) EXPECT_EQ(got.test(s), expected[s]) << "slot " << s << " text: " << text;
    }
  }
}

TEST(TextMatcherReference, ManyKeywordsAreAllFound) {
  TextMatcher m;
  std::string error;
  constexpr uint32_t kCount = 5000;  // the table grows many times
  for (uint32_t i = 0; i < kCount; ++i) {
    ASSERT_EQ(m.new_slot(), i);
    ASSERT_TRUE(m.add_keyword(i, "word" + std::to_string(i), error));
  }
  ASSERT_TRUE(m.compile(error));
  std::string text;
  for (uint32_t i = 0; i < kCount; i += 7) text += "WORD" + std::to_string(i) + " ";
  text += "word word5000 words1";
  const TextTokens tokens(text);
  SlotBits hits(m.slots());
  m.match(text, tokens, hits);
  for (uint32_t i = 0; i < kCount; ++i) EXPECT_EQ(hits.test(i), i % 7 == 0) << i;
}

TEST(SlotBits, ResetClearsAndForEachVisitsSetSlotsInOrder) {
  SlotBits bits(200);
  for (uint32_t s : {199u, 0u, 64u, 63u, 128u, 5u}) bits.set(s);
  std::vector<uint32_t> seen;
  bits.for_each_set([&](uint32_t s) { seen.push_back(s); });
  EXPECT_EQ(seen, (std::vector<uint32_t>{0, 5, 63, 64, 128, 199}));
  bits.reset(70);
  seen.clear();
  bits.for_each_set([&](uint32_t s) { seen.push_back(s); });
  EXPECT_TRUE(seen.empty());
  bits.set(69);
  EXPECT_TRUE(bits.test(69));
  EXPECT_FALSE(bits.test(5));
}

}  // namespace
}  // namespace carewatch::rules
