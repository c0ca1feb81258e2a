// check_reply on Mastodon: every rule with its exact message, the length counted as Mastodon
// counts it (the prefix, links, remote mentions, emoji), and that it never touches the network.
#include "tests/unit/connectors/mastodon_reply_fixture.h"

#include <optional>
#include <string>

namespace carewatch::mastodon_test {
namespace {

using testing::CustomerPost;

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string too_long(size_t length, const std::string& prefix, size_t limit = 500) {
  return "max_length: the reply is " + std::to_string(length) + " characters" +
         (prefix.empty() ? "" : " (with the " + prefix + " prefix)") + ", the limit on this Mastodon instance is " +
         std::to_string(limit) + " (options.max_characters)";
}

class MastodonReplyCheckTest : public MastodonReplyTest {
 protected:
  void SetUp() override {
    dan_ = mention_of(customer_post());
    c_ = connector();
    fake_.server().clear_requests();
  }
  void TearDown() override {
    EXPECT_TRUE(fake_.requests().empty()) << "check_reply asked the instance";
  }
  // The problem's message, "ok" when there is none (checked: its rule starts the message).
  std::string check(const Mention& m, const std::string& text) {
    const auto p = c_->check_reply(m, text);
    if (!p) return "ok";
    expect_no_token(p->message);
    return p->rule + " | " + p->message;
  }

  Mention dan_;
  std::unique_ptr<Connector> c_;
};

TEST_F(MastodonReplyCheckTest, TheHandlePrefixCountsAsAtUser) {
  // "@dan@127.0.0.1 " is 5 characters as Mastodon counts: "@dan ".
  EXPECT_EQ(check(dan_, std::string(495, 'x')), "ok");
  EXPECT_EQ(check(dan_, std::string(496, 'x')), "max_length | " + too_long(501, "@dan@127.0.0.1"));
  // Text that mentions the author has no prefix.
  EXPECT_EQ(check(dan_, "@dan " + std::string(495, 'x')), "ok");
  EXPECT_EQ(check(dan_, "@dan " + std::string(496, 'x')), "max_length | " + too_long(501, ""));
}

// What the console counts down from: the limit less the prefix, exactly the longest text accepted.
TEST_F(MastodonReplyCheckTest, LengthLeftIsTheLimitLessThePrefix) {
  const size_t left = c_->reply_length_left(dan_);
  EXPECT_EQ(left, 495u);
  EXPECT_EQ(check(dan_, std::string(left, 'x')), "ok");
  EXPECT_NE(check(dan_, std::string(left + 1, 'x')), "ok");
}

TEST_F(MastodonReplyCheckTest, ALinkCounts23WhateverItsLength) {
  const std::string link =
      "https://status.acmeair.example/incidents/2026-11-22/lisbon-baggage-delays-and-what-we-do?lang=en";
  ASSERT_GT(link.size(), 90u);
  // 5 (prefix) + 4 ("see ") + 23 (the link) + 1 (".") + 1 (" ") + the rest.
  EXPECT_EQ(check(dan_, "see " + link + ". " + std::string(466, 'x')), "ok");
  EXPECT_EQ(check(dan_, "see " + link + ". " + std::string(467, 'x')), "max_length | " + too_long(501, "@dan@127.0.0.1"));
  // A short link counts 23 too.
  EXPECT_EQ(check(dan_, "http://a.io " + std::string(471, 'x')), "ok");
  EXPECT_EQ(check(dan_, "http://a.io " + std::string(472, 'x')), "max_length | " + too_long(501, "@dan@127.0.0.1"));
}

TEST_F(MastodonReplyCheckTest, ARemoteMentionCountsAsAtUser) {
  const std::string cc = "@bob@very-long-instance-name.example.org ";  // counts as "@bob " (5)
  EXPECT_EQ(check(dan_, cc + std::string(490, 'x')), "ok");
  EXPECT_EQ(check(dan_, cc + std::string(491, 'x')), "max_length | " + too_long(501, "@dan@127.0.0.1"));
}

TEST_F(MastodonReplyCheckTest, AnEmojiCountsOne) {
  EXPECT_EQ(check(dan_, repeat("\xF0\x9F\x98\x80", 495)), "ok");  // U+1F600, 4 bytes
  EXPECT_EQ(check(dan_, repeat("\xF0\x9F\x98\x80", 496)), "max_length | " + too_long(501, "@dan@127.0.0.1"));
  EXPECT_EQ(check(dan_, repeat("\xC3\xA9", 496)), "max_length | " + too_long(501, "@dan@127.0.0.1"));  // é
}

TEST_F(MastodonReplyCheckTest, TheLimitIsTheInstancesOption) {
  c_ = connector(R"(, "max_characters": 20)");
  EXPECT_EQ(check(dan_, std::string(15, 'x')), "ok");
  EXPECT_EQ(check(dan_, std::string(16, 'x')), "max_length | " + too_long(21, "@dan@127.0.0.1", 20));
  c_ = connector(R"(, "max_characters": 1000)");
  EXPECT_EQ(check(dan_, std::string(900, 'x')), "ok");
}

TEST_F(MastodonReplyCheckTest, AnEmptyReplyIsRefused) {
  for (const std::string text : {"", "   ", "\n\t ", "\xE2\x80\x8B", "\xC2\xA0 \xE3\x80\x80"})
    EXPECT_EQ(check(dan_, text), "empty | empty: the reply has no text") << text;
  EXPECT_EQ(check(dan_, "."), "ok");
}

TEST_F(MastodonReplyCheckTest, AReplyToAPrivatePostMayNotMentionAnotherAccount) {
  const Mention direct = mention_of(customer_post("113552000000000641", "kim@mas.example", "direct"));
  const Mention followers = mention_of(customer_post("113552000000000642", "kim@mas.example", "private"));
  const Mention unlisted = mention_of(customer_post("113552000000000643", "kim@mas.example", "unlisted"));
  fake_.server().clear_requests();
  EXPECT_EQ(check(direct, "We have refunded you."), "ok");
  EXPECT_EQ(check(direct, "@kim@mas.example we have refunded you."), "ok");
  EXPECT_EQ(check(direct, "@bob@other.example can confirm."),
            "visibility | visibility: the customer's post is a direct message; mentioning @bob@other.example would "
            "show the conversation to them");
  // "@kim" names kim of this instance, not the author.
  EXPECT_EQ(check(direct, "@kim we have refunded you."),
            "visibility | visibility: the customer's post is a direct message; mentioning @kim would show the "
            "conversation to them");
  EXPECT_EQ(check(followers, "ask @support"),
            "visibility | visibility: the customer's post is followers-only; mentioning @support would show the "
            "conversation to them");
  // A link to a profile or an e-mail address mentions no one.
  EXPECT_EQ(check(direct, "see https://mastodon.example/@support or write to care@acmeair.example"), "ok");
  // Public and unlisted posts are public anyway.
  EXPECT_EQ(check(unlisted, "ask @support"), "ok");
  EXPECT_EQ(check(dan_, "ask @support@mastodon.example"), "ok");
}

TEST_F(MastodonReplyCheckTest, WithoutATokenOrOnAnotherPlatformThereIsNoReply) {
  c_ = connector_without_token();
  EXPECT_EQ(check(dan_, "hi"), "cannot_reply | options.access_token: required to reply on Mastodon");
  c_ = connector();
  Mention other = dan_;
  other.platform = "x";
  other.uid = "x:" + other.native_id;
  EXPECT_EQ(check(other, "hi"), "cannot_reply | mastodon: \"x:113552000000000620\" is not a Mastodon status");
}

}  // namespace
}  // namespace carewatch::mastodon_test
