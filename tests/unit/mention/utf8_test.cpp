#include "mention/utf8.h"

#include <gtest/gtest.h>

namespace carewatch {
namespace {

size_t len_at(std::string_view s, size_t i = 0) {
  char32_t cp = 0;
  return decode_utf8(s, i, cp);
}

TEST(Utf8, DecodesWellFormedSequences) {
  char32_t cp = 0;
  EXPECT_EQ(decode_utf8("a", 0, cp), 1u);
  EXPECT_EQ(cp, U'a');
  EXPECT_EQ(decode_utf8("\xC3\xA9", 0, cp), 2u);  // é
  EXPECT_EQ(cp, U'\u00E9');
  EXPECT_EQ(decode_utf8("\xE2\x82\xAC", 0, cp), 3u);  // €
  EXPECT_EQ(cp, U'\u20AC');
  EXPECT_EQ(decode_utf8("\xF0\x9F\x98\xA1", 0, cp), 4u);  // 😡
  EXPECT_EQ(cp, U'\U0001F621');
  EXPECT_EQ(decode_utf8("x\xC3\xA9", 1, cp), 2u);
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_EQ(len_at("\x80"), 0u);              // stray continuation byte
  EXPECT_EQ(len_at("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(len_at("\xE0\x80\xAF"), 0u);      // overlong, 3 bytes
  EXPECT_EQ(len_at("\xED\xA0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(len_at("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(len_at("\xE2\x82"), 0u);          // truncated
  EXPECT_EQ(len_at("\xC3("), 0u);             // continuation missing
  EXPECT_EQ(len_at("\xFF"), 0u);
}

TEST(Utf8, AppendWritesEveryRangeAndReplacesInvalidCodePoints) {
  std::string out;
  for (char32_t cp : {U'a', U'\u00E9', U'\u20AC', U'\U0001F621'}) append_utf8(out, cp);
  EXPECT_EQ(out, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\xA1");
  out.clear();
  append_utf8(out, 0xD800);
  append_utf8(out, 0x110000);
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8, ToValidReplacesEachBadByteAndKeepsTheRest) {
  EXPECT_EQ(to_valid_utf8("caf\xC3\xA9 ok"), "caf\xC3\xA9 ok");
  EXPECT_EQ(to_valid_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(to_valid_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(to_valid_utf8(std::string_view("\0x", 2)), std::string("\0x", 2));
  EXPECT_EQ(to_valid_utf8(""), "");
}

}  // namespace
}  // namespace carewatch
