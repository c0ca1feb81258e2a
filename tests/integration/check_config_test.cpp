// `carewatch check-config F` refuses every configuration that `carewatch run --config F` refuses,
// with the same first error line and exit code 2: a table of broken configurations, each given to
// both commands of the built binary. Nothing here reaches the network: connectors are built, never
// polled, and the one listen address that must not resolve fails without a DNS query (an IPv6
// zone naming no interface).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/daemon_process.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;

const std::string kBinary = CAREWATCH_BINARY;
using testing::kSlow;

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

class CheckConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("carewatch-check-config-test");
    write("mentions.jsonl", "");
  }
  void TearDown() override { testing::remove_tree(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  // A valid configuration with `members` added at the top and `sources` as its sources. Redis is a
  // port nobody listens on: a configuration run wrongly accepts keeps running (and fails the
  // test by timing out) instead of starting a redis-server.
  std::string config(const std::string& members, const std::string& sources) {
    return "{\n" + members + (members.empty() ? "" : ",\n") +
           R"(  "state_dir": "state",
  "redis": {"url": "redis://127.0.0.1:1"},
  "sources": [{"name": "file", "type": "replay", "options": {"path": "mentions.jsonl"}})" +
           (sources.empty() ? "" : ",\n    " + sources) + "]\n}\n";
  }

  std::string dir_;
};

struct Broken {
  std::string name;
  std::string members;                  // top-level members added to the valid base
  std::string sources;                  // sources added after the valid one (sources[1], ...)
  std::string expected_start;           // how the first error line starts, after "FILE: "
  std::string raw_text;                 // when set, the whole file instead of the base
};

TEST_F(CheckConfigTest, EveryConfigurationRunRefusesCheckConfigRefusesWithTheSameLine) {
  const std::vector<Broken> table = {
      {"mastodon notifications without a token", "",
       R"({"name": "m", "type": "mastodon", "options": {"instance": "https://mastodon.example", "notifications": true}})",
       "sources[1]: options.notifications: ", ""},
      {"mastodon search without a token", "",
       R"({"name": "m", "type": "mastodon", "options": {"instance": "https://mastodon.example", "search": ["acme"]}})",
       "sources[1]: options.search: ", ""},
      {"replay file that does not exist", "",
       R"({"name": "gone", "type": "replay", "options": {"path": "missing.jsonl"}})",
       "sources[1]: options.path: cannot open ", ""},
      {"listen address that does not resolve", R"(  "api": {"listen": "[fe80::1%nosuchif0]:8640"})", "",
       R"(api.listen: expected a host name that resolves, or an IP address, got "[fe80::1%nosuchif0]:8640")", ""},
      {"listen address that is not host:port", R"(  "api": {"listen": "localhost"})", "",
       R"(api.listen: expected "host:port")", ""},
      {"rules file that does not exist", R"(  "rules": "no-such-rules.json")", "", "rules: ", ""},
      {"rules file with a broken regex", R"(  "rules": "broken-rules.json")", "", "rules: ", ""},
      {"bad interval", "", R"({"name": "slow", "type": "replay", "interval": "fast", "options": {"path": "mentions.jsonl"}})",
       R"(sources[1].interval: expected a duration like "30s", got "fast")", ""},
      {"unknown key", R"(  "colour": "blue")", "", R"(top level: unknown key "colour")", ""},
      {"bad connector option", "",
       R"({"name": "m", "type": "mastodon", "options": {"instance": "https://mastodon.example", "hashtags": ["a"], "limit": 0}})",
       "sources[1].options.limit: expected an integer >= 1, got 0", ""},
      {"unknown connector type", "", R"({"name": "t", "type": "twitter"})",
       "sources[1].type: expected a connector type, one of ", ""},
      {"unset environment variable", R"(  "api": {"listen": "${CAREWATCH_TEST_UNSET_LISTEN}"})", "",
       "api.listen: environment variable CAREWATCH_TEST_UNSET_LISTEN is not set", ""},
      {"syntax error", "", "", "line 1, column 2: expected JSON", "{,}"},
  };
  write("broken-rules.json", R"({"rules": [{"name": "r", "when": {"regex": "("}, "then": {}}]})");
  for (const auto& b : table) {
    SCOPED_TRACE(b.name);
    const std::string path = write("broken.json", b.raw_text.empty() ? config(b.members, b.sources) : b.raw_text);
    DaemonProcess check(kBinary, {"check-config", path}, dir_);
    ASSERT_EQ(check.wait(30s * kSlow), 2) << check.stdout_text() << check.stderr_text();
    DaemonProcess run(kBinary, {"run", "--config", path}, dir_);
    ASSERT_EQ(run.wait(30s * kSlow), 2) << run.stdout_text() << run.stderr_text();

    const std::string line = first_line(check.stderr_text());
    EXPECT_EQ(line.rfind(path + ": " + b.expected_start, 0), 0u) << line;
    EXPECT_EQ(first_line(run.stderr_text()), line);
    EXPECT_EQ(check.stdout_text(), "");
  }
}

TEST_F(CheckConfigTest, AMissingFileIsRefusedByBoth) {
  const std::string path = dir_ + "/missing.json";
  DaemonProcess check(kBinary, {"check-config", path}, dir_);
  ASSERT_EQ(check.wait(30s * kSlow), 2);
  DaemonProcess run(kBinary, {"run", "--config", path}, dir_);
  ASSERT_EQ(run.wait(30s * kSlow), 2);
  EXPECT_EQ(check.stderr_text(), path + ": cannot read " + path + ": No such file or directory\n");
  EXPECT_EQ(run.stderr_text(), check.stderr_text());
}

// The base of the table is valid, and a host name in api.listen is resolved by both: check-config
// accepts it and run listens on the address it names.
TEST_F(CheckConfigTest, HostNameInListenIsResolvedByBoth) {
  testing::TestRedis redis;
  const int port = testing::free_port();
  std::ostringstream c;
  c << R"({"api": {"listen": "localhost:)" << port << R"("},
           "redis": {"url": "redis://127.0.0.1:)" << redis.server().port() << R"("},
           "sources": [{"name": "file", "type": "replay", "options": {"path": "mentions.jsonl"}}]})";
  const std::string path = write("good.json", c.str());
  DaemonProcess check(kBinary, {"check-config", path}, dir_);
  ASSERT_EQ(check.wait(30s * kSlow), 0) << check.stderr_text();
  EXPECT_EQ(first_line(check.stdout_text()).rfind(path + ": ok (1 source, ", 0), 0u) << check.stdout_text();

  DaemonProcess run(kBinary, {"run", "--config", path, "--exit-when-done"}, dir_);
  ASSERT_EQ(run.wait(60s * kSlow), 0) << run.stderr_text();
  EXPECT_NE(run.stdout_text().find("API listening on http://127.0.0.1:" + std::to_string(port)), std::string::npos)
      << run.stdout_text();
}

}  // namespace
}  // namespace carewatch
