// The exec connector against real child processes: small /bin/sh plugins written per test that
// keep or break the protocol of connectors/exec/PROTOCOL.md (stdin request, JSON lines, exit
// codes), so what carewatch does with garbage, crashes, hangs and runaway output is checked on
// real processes, signals and pipes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "connectors/registry.h"
#include "tests/support/temp_dir.h"

namespace carewatch {
namespace {

using testing::TempDir;

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class ExecConnectorTest : public ::testing::Test {
 protected:
  // Writes an executable /bin/sh script named `name` into the test's directory.
  std::string script(const std::string& body, const std::string& name = "plugin.sh") {
    const std::string path = dir_.write(name, "#!/bin/sh\n" + body);
    ::chmod(path.c_str(), 0755);
    return name;
  }

  std::unique_ptr<Connector> build(const std::string& options_json, std::string& error) {
    return find_connector_type("exec")->create({"forum", "exec", options_json, dir_.path("")},
                                               make_cpprest_http_client(), error);
  }

  std::unique_ptr<Connector> make(const std::string& body, const std::string& extra = "") {
    std::string error;
    auto c = build(R"({"program": ")" + script(body) + R"(", "platform": "forum")" + extra + "}", error);
    EXPECT_TRUE(c) << error;
    return c;
  }

  Batch ok(Connector& c, const std::string& cursor = "") {
    PollResult r = c.poll(cursor);
    EXPECT_TRUE(r.batch) << (r.error ? r.error->message : "");
    return r.batch ? std::move(*r.batch) : Batch{};
  }

  PollError failed(Connector& c, const std::string& cursor = "") {
    PollResult r = c.poll(cursor);
    EXPECT_FALSE(r.batch);
    EXPECT_TRUE(r.error);
    return r.error ? *r.error : PollError{};
  }

  TempDir dir_;
};

TEST_F(ExecConnectorTest, TheProgramReadsTheRequestAndPrintsMentionsAndItsCursor) {
  const std::string request = dir_.path("request.json");
  auto c = make("cat > " + request + R"(
echo '{"id": "1", "text": "where is my bag?", "author": {"handle": "dan"}}'
echo '{"log": "read 1 page"}'
echo '{"id": "2", "text": "thanks!", "platform": "zendesk"}'
echo '{"cursor": {"last_id": 2}}'
)",
                R"(, "settings": {"base_url": "https://community.example.com", "max_pages": 3})");
  const Batch b = ok(*c);
  const std::string sent = slurp(request);
  EXPECT_EQ(sent, R"({"protocol":1,"source":"forum","cursor":null,"settings":{"base_url":"https://community.example.com","max_pages":3}})"
                  "\n");
  ASSERT_EQ(b.mentions.size(), 2u);
  EXPECT_EQ(b.mentions[0].uid, "forum:1");
  EXPECT_EQ(b.mentions[0].source, "forum");
  EXPECT_GT(b.mentions[0].seen_at, 0);
  EXPECT_EQ(b.mentions[0].author.handle, "dan");
  EXPECT_EQ(b.mentions[1].uid, "zendesk:2");
  EXPECT_EQ(b.next_cursor, R"({"last_id":2})");
  EXPECT_TRUE(b.warnings.empty());
  ASSERT_EQ(b.notes.size(), 1u);
  EXPECT_EQ(b.notes[0], "plugin.sh: read 1 page");
  EXPECT_FALSE(b.more);

  // The next poll hands the cursor back as the same JSON value.
  ok(*c, b.next_cursor);
  EXPECT_NE(slurp(request).find(R"("cursor":{"last_id":2})"), std::string::npos);
}

TEST_F(ExecConnectorTest, TheEnvironmentHoldsOnlyWhatTheProgramIsGiven) {
  ::setenv("CAREWATCH_TEST_REDIS_PASSWORD", "not-for-plugins", 1);
  const std::string env = dir_.path("env.txt");
  auto c = make("env > " + env + "\n", R"(, "env": {"FORUM_API_KEY": "k-123"})");
  ok(*c);
  ::unsetenv("CAREWATCH_TEST_REDIS_PASSWORD");
  const std::string seen = slurp(env);
  EXPECT_NE(seen.find("FORUM_API_KEY=k-123\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("CAREWATCH_SOURCE=forum\n"), std::string::npos);
  EXPECT_NE(seen.find("CAREWATCH_PROTOCOL=1\n"), std::string::npos);
  EXPECT_NE(seen.find("PATH="), std::string::npos);
  EXPECT_EQ(seen.find("not-for-plugins"), std::string::npos) << seen;
}

TEST_F(ExecConnectorTest, GarbageLinesAreSkippedWithAWarningAndTheRestIsKept) {
  auto c = make(R"(
echo 'Starting forum plugin...'
echo '{"id": "1", "text": "ok"}'
echo '{"id": "2"}'
echo '{"id": "3", "text": "also ok", "posted_at": "tuesday"}'
echo '["not", "an", "object"]'
echo ''
echo '{"log": "the forum was slow", "level": "warning"}'
printf '{"id": "4", "text": "last line without a newline"}'
)");
  const Batch b = ok(*c);
  ASSERT_EQ(b.mentions.size(), 2u);
  EXPECT_EQ(b.mentions[0].native_id, "1");
  EXPECT_EQ(b.mentions[1].native_id, "4");
  ASSERT_EQ(b.warnings.size(), 5u);
  EXPECT_EQ(b.warnings[0], "plugin.sh: line 1: not JSON (offset 0: Invalid value.)");
  EXPECT_EQ(b.warnings[1], "plugin.sh: line 3: text: missing (a mention needs id and text)");
  EXPECT_EQ(b.warnings[2].rfind("plugin.sh: line 4: posted_at: expected an ISO 8601 time", 0), 0u) << b.warnings[2];
  EXPECT_EQ(b.warnings[3], "plugin.sh: line 5: expected a JSON object, got an array");
  EXPECT_EQ(b.warnings[4], "plugin.sh: warning: the forum was slow");
  EXPECT_TRUE(b.next_cursor.empty());
}

TEST_F(ExecConnectorTest, ALineOverTheLimitIsSkipped) {
  auto c = make(R"(
head -c 5000 /dev/zero | tr '\0' 'x'; echo
echo '{"id": "1", "text": "after the long line"}'
)",
                R"(, "max_line_bytes": 1024)");
  const Batch b = ok(*c);
  ASSERT_EQ(b.mentions.size(), 1u);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_EQ(b.warnings[0], "plugin.sh: line 1: longer than options.max_line_bytes (1024), skipped");
}

TEST_F(ExecConnectorTest, MoreAndRetryAfterReachTheScheduler) {
  auto c = make(R"(echo '{"cursor": "page-2", "more": true}'
echo '{"retry_after": 2.5}'
)");
  const Batch b = ok(*c);
  EXPECT_TRUE(b.more);
  EXPECT_EQ(b.next_cursor, R"("page-2")");
  ASSERT_TRUE(b.retry_after);
  EXPECT_EQ(b.retry_after->count(), 2500);
}

TEST_F(ExecConnectorTest, ACrashDropsThePollAndKeepsTheCursor) {
  auto c = make(R"(
echo '{"id": "1", "text": "printed before the crash"}'
echo '{"cursor": {"last_id": 1}}'
echo 'Traceback (most recent call last):' >&2
echo 'KeyError: latest_posts' >&2
exit 1
)");
  const PollError e = failed(*c, R"({"last_id":0})");
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_EQ(e.message,
            "plugin.sh: exited 1; the poll is retried and the cursor did not move; stderr: Traceback (most recent "
            "call last): | KeyError: latest_posts");
}

TEST_F(ExecConnectorTest, ASignalIsACrash) {
  auto c = make("echo '{\"id\": \"1\", \"text\": \"x\"}'\nkill -SEGV $$\n");
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("killed by signal 11"), std::string::npos) << e.message;
}

TEST_F(ExecConnectorTest, ExitCodesSayRetryLaterOrFixTheConfiguration) {
  auto later = make("echo '{\"retry_after\": 60}'\necho '{\"log\": \"429 from the forum\", \"level\": \"error\"}'\nexit 75\n");
  PollError e = failed(*later);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_EQ(e.message, "plugin.sh: exited 75 (try again later); it logged: 429 from the forum");
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(e.retry_after->count(), 60000);

  auto config = make("echo '{\"log\": \"settings.base_url: missing\", \"level\": \"error\"}'\nexit 78\n");
  e = failed(*config);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_EQ(e.message,
            "plugin.sh: exited 78 (its configuration is wrong: options.settings or options.env); it logged: "
            "settings.base_url: missing");
}

TEST_F(ExecConnectorTest, AHangIsEndedAtTheTimeout) {
  auto c = make("echo '{\"id\": \"1\", \"text\": \"x\"}'\nsleep 30\n", R"(, "timeout": "300ms", "kill_grace": "100ms")");
  const auto start = std::chrono::steady_clock::now();
  const PollError e = failed(*c);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_EQ(e.message, "plugin.sh: ran past options.timeout (300ms) and was ended; the poll is retried and the cursor "
                       "did not move");
}

TEST_F(ExecConnectorTest, AProgramThatIgnoresSigtermIsKilled) {
  const std::string pid_file = dir_.path("pid");
  auto c = make("trap '' TERM\necho $$ > " + pid_file + "\nwhile :; do sleep 1; done\n",
                R"(, "timeout": "300ms", "kill_grace": "200ms")");
  const PollError e = failed(*c);
  EXPECT_NE(e.message.find("ran past options.timeout"), std::string::npos);
  const pid_t pid = std::atoi(slurp(pid_file).c_str());
  ASSERT_GT(pid, 0);
  EXPECT_NE(::kill(pid, 0), 0) << "the plugin still runs";
}

TEST_F(ExecConnectorTest, WhatTheProgramStartedDiesWithIt) {
  const std::string pid_file = dir_.path("pid");
  auto c = make("sleep 60 > /dev/null 2>&1 &\necho $! > " + pid_file + "\necho '{\"cursor\": 1}'\n");
  const Batch b = ok(*c);
  EXPECT_EQ(b.next_cursor, "1");
  const pid_t pid = std::atoi(slurp(pid_file).c_str());
  ASSERT_GT(pid, 0);
  // Killed and, once its parent shell is gone, reaped by init: give it a moment.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = ::kill(pid, 0) != 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone) << "the background sleep survived the poll";
}

TEST_F(ExecConnectorTest, RunawayOutputFailsThePoll) {
  auto c = make("i=0\nwhile :; do i=$((i+1)); echo \"{\\\"id\\\": \\\"$i\\\", \\\"text\\\": \\\"spam\\\"}\"; done\n",
                R"(, "max_mentions": 3)");
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_EQ(e.message.rfind("plugin.sh: printed more than options.max_mentions (3) mentions in one poll", 0), 0u)
      << e.message;
}

TEST_F(ExecConnectorTest, AProgramThatReadsNoStdinIsFine) {
  // A large request the program never reads: writing it must neither block nor raise SIGPIPE.
  const std::string big(200000, 'a');
  auto c = make("echo '{\"id\": \"1\", \"text\": \"x\"}'\n", R"(, "settings": {"blob": ")" + big + R"("})");
  EXPECT_EQ(ok(*c).mentions.size(), 1u);
}

TEST_F(ExecConnectorTest, AStoredCursorThatIsNotJsonIsABadCursor) {
  auto c = make("echo '{\"cursor\": 1}'\n");
  const PollError e = failed(*c, "{last_id: 3");
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_TRUE(e.bad_cursor);
}

TEST_F(ExecConnectorTest, AMissingInterpreterSetsTheSourceDown) {
  const std::string name = dir_.write("plugin.py", "#!/usr/bin/no-such-python3\nprint('hi')\n");
  ::chmod(name.c_str(), 0755);
  std::string error;
  auto c = build(R"({"program": "plugin.py", "platform": "forum"})", error);
  ASSERT_TRUE(c) << error;
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_EQ(e.message, "plugin.py: cannot start " + name +
                           ": No such file or directory (options.program; a script needs a #! line naming an "
                           "installed interpreter)");
}

TEST_F(ExecConnectorTest, OptionsAreCheckedWhenTheSourceIsBuilt) {
  std::string error;
  EXPECT_FALSE(build(R"({"program": "missing.sh"})", error));
  EXPECT_EQ(error, "options.program: cannot run \"missing.sh\": No such file or directory");
  dir_.write("plain.sh", "#!/bin/sh\n");
  EXPECT_FALSE(build(R"({"program": "plain.sh"})", error));
  EXPECT_EQ(error, "options.program: \"plain.sh\" is not executable (chmod +x it)");
  script("exit 0\n");
  EXPECT_FALSE(build(R"({"program": "plugin.sh", "env": {"API-KEY": "x"}})", error));
  EXPECT_EQ(error, "options.env: \"API-KEY\" is not a variable name (letters, digits and _)");
  EXPECT_FALSE(build(R"({"program": "plugin.sh", "env": {"CAREWATCH_SOURCE": "x"}})", error));
  EXPECT_EQ(error, "options.env.CAREWATCH_SOURCE: CAREWATCH_* variables are set by carewatch itself");
  EXPECT_FALSE(build(R"({"program": "plugin.sh", "env": {"KEY": 5}})", error));
  EXPECT_EQ(error, "options.env.KEY: expected a string, got 5");
  EXPECT_FALSE(build(R"({"program": "plugin.sh", "timeout": "forever"})", error));
  EXPECT_EQ(error.rfind("options.timeout: expected a duration from 100ms to 1h", 0), 0u) << error;
}

}  // namespace
}  // namespace carewatch
