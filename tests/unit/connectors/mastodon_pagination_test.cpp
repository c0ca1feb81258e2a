// Mastodon pagination's pure parts: the Link header's rel="prev", ids and their order, the cursor.
#include "connectors/mastodon/pagination.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace carewatch::mastodon {
namespace {

TEST(MastodonPagination, LinkPrevOfMastodonsHeader) {
  // As Mastodon sends it: next (older) first, then prev (newer).
  EXPECT_EQ(link_prev("<https://m.example/api/v1/timelines/tag/a?max_id=7>; rel=\"next\", "
                      "<https://m.example/api/v1/timelines/tag/a?min_id=9>; rel=\"prev\""),
            "https://m.example/api/v1/timelines/tag/a?min_id=9");
  // Prev first, and alone.
  EXPECT_EQ(link_prev("<https://m.example/p?min_id=9>; rel=\"prev\", <https://m.example/n>; rel=\"next\""),
            "https://m.example/p?min_id=9");
  EXPECT_EQ(link_prev("<https://m.example/p>; rel=\"prev\""), "https://m.example/p");
}

TEST(MastodonPagination, LinkPrevForms) {
  EXPECT_EQ(link_prev("<https://m.example/p>; rel=prev"), "https://m.example/p");             // unquoted
  EXPECT_EQ(link_prev("<https://m.example/p>; REL=\"PREV\""), "https://m.example/p");         // letter case
  EXPECT_EQ(link_prev("<https://m.example/p>; rel=\"previous\""), "https://m.example/p");     // the long name
  EXPECT_EQ(link_prev("<https://m.example/p>; rel=\"first prev\""), "https://m.example/p");   // among others
  EXPECT_EQ(link_prev("<https://m.example/p>; title=\"x\"; rel=prev; type=\"a\""), "https://m.example/p");
  EXPECT_EQ(link_prev("<https://m.example/n>; rel=\"next\"<https://m.example/p>; rel=\"prev\""),
            "https://m.example/p");  // no comma between the links
  // A URL with a comma is taken whole.
  EXPECT_EQ(link_prev("<https://m.example/p?a=1,2>; rel=\"prev\""), "https://m.example/p?a=1,2");
}

TEST(MastodonPagination, LinkPrevAbsent) {
  EXPECT_EQ(link_prev(""), "");
  EXPECT_EQ(link_prev("<https://m.example/n>; rel=\"next\""), "");
  EXPECT_EQ(link_prev("<https://m.example/p>"), "");                    // no rel
  EXPECT_EQ(link_prev("<https://m.example/p>; rel=\"preview\""), "");   // another relation
  EXPECT_EQ(link_prev("<https://m.example/p; rel=\"prev\""), "");       // no closing '>'
  EXPECT_EQ(link_prev("https://m.example/p; rel=\"prev\""), "");        // no '<'
  EXPECT_EQ(link_prev("garbage, more garbage"), "");
}

TEST(MastodonPagination, ValidIds) {
  EXPECT_TRUE(valid_id("113552000000000401"));
  EXPECT_TRUE(valid_id("9"));
  EXPECT_TRUE(valid_id("AbZ09az"));  // base-62 ids of compatible servers
  EXPECT_TRUE(valid_id(std::string(64, '7')));
  EXPECT_FALSE(valid_id(std::string(65, '7')));
  EXPECT_FALSE(valid_id(""));
  EXPECT_FALSE(valid_id("-1"));
  EXPECT_FALSE(valid_id("12 3"));
  EXPECT_FALSE(valid_id("1.5"));
  EXPECT_FALSE(valid_id("12\xC3\xA9"));
}

TEST(MastodonPagination, IdsOrderAsBigNumbers) {
  EXPECT_TRUE(id_less("9", "10"));  // shorter is older, though larger as text
  EXPECT_FALSE(id_less("10", "9"));
  EXPECT_TRUE(id_less("113552000000000401", "113552000000000402"));
  EXPECT_FALSE(id_less("113552000000000402", "113552000000000401"));
  // Equal as doubles, still ordered.
  EXPECT_TRUE(id_less("9007199254740993", "9007199254740994"));
  EXPECT_FALSE(id_less("10000000000000000", "9999999999999999"));
  EXPECT_FALSE(id_less("42", "42"));  // not newer than itself
}

TEST(MastodonPagination, CursorRoundTrip) {
  const Cursor cursor = {{"tag:acmeair", "113552000000000404"},
                         {"notifications", "48213"},
                         {"search:acme air", "113552000000000702"}};
  const std::string text = write_cursor(cursor);
  EXPECT_EQ(text,
            R"({"notifications":"48213","search:acme air":"113552000000000702","tag:acmeair":"113552000000000404"})");
  Cursor back;
  std::string error;
  ASSERT_TRUE(parse_cursor(text, back, error)) << error;
  EXPECT_EQ(back, cursor);
  EXPECT_EQ(error, "");

  EXPECT_EQ(write_cursor({}), "{}");
  Cursor empty;
  EXPECT_TRUE(parse_cursor("", empty, error));  // no cursor yet
  EXPECT_TRUE(empty.empty());
  EXPECT_TRUE(parse_cursor("{}", empty, error));
  EXPECT_TRUE(empty.empty());
  // A key with quotes and non-ASCII text survives.
  const Cursor odd = {{"search:\"caf\xC3\xA9\"", "1"}};
  Cursor odd_back;
  ASSERT_TRUE(parse_cursor(write_cursor(odd), odd_back, error)) << error;
  EXPECT_EQ(odd_back, odd);
}

TEST(MastodonPagination, MalformedCursors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "cursor: expected a JSON object of stream -> newest id, got \"not json\""},
      {"[]", "cursor: expected a JSON object of stream -> newest id, got \"[]\""},
      {"\"113552000000000404\"", "cursor: expected a JSON object"},
      {R"({"tag:acmeair": "1")", "cursor: expected a JSON object"},  // truncated
      {R"({"tag:acmeair": 113552000000000404})", "cursor: \"tag:acmeair\": expected an id string"},
      {R"({"tag:acmeair": null})", "cursor: \"tag:acmeair\": expected an id string"},
      {R"({"tag:acmeair": ""})", "cursor: \"tag:acmeair\": expected an id string"},
      {R"({"tag:acmeair": "1-2"})", "cursor: \"tag:acmeair\": expected an id string"},
      {R"({"tag:acmeair": "1", "notifications": {}})", "cursor: \"notifications\": expected an id string"},
  };
  for (const auto& [text, expected] : cases) {
    Cursor cursor;
    std::string error;
    EXPECT_FALSE(parse_cursor(text, cursor, error)) << text;
    EXPECT_EQ(error.rfind(expected, 0), 0u) << text << "\n  gave: " << error << "\n  expected: " << expected;
  }
  // A long cursor is cut in the message.
  Cursor cursor;
  std::string error;
  EXPECT_FALSE(parse_cursor(std::string(200, 'x'), cursor, error));
  EXPECT_LT(error.size(), 200u);
}

}  // namespace
}  // namespace carewatch::mastodon
