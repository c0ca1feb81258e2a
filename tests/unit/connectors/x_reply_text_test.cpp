// X's weighted length of a reply (twitter-text's configuration v3: weights by code point range,
// URLs 23, limit 280) and the form replies are compared in when reconciling.
#include <gtest/gtest.h>

#include <string>

#include "connectors/x/reply_text.h"

namespace carewatch::x {
namespace {

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(XReplyText, LatinTextCountsOneACodePoint) {
  EXPECT_EQ(weighted_length("Sorry about the delay!"), 22u);
  EXPECT_EQ(weighted_length(repeat("a", 280)), 280u);
  EXPECT_EQ(weighted_length("caf\xC3\xA9"), 4u);              // U+00E9
  EXPECT_EQ(weighted_length("\xE2\x80\x9Cok\xE2\x80\x9D"), 4u);  // curly quotes U+201C/U+201D weigh 1
  EXPECT_EQ(weighted_length("\xE2\x80\xB2"), 1u);              // U+2032
}

TEST(XReplyText, CjkAndEmojiCountTwo) {
  EXPECT_EQ(weighted_length("\xE3\x81\x82\xE3\x82\x8A\xE3\x81\x8C\xE3\x81\xA8\xE3\x81\x86"), 10u);  // ありがとう
  EXPECT_EQ(weighted_length("\xF0\x9F\x99\x8F"), 2u);                                             // U+1F64F
  EXPECT_EQ(weighted_length(repeat("\xE4\xBD\xA0", 140)), 280u);
  EXPECT_EQ(weighted_length(repeat("\xE4\xBD\xA0", 141)), 282u);
  EXPECT_EQ(weighted_length("\xE2\x9C\x88"), 2u);  // U+2708, past U+2037
}

TEST(XReplyText, EveryUrlCountsTwentyThree) {
  EXPECT_EQ(weighted_length("https://acme.example/help/refunds/a-very-long-path-indeed?x=1"), 23u);
  EXPECT_EQ(weighted_length("see http://a.co"), 4u + 23u);
  EXPECT_EQ(weighted_length("see https://acme.example/help."), 4u + 23u + 1u);  // the period is not part of it
  EXPECT_EQ(weighted_length("(https://acme.example/x)"), 1u + 23u + 1u);
  EXPECT_EQ(weighted_length("acme.com/help"), 23u);                      // a bare domain is a link
  EXPECT_EQ(weighted_length("www.acme.co.uk"), 23u);
  EXPECT_EQ(weighted_length("visit acme.com, thanks"), 6u + 23u + 8u);
  EXPECT_EQ(weighted_length("e.g. v1.2 file.txt"), 18u);                   // not links
  EXPECT_EQ(weighted_length("help@acme.com"), 13u);                        // an e-mail address is not a link
  EXPECT_EQ(weighted_length("https://"), 8u);
}

TEST(XReplyText, TheCompareFormIgnoresShortenedLinksLeadingHandlesAndSpacing) {
  EXPECT_EQ(compare_form("@dana_flies @AcmeAir  Sorry &amp; thanks,\n see https://t.co/AbC123"),
            "Sorry & thanks, see <url>");
  EXPECT_EQ(compare_form("Sorry & thanks, see https://acme.example/help/refunds"), "Sorry & thanks, see <url>");
  EXPECT_EQ(compare_form("  hello   @dana  "), "hello @dana");
  EXPECT_EQ(compare_form("@dana"), "");
}

}  // namespace
}  // namespace carewatch::x
