// Replying on Mastodon: the status posted, its form, mention and visibility, and the errors.
#include "tests/unit/connectors/mastodon_test_fixture.h"

#include <map>
#include <optional>
#include <string>

#include "connectors/mastodon/mastodon_connector.h"
#include "mention/common/url.h"

namespace carewatch::mastodon_test {
namespace {

using testing::FakeRequest;
using testing::FakeResponse;

std::map<std::string, std::string> parse_form(const std::string& body) {
  std::map<std::string, std::string> form;
  const auto pairs = parse_query(body);
  EXPECT_TRUE(pairs) << body;
  if (pairs)
    for (const auto& [key, value] : *pairs) form[key] = value;
  return form;
}

TEST_F(MastodonTest, ReplyPostsAStatusInReplyToTheMention) {
  server_.on("POST", "/api/v1/statuses", [&](const FakeRequest&) {
    return FakeResponse{200, {}, fixture("status_reply.json")};
  });
  serve_tag({200, {}, fixture("tag_acmeair.json")});
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "hashtags": ["acmeair"]})");
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 3u);
  const Mention& bag = b.mentions[1];
  server_.clear_requests();

  EXPECT_EQ(c->reply(bag, "So sorry about your bag, Dan. We have asked Lisbon to deliver it today."), std::nullopt);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer " + kToken);
  EXPECT_NE(requests[0].headers.at("content-type").find("application/x-www-form-urlencoded"), std::string::npos);
  EXPECT_FALSE(requests[0].headers.at("idempotency-key").empty());
  auto form = parse_form(requests[0].body);
  EXPECT_EQ(form["in_reply_to_id"], "113552000000000402");
  // The author is mentioned so Mastodon notifies them.
  EXPECT_EQ(form["status"], "@dan@127.0.0.1 So sorry about your bag, Dan. We have asked Lisbon to deliver it today.");
  EXPECT_EQ(form.count("visibility"), 0u);  // a public status: the account's default

  // Text that already mentions the author is sent as written.
  server_.clear_requests();
  EXPECT_EQ(c->reply(bag, "@dan your bag is on its way & arrives at 18:00"), std::nullopt);
  form = parse_form(server_.requests().at(0).body);
  EXPECT_EQ(form["status"], "@dan your bag is on its way & arrives at 18:00");

  // "@daniel" is someone else.
  server_.clear_requests();
  EXPECT_EQ(c->reply(bag, "cc @daniel: please check"), std::nullopt);
  form = parse_form(server_.requests().at(0).body);
  EXPECT_EQ(form["status"], "@dan@127.0.0.1 cc @daniel: please check");
}

TEST_F(MastodonTest, ReplyToADirectMessageStaysDirect) {
  server_.on("GET", "/api/v1/notifications", [&](const FakeRequest&) {
    return FakeResponse{200, {}, fixture("notifications_mentions.json")};
  });
  server_.on("POST", "/api/v1/statuses", [&](const FakeRequest&) {
    return FakeResponse{200, {}, fixture("status_reply.json")};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "notifications": true})");
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 2u);
  server_.clear_requests();
  EXPECT_EQ(c->reply(b.mentions[0], "We have refunded Q7XK2P."), std::nullopt);
  const auto form = parse_form(server_.requests().at(0).body);
  EXPECT_EQ(form.at("visibility"), "direct");
  EXPECT_EQ(form.at("status"), "@kim@mas.example We have refunded Q7XK2P.");
  EXPECT_EQ(form.at("in_reply_to_id"), "113552000000000610");
}

TEST_F(MastodonTest, ReplyErrorsNameTheStatusButNotTheToken) {
  server_.on("POST", "/api/v1/statuses", [](const FakeRequest&) {
    return FakeResponse{422, {}, R"({"error": "Validation failed: Text character limit of 500 exceeded"})"};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "hashtags": ["acmeair"]})");
  Mention m;
  m.platform = "mastodon";
  m.native_id = "113552000000000402";
  m.uid = "mastodon:113552000000000402";
  m.author.handle = "dan@127.0.0.1";
  const auto error = c->reply(m, std::string(600, 'x'));
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("422"), std::string::npos) << *error;
  EXPECT_NE(error->find("character limit"), std::string::npos) << *error;
  EXPECT_EQ(error->find(kToken), std::string::npos) << *error;

  Mention other = m;
  other.platform = "x";
  EXPECT_TRUE(c->reply(other, "hi"));

  auto no_token = make_tag();
  const auto needs_token = no_token->reply(m, "hi");
  ASSERT_TRUE(needs_token);
  EXPECT_NE(needs_token->find("options.access_token"), std::string::npos) << *needs_token;
}

}  // namespace
}  // namespace carewatch::mastodon_test
