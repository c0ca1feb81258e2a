// The exec plugin protocol's lines (connectors/exec/PROTOCOL.md), read one by one: mentions in
// carewatch's mention format, control lines, log lines, and what is refused and why.
#include <gtest/gtest.h>

#include "connectors/exec/plugin_output.h"

namespace carewatch::exec {
namespace {

using Kind = PluginLine::Kind;

TEST(ExecPluginOutput, AMentionTakesTheDefaultPlatformAndDropsThePluginsDecision) {
  const auto l = read_plugin_line(
      R"({"id": "991", "text": "my refund is late", "url": "https://community.example.com/t/x/5/2",)"
      R"( "author": {"handle": "dan", "name": "Dan", "followers": 12}, "posted_at": "2026-12-01T10:00:00Z",)"
      R"( "decision": {"category": "praise", "queue": "vip"}, "rating": 2})",
      "discourse");
  ASSERT_EQ(l.kind, Kind::mention) << l.error;
  EXPECT_EQ(l.mention.platform, "discourse");
  EXPECT_EQ(l.mention.uid, "discourse:991");
  EXPECT_EQ(l.mention.native_id, "991");
  EXPECT_EQ(l.mention.text, "my refund is late");
  EXPECT_EQ(l.mention.author.handle, "dan");
  EXPECT_EQ(l.mention.author.followers, 12);
  EXPECT_EQ(l.mention.rating, 2);
  EXPECT_EQ(l.mention.posted_at, 1796119200000);
  EXPECT_EQ(l.mention.decision.category, Category::unknown);
  EXPECT_TRUE(l.mention.decision.queue.empty());
}

TEST(ExecPluginOutput, AMentionsOwnPlatformWins) {
  const auto l = read_plugin_line(R"({"platform": "zendesk", "id": "7", "text": "hi"})", "discourse");
  ASSERT_EQ(l.kind, Kind::mention) << l.error;
  EXPECT_EQ(l.mention.uid, "zendesk:7");
  const auto u = read_plugin_line(R"({"uid": "forum:8", "text": "hi"})", "");
  ASSERT_EQ(u.kind, Kind::mention) << u.error;
  EXPECT_EQ(u.mention.platform, "forum");
  EXPECT_EQ(u.mention.native_id, "8");
}

TEST(ExecPluginOutput, ControlLinesCarryAnyCursorValue) {
  auto l = read_plugin_line(R"({"cursor": {"last_id": 48213, "etag": "W/\"a\""}, "more": true})", "");
  ASSERT_EQ(l.kind, Kind::control) << l.error;
  EXPECT_TRUE(l.has_cursor);
  EXPECT_EQ(l.cursor_json, R"({"last_id":48213,"etag":"W/\"a\""})");
  EXPECT_TRUE(l.more);
  l = read_plugin_line(R"({"cursor": "abc"})", "");
  EXPECT_EQ(l.cursor_json, R"("abc")");
  l = read_plugin_line(R"({"retry_after": 30})", "");
  ASSERT_EQ(l.kind, Kind::control);
  EXPECT_FALSE(l.has_cursor);
  EXPECT_EQ(l.retry_after_s, 30);
}

TEST(ExecPluginOutput, LogLinesHaveALevel) {
  auto l = read_plugin_line(R"({"log": "fetched 3 pages"})", "");
  ASSERT_EQ(l.kind, Kind::log);
  EXPECT_EQ(l.level, "info");
  EXPECT_EQ(l.log, "fetched 3 pages");
  l = read_plugin_line(R"({"log": "slow", "level": "warn"})", "");
  EXPECT_EQ(l.level, "warning");
  l = read_plugin_line(R"({"log": "x", "level": "debug"})", "");
  EXPECT_EQ(l.kind, Kind::bad);
  EXPECT_EQ(l.error, R"(level: expected "info", "warning" or "error", got "debug")");
}

TEST(ExecPluginOutput, BlankLinesAreIgnored) {
  EXPECT_EQ(read_plugin_line("", "x").kind, Kind::blank);
  EXPECT_EQ(read_plugin_line(" \t\r", "x").kind, Kind::blank);
}

TEST(ExecPluginOutput, WhatIsRefusedNamesTheField) {
  const auto error_of = [](std::string_view line, const std::string& platform = "forum") {
    const auto l = read_plugin_line(line, platform);
    EXPECT_EQ(l.kind, Kind::bad) << line;
    return l.error;
  };
  EXPECT_EQ(error_of("Traceback (most recent call last):"), "not JSON (offset 0: Invalid value.)");
  EXPECT_EQ(error_of(R"({"id": "1", "text": "cut)"),
            "not JSON (offset 24: Missing a closing quotation mark in string.)");
  EXPECT_EQ(error_of("[1, 2]"), "expected a JSON object, got an array");
  EXPECT_EQ(error_of(R"({"id": "1"})"), "text: missing (a mention needs id and text)");
  EXPECT_EQ(error_of(R"({"text": "hello"})"), "id: missing (a mention needs id and text)");
  EXPECT_EQ(error_of(R"({"id": "1", "text": 5})"), "text: expected a string");
  EXPECT_EQ(error_of(R"({"id": true, "text": "x"})"), "id: expected a string");
  EXPECT_EQ(error_of(R"({"id": "1", "text": "x", "posted_at": "yesterday"})"),
            "posted_at: expected an ISO 8601 time like \"2026-11-22T10:00:00Z\" or ms since the epoch");
  EXPECT_EQ(error_of(R"({"id": "1", "text": "x"})", ""),
            "platform: missing (print it with each mention, or set options.platform)");
  EXPECT_EQ(error_of(R"({"cursor": 1, "text": "x"})"),
            "a line is either a mention or a control line ({\"cursor\": ...}), not both");
  EXPECT_EQ(error_of(R"({"more": "yes"})"), "more: expected true or false, got a string");
  EXPECT_EQ(error_of(R"({"cursor": 1, "page": 2})"), "page: not a member of a control line (cursor, more, retry_after)");
  EXPECT_EQ(error_of(R"({"retry_after": -1})"), "retry_after: expected a number of seconds, 0 or more");
  EXPECT_EQ(error_of(R"({"log": 42})"), "log: expected a string, got a number");
}

}  // namespace
}  // namespace carewatch::exec
