// Replies to App Store reviews through a fake App Store Connect API (POST
// /v1/customerReviewResponses with the JSON:API body {"data": {"type": "customerReviewResponses",
// "attributes": {"responseBody"}, "relationships": {"review": {"data": {"type":
// "customerReviews", "id"}}}}}, 201 with the resource; GET /v1/customerReviews/{id}/response;
// errors as {"errors": [{"status", "code", "title", "detail"}]}), authenticated by an ES256 JWT
// the fake verifies with the test key's public half: the rules, the post, the crash case.
#include "tests/unit/connectors/appstore_test_fixture.h"

#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>

#include "mention/common/time.h"

namespace carewatch::appstore_test {
namespace {

using testing::FakeResponse;

class AppStoreReplyTest : public AppStoreTest {
 protected:
  // Polls one review in and returns its mention.
  Mention review_mention(Connector& c) {
    add_reviews(1, 9900000001);
    const Batch b = ok(c, "");
    EXPECT_EQ(b.mentions.size(), 1u);
    return b.mentions.empty() ? Mention{} : b.mentions[0];
  }
};

TEST_F(AppStoreReplyTest, RulesAreCheckedWithoutTheNetwork) {
  auto c = make_replying();
  const Mention m = review_mention(*c);
  store_.server().clear_requests();
  const ReplyRules rules = c->reply_rules();
  EXPECT_TRUE(rules.can_reply);
  EXPECT_EQ(rules.max_length, 5970u);
  EXPECT_TRUE(rules.can_reconcile);
  EXPECT_EQ(rules.idempotency_window.count(), 0);
  EXPECT_FALSE(c->check_reply(m, "Sorry about the gate trouble, we have fixed the boarding pass bug."));
  auto p = c->check_reply(m, " \n\t ");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "empty");
  std::string long_text;
  for (int i = 0; i < 5970; ++i) long_text += "\xC3\xA9";  // 5970 characters, 11940 bytes
  EXPECT_FALSE(c->check_reply(m, long_text));
  p = c->check_reply(m, long_text + "!");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "max_length");
  EXPECT_NE(p->message.find("5971"), std::string::npos) << p->message;
  Mention other = m;
  other.platform = "mastodon";
  p = c->check_reply(other, "hi");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "cannot_reply");
  EXPECT_TRUE(store_.server().requests().empty());
}

TEST_F(AppStoreReplyTest, WithoutCredentialsItCannotReply) {
  auto c = make_feed();
  const Mention m = review_mention(*c);
  EXPECT_FALSE(c->reply_rules().can_reply);
  auto p = c->check_reply(m, "hello");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rule, "cannot_reply");
  EXPECT_NE(p->message.find("options.issuer_id"), std::string::npos);
  EXPECT_EQ(c->reply(m, "hello", "r1").kind, ReplyOutcome::Kind::cannot_reply);
}

TEST_F(AppStoreReplyTest, AReplyIsPostedWithASignedTokenTheServerVerifies) {
  auto c = make_replying();
  const Mention m = review_mention(*c);
  const ReplyOutcome o = c->reply(m, "Sorry! Your \"boarding pass\" issue is fixed in 4.2.1.", "r0001");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  const auto responses = store_.responses();
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].review_id, "9900000001");  // the feed's id is the customerReviews id
  EXPECT_EQ(responses[0].body, "Sorry! Your \"boarding pass\" issue is fixed in 4.2.1.");
  EXPECT_EQ(o.post.id, responses[0].id);
  EXPECT_EQ(o.post.url, m.url);
  EXPECT_GT(o.post.posted_at, 0);
  // The token: ES256 with the key id, the issuer, Apple's audience, at most 20 minutes.
  rapidjson::Document h, claims;
  h.Parse(store_.last_token_header().c_str());
  claims.Parse(store_.last_token_claims().c_str());
  ASSERT_TRUE(h.IsObject() && claims.IsObject());
  EXPECT_STREQ(h["alg"].GetString(), "ES256");
  EXPECT_STREQ(h["kid"].GetString(), kKeyId.c_str());
  EXPECT_STREQ(h["typ"].GetString(), "JWT");
  EXPECT_STREQ(claims["iss"].GetString(), kIssuer.c_str());
  EXPECT_STREQ(claims["aud"].GetString(), "appstoreconnect-v1");
  EXPECT_LE(claims["exp"].GetInt64() - claims["iat"].GetInt64(), 20 * 60);
  EXPECT_NEAR(static_cast<double>(claims["iat"].GetInt64()), static_cast<double>(now_ms() / 1000), 60);
}

TEST_F(AppStoreReplyTest, ATokenSignedWithAnotherKeyIsRefusedForGood) {
  auto c = make_replying();
  const Mention m = review_mention(*c);
  store_.set_connect_key(testing::make_test_ec_key().public_pem, kIssuer, kKeyId);  // not the configured key
  const ReplyOutcome o = c->reply(m, "Sorry about that.", "r0002");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("401"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("options.key_id"), std::string::npos) << o.error;
  EXPECT_EQ(o.error.find("BEGIN"), std::string::npos);
  EXPECT_TRUE(store_.responses().empty());
}

TEST_F(AppStoreReplyTest, AKeyThatIsNotAKeyIsNamedNeverQuoted) {
  auto c = make_feed(R"(, "connect_base_url": ")" + store_.base_url() +
                     R"(", "issuer_id": "i", "key_id": "k", "private_key": "s3cret-not-a-pem")");
  add_reviews(1, 9900000001);
  const Mention m = ok(*c, "").mentions.at(0);
  const ReplyOutcome o = c->reply(m, "Sorry.", "r0003");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("options.private_key"), std::string::npos) << o.error;
  EXPECT_EQ(o.error.find("s3cret"), std::string::npos) << o.error;
  EXPECT_EQ(store_.post_count(), 0u);

  // Nor is an RSA key an App Store Connect key.
  const std::string wrong_kind = R"(-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n)";
  auto d = make_feed(R"(, "connect_base_url": ")" + store_.base_url() +
                     R"(", "issuer_id": "i", "key_id": "k", "private_key": ")" + wrong_kind + "\"");
  EXPECT_EQ(d->reply(m, "Sorry.", "r0004").kind, ReplyOutcome::Kind::permanent);
}

TEST_F(AppStoreReplyTest, TheKeyCanBeAFile) {
  const std::string path = ::testing::TempDir() + "AuthKey_" + kKeyId + ".p8";
  std::ofstream(path) << test_key().private_pem;
  store_.set_connect_key(test_key().public_pem, kIssuer, kKeyId);
  auto c = make_feed(R"(, "connect_base_url": ")" + store_.base_url() + R"(", "issuer_id": ")" + kIssuer +
                     R"(", "key_id": ")" + kKeyId + R"(", "private_key_path": ")" + path + "\"");
  const Mention m = review_mention(*c);
  EXPECT_EQ(c->reply(m, "Thanks for flying with us.", "r0010").kind, ReplyOutcome::Kind::sent);
  std::remove(path.c_str());
  auto missing = make_feed(R"(, "connect_base_url": ")" + store_.base_url() +
                           R"(", "issuer_id": "i", "key_id": "k", "private_key_path": "/nonexistent/AuthKey.p8")");
  const ReplyOutcome o = missing->reply(m, "Thanks.", "r0011");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("options.private_key_path"), std::string::npos) << o.error;
}

TEST_F(AppStoreReplyTest, AReviewAppStoreConnectDoesNotKnowFailsForGood) {
  auto c = make_replying();
  Mention m = review_mention(*c);
  m.conversation_id = "9999999999";
  m.native_id = "9999999999@1700000000";
  const ReplyOutcome o = c->reply(m, "Sorry.", "r0005");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::permanent);
  EXPECT_NE(o.error.find("404"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("9999999999"), std::string::npos) << o.error;
}

TEST_F(AppStoreReplyTest, TooManyRequestsIsRetriedAndSurelyPostedNothing) {
  auto c = make_replying();
  const Mention m = review_mention(*c);
  store_.fail_next(testing::FakeAppStoreRoute::post_response, 1,
                   FakeResponse{429, {{"Retry-After", "60"}}, R"({"errors": [{"status": "429", "code": "RATE_LIMIT_EXCEEDED"}]})"});
  const ReplyOutcome o = c->reply(m, "Sorry.", "r0006");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_FALSE(o.may_have_posted);
  ASSERT_TRUE(o.retry_after);
  EXPECT_EQ(o.retry_after->count(), 60000);
}

// Token expiry: a token App Store Connect no longer takes (401 NOT_AUTHORIZED, as an expired one
// is answered) is replaced by a newly signed one, once, and the reply goes out.
TEST_F(AppStoreReplyTest, ATokenAppleNoLongerTakesIsSignedAgainOnce) {
  auto c = make_replying();
  const Mention m = review_mention(*c);
  store_.fail_next(testing::FakeAppStoreRoute::post_response, 1,
                   testing::FakeAppStore::connect_error(401, "NOT_AUTHORIZED",
                                                        "Authentication credentials are missing or invalid."));
  const ReplyOutcome o = c->reply(m, "Sorry about the crash.", "r0009");
  ASSERT_EQ(o.kind, ReplyOutcome::Kind::sent) << o.error;
  std::vector<std::string> tokens;
  for (const auto& r : store_.server().requests())
    if (r.method == "POST") tokens.push_back(r.headers.at("authorization"));
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_NE(tokens[0], tokens[1]) << "the second attempt must carry a new token";
  EXPECT_EQ(store_.responses().size(), 1u);

  // Refused again with the new token: the key is wrong, for good, without a third attempt.
  store_.fail_next(testing::FakeAppStoreRoute::post_response, 2,
                   testing::FakeAppStore::connect_error(401, "NOT_AUTHORIZED",
                                                        "Authentication credentials are missing or invalid."));
  const ReplyOutcome refused = c->reply(m, "Sorry again.", "r0010");
  EXPECT_EQ(refused.kind, ReplyOutcome::Kind::permanent) << refused.error;
  size_t posts = 0;
  for (const auto& r : store_.server().requests()) posts += r.method == "POST";
  EXPECT_EQ(posts, 4u);
}

// The crash case: the response was made but its answer was lost (a 504 after Apple wrote it).
// App Store Connect has no idempotency key; find_reply finds the response by its text, so the
// worker records it as sent instead of posting (and replacing) it again.
TEST_F(AppStoreReplyTest, ALostAnswerIsSettledByFindingTheResponse) {
  auto c = make_replying();
  const Mention m = review_mention(*c);
  const std::string text = "Thanks for telling us; the seat map is fixed in 4.2.1.";
  ReplySearch s = c->find_reply(m, text, "r0007");
  EXPECT_EQ(s.kind, ReplySearch::Kind::not_found) << s.error;  // {"data": null}

  store_.fail_next_posts(1, FakeResponse{504, {}, "upstream timed out"}, /*posted=*/true);
  const ReplyOutcome o = c->reply(m, text, "r0007");
  EXPECT_EQ(o.kind, ReplyOutcome::Kind::retry);
  EXPECT_TRUE(o.may_have_posted);
  ASSERT_EQ(store_.post_count(), 1u);

  s = c->find_reply(m, "Thanks for telling us;  the seat map is fixed in 4.2.1.\n", "r0007");
  ASSERT_EQ(s.kind, ReplySearch::Kind::found) << s.error;
  EXPECT_EQ(s.post.id, store_.responses().at(0).id);
  EXPECT_GT(s.post.posted_at, 0);
  EXPECT_EQ(store_.post_count(), 1u);  // looking posted nothing

  // A response with another text (written in App Store Connect) is not this reply.
  store_.set_response("9900000001", "Please contact support.");
  EXPECT_EQ(c->find_reply(m, text, "r0007").kind, ReplySearch::Kind::not_found);

  // Could not look: asked again later.
  store_.fail_next(testing::FakeAppStoreRoute::get_response, 1, FakeResponse{503, {}, ""});
  EXPECT_EQ(c->find_reply(m, text, "r0007").kind, ReplySearch::Kind::unknown);
}

}  // namespace
}  // namespace carewatch::appstore_test
