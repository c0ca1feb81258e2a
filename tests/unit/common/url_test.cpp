#include "mention/common/url.h"

#include <gtest/gtest.h>

namespace carewatch {
namespace {

TEST(PercentDecode, DecodesEscapesAndRejectsMalformedOnes) {
  EXPECT_EQ(percent_decode("mastodon%3A123"), "mastodon:123");
  EXPECT_EQ(percent_decode("a+b%2Fc"), "a+b/c");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%2B", true), "+");
  EXPECT_EQ(percent_decode("caf%C3%A9"), "caf\xC3\xA9");
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("bad%2"), std::nullopt);
  EXPECT_EQ(percent_decode("bad%g0"), std::nullopt);
  EXPECT_EQ(percent_decode("%"), std::nullopt);
}

TEST(PercentEncode, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b/c?d=e&f#g"), "a%20b%2Fc%3Fd%3De%26f%23g");
  EXPECT_EQ(percent_encode("caf\xC3\xA9"), "caf%C3%A9");
  EXPECT_EQ(percent_encode("#acme air"), "%23acme%20air");
  for (const std::string s : {"", "x", "a+b c%d", "\x01\xFF/:@"}) EXPECT_EQ(percent_decode(percent_encode(s)), s);
}

TEST(PercentEncode, KeepsTheCharactersAskedFor) {
  EXPECT_EQ(percent_encode("/api/v1/notifications?types[]=mention&q=a b%20c", ":/?#@!$&'()*+,;=%"),
            "/api/v1/notifications?types%5B%5D=mention&q=a%20b%20c");
  EXPECT_EQ(percent_encode("/t/caf\xC3\xA9", "/"), "/t/caf%C3%A9");
}

TEST(ParseQuery, PairsInOrderDecoded) {
  auto q = parse_query("a=1&b=x%20y&c&&d=e+f&a=2");
  ASSERT_TRUE(q);
  const QueryPairs expected = {{"a", "1"}, {"b", "x y"}, {"c", ""}, {"d", "e f"}, {"a", "2"}};
  EXPECT_EQ(*q, expected);
  EXPECT_EQ(parse_query("a=%zz"), std::nullopt);
  EXPECT_EQ(parse_query("")->size(), 0u);
}

TEST(EncodeQuery, EncodesKeysAndValuesInOrder) {
  EXPECT_EQ(encode_query({{"q", "acme air"}, {"types[]", "mention"}, {"limit", "40"}}),
            "q=acme%20air&types%5B%5D=mention&limit=40");
  EXPECT_EQ(encode_query({{"status", "@ana@h.example a+b & c=d"}, {"in_reply_to_id", "123"}}),
            "status=%40ana%40h.example%20a%2Bb%20%26%20c%3Dd&in_reply_to_id=123");
  EXPECT_EQ(encode_query({}), "");
  const QueryPairs pairs = {{"a b", "caf\xC3\xA9"}, {"", ""}, {"k", "1&2=3"}};
  EXPECT_EQ(parse_query(encode_query(pairs)), pairs);
}

TEST(ParseBaseUrl, SchemeHostPortAndPathWithoutTrailingSlash) {
  auto b = parse_base_url("https://Mastodon.Example/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->url, "https://mastodon.example");
  EXPECT_EQ(b->host, "mastodon.example");
  b = parse_base_url("HTTP://127.0.0.1:8080");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->url, "http://127.0.0.1:8080");
  EXPECT_EQ(b->host, "127.0.0.1");
  b = parse_base_url("http://[::1]:8080/social//");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->url, "http://[::1]:8080/social");
  EXPECT_EQ(b->host, "[::1]");
  for (const char* bad : {"mastodon.example", "ftp://mastodon.example", "https://user:pw@mastodon.example",
                          "https://mastodon.example/?x=1", "https://mastodon.example/#top", "https://", "", "https:///x"})
    EXPECT_FALSE(parse_base_url(bad)) << bad;
}

TEST(QueryValue, FindsAKeyOfAUrl) {
  EXPECT_EQ(query_value("https://h/api/v1/timelines/tag/x?max_id=123&limit=40", "max_id"), "123");
  EXPECT_EQ(query_value("https://h/p?since_id=9#frag", "since_id"), "9");
  EXPECT_EQ(query_value("https://h/p?q=a%2Bb", "q"), "a+b");
  EXPECT_EQ(query_value("https://h/p", "max_id"), std::nullopt);
  EXPECT_EQ(query_value("https://h/p?min_id=1", "max_id"), std::nullopt);
}

}  // namespace
}  // namespace carewatch
