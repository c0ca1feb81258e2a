// What the Mastodon reply tests share: a fake instance (tests/support/fake_mastodon.h) that
// requires the token, a connector on it built the way the daemon builds it, and the customer's
// mentions fetched through that connector (so a reply answers a mention of the real shape).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "connectors/connector.h"
#include "tests/support/fake_mastodon.h"
#include "tests/unit/connectors/mastodon_test_fixture.h"

namespace carewatch::mastodon_test {

// A customer's status: dan (an account of the fake instance), public, mentioning the brand.
inline testing::CustomerPost customer_post(const std::string& status_id = "113552000000000620",
                                           const std::string& acct = "dan",
                                           const std::string& visibility = "public") {
  testing::CustomerPost p;
  p.notification_id = "48" + status_id.substr(status_id.size() - 3);
  p.status_id = status_id;
  p.acct = acct;
  p.text = "@acmeair my bag did not arrive in Lisbon";
  p.visibility = visibility;
  return p;
}

class MastodonReplyTest : public ::testing::Test {
 protected:
  // A connector on the fake with the token (and `extra` options, e.g. R"(, "max_characters": 20)").
  std::unique_ptr<Connector> connector(const std::string& extra = "") {
    return make(R"({"instance": ")" + fake_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "notifications": true)" + extra + "}");
  }

  // A connector without a token (public hashtag timelines only).
  std::unique_ptr<Connector> connector_without_token() {
    return make(R"({"instance": ")" + fake_.base_url() + R"(", "hashtags": ["acmeair"]})");
  }

  // `post` as the connector delivers it: a notification on the fake, fetched by a poll.
  Mention mention_of(const testing::CustomerPost& post) {
    fake_.add_mention(post);
    auto c = connector();
    const PollResult r = c->poll("");
    EXPECT_TRUE(r.batch) << (r.error ? r.error->message : "");
    if (r.batch)
      for (const auto& m : r.batch->mentions)
        if (m.native_id == post.status_id) return m;
    ADD_FAILURE() << "status " << post.status_id << " was not polled";
    return Mention{};
  }

  // Nothing the connector says contains the token.
  static void expect_no_token(const std::string& text) {
    EXPECT_EQ(text.find(kToken), std::string::npos) << text;
  }

  testing::FakeMastodon fake_{kToken};

 private:
  static std::unique_ptr<Connector> make(const std::string& options) {
    std::string error;
    auto c = build(options, error);
    EXPECT_TRUE(c) << error;
    return c;
  }
};

}  // namespace carewatch::mastodon_test
