// The example plugin connectors/exec/examples/discourse_forum.py, run by the exec connector as the
// daemon would run it, against a fake Discourse forum on loopback that serves GET /posts.json in
// Discourse's shape ({"latest_posts": [...]}, newest first, ?before=<id> for the older page;
// fields as a Discourse 3.x forum answers them).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/registry.h"
#include "tests/support/fake_discourse.h"

namespace carewatch {
namespace {

using testing::FakeForum;

class ExecExamplePluginTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connector> make() {
    std::string error;
    auto c = find_connector_type("exec")->create(
        {"community", "exec",
         R"({"program": "discourse_forum.py", "platform": "discourse", "timeout": "30s", "settings": {"base_url": ")" +
             server_.base_url() + R"(", "max_pages": 5}})",
         std::string(CAREWATCH_SOURCE_DIR) + "/connectors/exec/examples"},
        make_cpprest_http_client(), error);
    EXPECT_TRUE(c) << error;
    return c;
  }

  static std::vector<std::string> ids(const Batch& b) {
    std::vector<std::string> out;
    for (const auto& m : b.mentions) out.push_back(m.native_id);
    return out;
  }

  testing::FakeHttpServer server_;
  FakeForum forum_{server_};
};

TEST_F(ExecExamplePluginTest, FirstPollTakesTheNewestPageThenReadsBackToTheCursor) {
  for (int id = 100; id <= 107; ++id) forum_.add(id, "<p>Post " + std::to_string(id) + "</p>");
  auto c = make();
  PollResult r = c->poll("");
  ASSERT_TRUE(r.batch) << r.error->message;
  EXPECT_EQ(ids(*r.batch), (std::vector<std::string>{"105", "106", "107"}));  // newest page only, oldest first
  EXPECT_EQ(r.batch->next_cursor, R"({"last_id":107})");
  const Mention& m = r.batch->mentions.back();
  EXPECT_EQ(m.uid, "discourse:107");
  EXPECT_EQ(m.text, "Post 107");
  EXPECT_EQ(m.author.handle, "dan107");
  EXPECT_EQ(m.author.display_name, "Dan Example");
  EXPECT_EQ(m.url, server_.base_url() + "/t/checked-bag-never-arrived/55/8");
  EXPECT_EQ(m.conversation_id, "55");
  EXPECT_EQ(m.source, "community");
  EXPECT_GT(m.posted_at, 0);

  // Seven new posts, one of them a moderator action: three pages back to the cursor, each new
  // post once, none of the old ones again.
  forum_.add(108, "<p>My bag &amp; my <b>refund</b></p><p>still waiting</p>");
  forum_.add(109, "<p>closed this topic</p>", 3);
  for (int id = 110; id <= 114; ++id) forum_.add(id, "<p>Post " + std::to_string(id) + "</p>");
  server_.clear_requests();
  r = c->poll(r.batch->next_cursor);
  ASSERT_TRUE(r.batch) << r.error->message;
  EXPECT_EQ(ids(*r.batch), (std::vector<std::string>{"108", "110", "111", "112", "113", "114"}));
  EXPECT_EQ(r.batch->mentions[0].text, "My bag & my refund\nstill waiting");
  EXPECT_EQ(r.batch->next_cursor, R"({"last_id":114})");
  EXPECT_EQ(server_.requests().size(), 3u);

  // Nothing new: nothing again, the cursor stays.
  r = c->poll(r.batch->next_cursor);
  ASSERT_TRUE(r.batch);
  EXPECT_TRUE(r.batch->mentions.empty());
  EXPECT_EQ(r.batch->next_cursor, R"({"last_id":114})");
}

TEST_F(ExecExamplePluginTest, RateLimitedAndBrokenAnswersAreRetriedWithoutMovingTheCursor) {
  forum_.add(100, "<p>hello</p>");
  auto c = make();
  forum_.fail_next({429, {{"Retry-After", "30"}}, R"({"errors":["You've performed this action too many times."]})"});
  PollResult r = c->poll(R"({"last_id":99})");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::retry);
  ASSERT_TRUE(r.error->retry_after);
  EXPECT_EQ(r.error->retry_after->count(), 30000);

  forum_.fail_next({502, {{"Content-Type", "text/html"}}, "<html><body>Bad Gateway</body></html>"});
  r = c->poll(R"({"last_id":99})");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::retry);
  EXPECT_NE(r.error->message.find("502"), std::string::npos) << r.error->message;

  forum_.fail_next({200, {}, R"({"latest_posts":[{"id":100,"cooked":"<p>trunc)"});
  r = c->poll(R"({"last_id":99})");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::retry);

  r = c->poll(R"({"last_id":99})");
  ASSERT_TRUE(r.batch) << r.error->message;
  EXPECT_EQ(ids(*r.batch), (std::vector<std::string>{"100"}));
}

TEST_F(ExecExamplePluginTest, AForbiddenForumSetsTheSourceDown) {
  auto c = make();
  forum_.fail_next({403, {}, R"({"errors":["You are not permitted to view the requested resource."],"error_type":"invalid_access"})"});
  const PollResult r = c->poll("");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::fatal);
  EXPECT_NE(r.error->message.find("403"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find("DISCOURSE_API_KEY"), std::string::npos) << r.error->message;
}

}  // namespace
}  // namespace carewatch
