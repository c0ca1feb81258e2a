// TextTokens against a plain reference: one code point at a time, straight from the rules in
// text_tokens.h, for an alphabet that covers every path of the tokenizer (ASCII letters and
// digits, separators, '#'/'@', accented letters that fold to one or two letters, a combining
// accent, letters that have no folded form, emoji, invalid bytes).
#include "rules/text_tokens.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace carewatch::rules {
namespace {

struct Piece {
  const char* bytes;
  enum Kind { word, separator, prefix, invalid } kind;
  const char* lower;   // word: lowercase form
  const char* folded;  // word: accent-free form
};

const Piece kAlphabet[] = {
    {"a", Piece::word, "a", "a"},
    {"Z", Piece::word, "z", "z"},
    {"q", Piece::word, "q", "q"},
    {"7", Piece::word, "7", "7"},
    {"\xC3\x89", Piece::word, "\xC3\xA9", "e"},     // É
    {"\xC3\xA9", Piece::word, "\xC3\xA9", "e"},     // é
    {"\xC3\x9F", Piece::word, "\xC3\x9F", "ss"},    // ß
    {"\xC3\x86", Piece::word, "\xC3\xA6", "ae"},    // Æ
    {"\xC5\x92", Piece::word, "\xC5\x93", "oe"},    // Œ
    {"\xCC\x81", Piece::word, "\xCC\x81", ""},      // combining acute accent
    {"\xCE\xA9", Piece::word, "\xCF\x89", "\xCF\x89"},  // Ω: no folded form
    {"\xD0\x96", Piece::word, "\xD0\xB6", "\xD0\xB6"},  // Ж
    {"\xE6\x97\xA5", Piece::word, "\xE6\x97\xA5", "\xE6\x97\xA5"},  // 日
    {" ", Piece::separator, "", ""},
    {",", Piece::separator, "", ""},
    {"\n", Piece::separator, "", ""},
    {"\xF0\x9F\x98\x80", Piece::separator, "", ""},  // 😀
    {"\xE2\x80\x94", Piece::separator, "", ""},      // —
    {"#", Piece::prefix, "#", "#"},
    {"@", Piece::prefix, "@", "@"},
    {"\xFF", Piece::invalid, "", ""},
    {"\xC3", Piece::invalid, "", ""},  // a lead byte never followed by a continuation byte
};

struct RefToken {
  std::string lower, folded;
  bool prefixed = false;
};

// Tokens by the rules: words are runs of word characters; '#'/'@' not right after a word
// character starts a prefixed token; a lone prefix is no token.
std::vector<RefToken> reference(const std::vector<const Piece*>& pieces) {
  std::vector<RefToken> out;
  RefToken current;
  bool in_token = false;
  size_t word_chars = 0;
  auto finish = [&] {
    if (in_token && word_chars > 0) {
      // A token of combining accents alone has an empty folded form: it keeps its own.
      if (current.folded.empty()) current.folded = current.lower;
      out.push_back(current);
    }
    in_token = false;
  };
  for (const Piece* p : pieces) {
    switch (p->kind) {
      case Piece::word:
        if (!in_token) {
          current = RefToken{};
          in_token = true;
          word_chars = 0;
        }
        current.lower += p->lower;
        current.folded += p->folded;
        ++word_chars;
        break;
      case Piece::prefix: {
        const bool after_word = in_token && word_chars > 0;
        finish();
        if (!after_word) {
          current = RefToken{p->lower, p->folded, true};
          in_token = true;
          word_chars = 0;
        }
        break;
      }
      case Piece::separator:
      case Piece::invalid:
        finish();
        break;
    }
  }
  finish();
  return out;
}

// The invalid lead byte \xC3 must not be followed by a continuation byte, or it would be valid.
bool is_continuation_start(const Piece* p) {
  const auto b = static_cast<unsigned char>(p->bytes[0]);
  return b >= 0x80 && b < 0xC0;
}

TEST(TextTokensReference, RandomTextsMatchTheReference) {
  uint32_t state = 2024;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  const size_t alphabet = sizeof kAlphabet / sizeof kAlphabet[0];
  for (int round = 0; round < 5000; ++round) {
    std::vector<const Piece*> pieces;
    std::string text;
    const size_t n = next() % 40;
    for (size_t k = 0; k < n; ++k) {
      const Piece* p = &kAlphabet[next() % alphabet];
      if (!pieces.empty() && std::string(pieces.back()->bytes) == "\xC3" && is_continuation_start(p)) continue;
      pieces.push_back(p);
      text += p->bytes;
    }
    const std::vector<RefToken> want = reference(pieces);
    TextTokens got(text);
    ASSERT_EQ(got.size(), want.size()) << "text: " << text;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got.lower(i), want[i].lower) << "text: " << text << " token " << i;
      EXPECT_EQ(got.folded(i), want[i].folded) << "text: " << text << " token " << i;
      EXPECT_EQ(got.has_folded(i), want[i].folded != want[i].lower) << "text: " << text << " token " << i;
      EXPECT_EQ(got.prefixed(i), want[i].prefixed) << "text: " << text << " token " << i;
    }
    EXPECT_EQ(got.code_points(), pieces.size()) << "text: " << text;
  }
}

TEST(TextTokensReference, FoldedFormStartsWhereverTheFirstAccentIs) {
  TextTokens t("abc\xC3\x89" "def #\xC3\x89" "a \xC3\x86" "B \xCE\xA9\xC3\xA9 \xC3\xA9\xCE\xA9 cafe\xCC\x81s plain");
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t.lower(0), "abc\xC3\xA9" "def");
  EXPECT_EQ(t.folded(0), "abcedef");
  EXPECT_EQ(t.lower(1), "#\xC3\xA9" "a");
  EXPECT_EQ(t.folded(1), "#ea");
  EXPECT_EQ(t.folded(2), "aeb");
  EXPECT_EQ(t.folded(3), "\xCF\x89" "e");  // a letter without a folded form before the accent
  EXPECT_EQ(t.folded(4), "e\xCF\x89");     // and after it
  EXPECT_EQ(t.folded(5), "cafes");
  EXPECT_FALSE(t.has_folded(6));
}

TEST(TextTokensReference, ReusedTokensForgetTheLastText) {
  TextTokens t;
  t.assign("\xC3\x89t\xC3\xA9 long accented words here \xC3\x9F\xC3\x9F\xC3\x9F");
  t.assign("ab");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.lower(0), "ab");
  EXPECT_FALSE(t.has_folded(0));
  EXPECT_EQ(t.code_points(), 2u);
  t.assign("");
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.code_points(), 0u);
}

}  // namespace
}  // namespace carewatch::rules
