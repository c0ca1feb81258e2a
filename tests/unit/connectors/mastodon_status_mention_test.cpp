// A Mastodon status -> Mention, directly (the poll tests map whole recorded pages).
#include "connectors/mastodon/status_mention.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <utility>
#include <vector>

namespace carewatch::mastodon {
namespace {

const StatusOrigin kOrigin{"acme-mastodon", "mastodon.example", "#acmeair"};

struct Mapped {
  StatusMention result;
  std::vector<std::string> warnings;
};

Mapped map(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << json;
  Mapped out;
  out.result = status_to_mention(doc, "statuses[2]", kOrigin, 1234, [&](std::string w) {
    out.warnings.push_back(std::move(w));
  });
  return out;
}

TEST(MastodonStatusMention, MapsTheFields) {
  const Mapped m = map(R"({"id": "113552000000000402", "created_at": "2026-11-22T08:03:42.512Z",
      "in_reply_to_id": "113551000000000390", "spoiler_text": "bags", "language": "en",
      "uri": "https://mastodon.example/users/dan/statuses/113552000000000402",
      "content": "<p>my bag &amp; me</p>",
      "account": {"id": "777", "username": "dan", "acct": "dan", "display_name": "Dan", "followers_count": -3}})");
  ASSERT_TRUE(m.result.mention);
  EXPECT_FALSE(m.result.reblog);
  EXPECT_TRUE(m.warnings.empty());
  const Mention& x = *m.result.mention;
  EXPECT_EQ(x.uid, "mastodon:113552000000000402");
  EXPECT_EQ(x.source, "acme-mastodon");
  EXPECT_EQ(x.text, "CW: bags \xE2\x80\x94 my bag & me");
  EXPECT_EQ(x.url, "https://mastodon.example/users/dan/statuses/113552000000000402");  // uri when no url
  EXPECT_EQ(x.author.handle, "dan@mastodon.example");
  EXPECT_EQ(x.author.followers, 0);  // never negative
  EXPECT_EQ(x.parent_id, "113551000000000390");
  EXPECT_EQ(x.conversation_id, "113551000000000390");
  EXPECT_EQ(x.seen_at, 1234);
  EXPECT_GT(x.posted_at, 0);
}

TEST(MastodonStatusMention, AReblogIsSkippedWithoutAWarning) {
  const Mapped m = map(R"({"id": "5", "reblog": {"id": "4"}, "account": {"id": "1"}})");
  EXPECT_FALSE(m.result.mention);
  EXPECT_TRUE(m.result.reblog);
  EXPECT_TRUE(m.warnings.empty());
}

TEST(MastodonStatusMention, ProblemsAreNamedWithTheStreamAndPath) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"account": {"id": "1"}})", "#acmeair: statuses[2].id: missing"},
      {R"({"id": 5, "account": {"id": "1"}})", "#acmeair: statuses[2].id: expected a string, got a number"},
      {R"({"id": "5 6", "account": {"id": "1"}})", "#acmeair: statuses[2].id: expected an id of letters and digits"},
      {R"({"id": "5"})", "#acmeair: statuses[2].account: missing"},
      {R"({"id": "5", "account": []})", "#acmeair: statuses[2].account: expected an object, got an array"},
      {R"({"id": "5", "account": {}})", "#acmeair: statuses[2].account.id: missing"},
      {R"({"id": "5", "account": {"id": "1"}, "content": 3})",
       "#acmeair: statuses[2].content: expected a string, got a number"},
  };
  for (const auto& [json, expected] : cases) {
    const Mapped m = map(json);
    EXPECT_FALSE(m.result.mention) << json;
    EXPECT_FALSE(m.result.reblog) << json;
    ASSERT_EQ(m.warnings.size(), 1u) << json;
    EXPECT_EQ(m.warnings[0].rfind(expected, 0), 0u) << m.warnings[0];
  }
}

TEST(MastodonStatusMention, AnUnreadableTimeIsKeptWithAWarning) {
  const Mapped m = map(R"({"id": "5", "account": {"id": "1", "acct": "kim@mas.example"}, "created_at": "soon"})");
  ASSERT_TRUE(m.result.mention);
  EXPECT_EQ(m.result.mention->posted_at, 0);
  EXPECT_EQ(m.result.mention->author.handle, "kim@mas.example");  // already qualified
  EXPECT_EQ(m.result.mention->conversation_id, "5");              // starts its own thread
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_EQ(m.warnings[0],
            "#acmeair: statuses[2].created_at: expected an ISO 8601 time, got \"soon\" (kept without a posted_at)");
}

}  // namespace
}  // namespace carewatch::mastodon
