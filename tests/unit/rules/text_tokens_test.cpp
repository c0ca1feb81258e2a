#include "rules/text_tokens.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace carewatch::rules {
namespace {

std::vector<std::string> lowers(std::string_view text) {
  TextTokens t(text);
  std::vector<std::string> out;
  for (size_t i = 0; i < t.size(); ++i) out.emplace_back(t.lower(i));
  return out;
}

using V = std::vector<std::string>;

TEST(TextTokens, SplitsOnNonLettersAndLowercasesAscii) {
  EXPECT_EQ(lowers("My REFUND, please!! Order #123-b"), (V{"my", "refund", "please", "order", "#123", "b"}));
  EXPECT_EQ(lowers("don't   stop\tnow\n"), (V{"don", "t", "stop", "now"}));
  EXPECT_TRUE(lowers("").empty());
  EXPECT_TRUE(lowers("  ,.;!? ").empty());
}

TEST(TextTokens, LowercasesLatinGreekAndCyrillic) {
  EXPECT_EQ(lowers("DEVOLUCIÓN ÉTÉ STRASSE ŁÓDŹ ΑΒΓ ПРИВЕТ"),
            (V{"devolución", "été", "strasse", "łódź", "αβγ", "привет"}));
  EXPECT_EQ(lowers("İSTANBUL Ÿ"), (V{"istanbul", "ÿ"}));
}

TEST(TextTokens, FoldsAccentsIntoASecondForm) {
  TextTokens t("Devolución straße Œuvre plain");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t.folded(0), "devolucion");
  EXPECT_TRUE(t.has_folded(0));
  EXPECT_EQ(t.folded(1), "strasse");
  EXPECT_EQ(t.folded(2), "oeuvre");
  EXPECT_FALSE(t.has_folded(3));
  EXPECT_EQ(t.folded(3), "plain");
}

TEST(TextTokens, CombiningAccentsStayInTheWordAndFoldAway) {
  TextTokens t("cafe\xCC\x81 ok");  // "café" written with a combining acute accent
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.lower(0), "cafe\xCC\x81");
  EXPECT_EQ(t.folded(0), "cafe");
}

TEST(TextTokens, HashAndAtPrefixesMatchWithAndWithoutThePrefix) {
  TextTokens t("#Refund @AcmeAir mail help@acme.com # @");
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t.lower(0), "#refund");
  EXPECT_TRUE(t.prefixed(0));
  EXPECT_TRUE(t.matches(0, "#refund"));
  EXPECT_TRUE(t.matches(0, "refund"));
  EXPECT_EQ(t.lower(1), "@acmeair");
  EXPECT_TRUE(t.matches(1, "acmeair"));
  // '@' after a letter is a separator, not a prefix; lone '#' and '@' are no tokens.
  EXPECT_EQ(lowers("help@acme.com # @"), (V{"help", "acme", "com"}));
  // An unprefixed token does not match a prefixed pattern.
  TextTokens plain("refund");
  EXPECT_FALSE(plain.matches(0, "#refund"));
}

TEST(TextTokens, EmojiAndSymbolsSeparateWords) {
  EXPECT_EQ(lowers("love🔥it™ ok…fine “quoted” — x"), (V{"love", "it", "ok", "fine", "quoted", "x"}));
  EXPECT_TRUE(lowers("😡😡😡 👍🏽 ❤️").empty());
}

TEST(TextTokens, InvalidUtf8BytesAreSeparators) {
  EXPECT_EQ(lowers("bad\xFFin\xC3put \xE2\x82"), (V{"bad", "in", "put"}));
  EXPECT_EQ(lowers("\xC0\xAFover\xED\xA0\x80long"), (V{"over", "long"}));  // overlong, surrogate
}

TEST(TextTokens, CountsCodePoints) {
  EXPECT_EQ(TextTokens("héllo 😀").code_points(), 7u);
  EXPECT_EQ(TextTokens("").code_points(), 0u);
  EXPECT_EQ(TextTokens("a\xFF").code_points(), 2u);
}

TEST(TextTokens, ReassigningReplacesTheTokens) {
  TextTokens t("one two");
  t.assign("three");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.lower(0), "three");
}

}  // namespace
}  // namespace carewatch::rules

namespace carewatch::rules {
namespace {

// Any byte string tokenizes without error; tokens are non-empty and forms are consistent.
TEST(TextTokens, ArbitraryBytesAreSafe) {
  uint32_t state = 12345;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return state >> 24;
  };
  for (int round = 0; round < 2000; ++round) {
    std::string text(next() % 64, '\0');
    for (char& c : text) c = static_cast<char>(next());
    TextTokens t(text);
    EXPECT_LE(t.code_points(), text.size());
    for (size_t i = 0; i < t.size(); ++i) {
      EXPECT_FALSE(t.lower(i).empty());
      EXPECT_FALSE(t.folded(i).empty());
      EXPECT_TRUE(t.matches(i, t.lower(i)));
      EXPECT_TRUE(t.matches(i, t.folded(i)));
    }
  }
}

}  // namespace
}  // namespace carewatch::rules
