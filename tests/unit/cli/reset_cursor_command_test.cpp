#include "daemon/cli/reset_cursor_command.h"

#include <gtest/gtest.h>

#include <sstream>

#include "daemon/cli/configured_redis.h"
#include "daemon/config/config.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/temp_dir.h"

namespace carewatch {
namespace {

struct Outcome {
  int code;
  std::string out, err;
};

Outcome reset(const std::string& config, const std::string& source) {
  std::ostringstream out, err;
  const int code = run_reset_cursor(config, source, out, err);
  return {code, out.str(), err.str()};
}

std::string config_text(const std::string& redis_part) {
  return R"({)" + redis_part + R"("sources": [
    {"name": "tag", "type": "replay", "options": {"path": "m.jsonl"}},
    {"name": "other", "type": "replay", "options": {"path": "m.jsonl"}}]})";
}

TEST(ResetCursor, ForgetsOneSourcesCursorInTheConfiguredRedis) {
  testing::TestRedis redis;
  testing::TempDir dir;
  dir.write("m.jsonl", "");
  const std::string config = dir.write(
      "c.json", config_text(R"("redis": {"url": "redis://127.0.0.1:)" + std::to_string(redis.server().port()) + R"("}, )"));
  {
    QueueStore store(redis.endpoint(), QueueStoreOptions{});
    store.set_cursor("tag", "not a byte offset");
    store.set_cursor("other", "42");
  }
  const Outcome first = reset(config, "tag");
  EXPECT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.out, "reset the cursor of source \"tag\" ({cw}:cursor:tag); its next poll starts afresh\n");
  QueueStore store(redis.endpoint(), QueueStoreOptions{});
  EXPECT_EQ(store.get_cursor("tag"), std::nullopt);
  EXPECT_EQ(store.get_cursor("other"), "42");  // only the source named

  const Outcome again = reset(config, "tag");
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(again.out, "source \"tag\" had no stored cursor ({cw}:cursor:tag)\n");
}

TEST(ResetCursor, NamesAnUnknownSourceAndABadConfiguration) {
  testing::TempDir dir;
  dir.write("m.jsonl", "");
  const std::string config = dir.write("c.json", config_text(""));
  const Outcome unknown = reset(config, "tga");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err, config + ": sources: no source named \"tga\" (sources: tag, other)\n");
  EXPECT_EQ(unknown.out, "");

  const std::string broken = dir.write("broken.json", R"({"sources": [{"name": "tag"}]})");
  const Outcome bad = reset(broken, "tag");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find(broken + ": sources[0].type"), std::string::npos) << bad.err;
}

// Without redis.url: the private redis-server under state_dir, started for the moment when no
// daemon runs it, and reused (not started twice) when one does.
TEST(ResetCursor, UsesThePrivateRedisRunningOrNot) {
  testing::TempDir dir;
  dir.write("m.jsonl", "");
  const std::string config = dir.write("c.json", config_text(""));
  std::vector<std::string> errors;
  const auto cfg = load_config(config, errors);
  ASSERT_TRUE(cfg) << errors.front();
  {
    ConfiguredRedis daemons = open_configured_redis(*cfg, false);  // as `carewatch run` would
    ASSERT_TRUE(daemons.started);
    QueueStore(daemons.endpoint, cfg->store).set_cursor("tag", "7");
    const Outcome while_running = reset(config, "tag");
    EXPECT_EQ(while_running.code, 0) << while_running.err;
    EXPECT_NE(while_running.out.find("reset the cursor"), std::string::npos);
    EXPECT_EQ(QueueStore(daemons.endpoint, cfg->store).get_cursor("tag"), std::nullopt);
    QueueStore(daemons.endpoint, cfg->store).set_cursor("other", "9");
    daemons.started->stop();
  }
  const Outcome stopped = reset(config, "other");  // no daemon: starts the private redis, then stops it
  EXPECT_EQ(stopped.code, 0) << stopped.err;
  EXPECT_NE(stopped.out.find("reset the cursor of source \"other\""), std::string::npos) << stopped.out;
}

}  // namespace
}  // namespace carewatch
