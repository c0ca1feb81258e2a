#include "connectors/replay/replay_connector.h"

#include <gtest/gtest.h>

#include "tests/support/daemon_process.h"
#include <rapidjson/document.h>
#include <rapidjson/schema.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "connectors/registry.h"
#include "connectors/replay/line_reader.h"
#include "connectors/replay/synthetic_mentions.h"
#include "mention/mention_json.h"

namespace carewatch {
namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = CAREWATCH_SOURCE_DIR;

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream f(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(f, line);) lines.push_back(line);
  return lines;
}

// One mention line with the given uid and posted_at (seconds after 2026-11-22T08:00:00Z).
std::string line(int n, int at_s = 0) {
  Mention m;
  m.uid = "x:" + std::to_string(n);
  m.platform = "x";
  m.native_id = std::to_string(n);
  m.text = "mention number " + std::to_string(n);
  m.posted_at = 1795334400000 + at_s * 1000LL;
  return to_json(m, false) + "\n";
}

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("carewatch-replay-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text, bool append = false) {
    const std::string path = (dir_ / name).string();
    std::ofstream f(path, append ? std::ios::app | std::ios::binary : std::ios::trunc | std::ios::binary);
    f << text;
    return path;
  }

  std::unique_ptr<Connector> make(const std::string& options, std::string* error_out = nullptr) {
    std::string error;
    auto c = find_connector_type("replay")->create({"replay-test", "replay", options, dir_.string()}, nullptr, error);
    if (error_out) *error_out = error;
    else EXPECT_TRUE(c) << error;
    return c;
  }

  static Batch poll_ok(Connector& c, const std::string& cursor) {
    PollResult r = c.poll(cursor);
    EXPECT_TRUE(r.batch) << (r.error ? r.error->message : "");
    return r.batch ? std::move(*r.batch) : Batch{};
  }

  fs::path dir_;
};

// ───────────────────────────── the bundled sample ─────────────────────────────

TEST(ReplaySample, EveryLineParsesAndTheSampleIsVaried) {
  const auto lines = lines_of(kSourceDir + "/config/samples/mentions.jsonl");
  ASSERT_GE(lines.size(), 250u);
  ASSERT_LE(lines.size(), 350u);
  std::set<std::string> uids, platforms, languages;
  TimeMs previous = 0, first = 0;
  size_t brand = 0, high_reach = 0, non_english = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    Mention m;
    std::string error;
    ASSERT_TRUE(parse_mention(lines[i], m, error)) << "line " << i + 1 << ": " << error;
    EXPECT_TRUE(uids.insert(m.uid).second) << "duplicate uid " << m.uid;
    EXPECT_EQ(m.uid, m.platform + ":" + m.native_id) << "line " << i + 1;
    EXPECT_FALSE(m.text.empty()) << "line " << i + 1;
    EXPECT_FALSE(m.url.empty()) << "line " << i + 1;
    EXPECT_FALSE(m.author.handle.empty()) << "line " << i + 1;
    EXPECT_FALSE(m.conversation_id.empty()) << "line " << i + 1;
    EXPECT_GE(m.posted_at, previous) << "line " << i + 1 << " is out of time order";
    if (i == 0) first = m.posted_at;
    previous = m.posted_at;
    platforms.insert(m.platform);
    languages.insert(m.language);
    brand += m.author.handle == "acmeair";
    high_reach += m.author.followers >= 50000 && m.author.handle != "acmeair";
    non_english += m.language != "en";
  }
  EXPECT_GE(platforms.size(), 6u);
  for (const char* lang : {"en", "es", "fr", "de", "pt", "ja"}) EXPECT_TRUE(languages.count(lang)) << lang;
  EXPECT_GE(brand, 20u);
  EXPECT_GE(high_reach, 3u);
  EXPECT_GE(non_english, 30u);
  const TimeMs span = previous - first;
  EXPECT_GE(span, 150 * 60 * 1000);  // about three hours of one day
  EXPECT_LE(span, 200 * 60 * 1000);
}

TEST(ReplaySample, ExpectedFirstResponsesMatchTheBrandRepliesInTheSample) {
  std::map<std::string, Mention> by_uid;
  std::map<std::string, TimeMs> first_reply;  // customer uid -> brand reply time
  std::map<std::string, int> replies_to;
  for (const auto& l : lines_of(kSourceDir + "/config/samples/mentions.jsonl")) {
    Mention m;
    std::string error;
    ASSERT_TRUE(parse_mention(l, m, error)) << error;
    if (m.author.handle == "acmeair" && !m.parent_id.empty()) {
      EXPECT_TRUE(m.author.verified);
      const std::string parent = make_uid(m.platform, m.parent_id);
      ASSERT_TRUE(by_uid.count(parent)) << m.uid << " replies to " << parent << ", not earlier in the file";
      EXPECT_EQ(by_uid[parent].conversation_id, m.conversation_id) << m.uid;
      EXPECT_NE(by_uid[parent].author.handle, "acmeair") << m.uid;
      ++replies_to[parent];
      first_reply.emplace(parent, m.posted_at);
    }
    by_uid[m.uid] = m;
  }
  rapidjson::Document expected;
  expected.Parse(testing::file_text(kSourceDir + "/tests/fixtures/replay/expected_first_responses.json").c_str());
  ASSERT_TRUE(expected.IsObject());
  EXPECT_GE(expected.MemberCount(), 20u);
  EXPECT_EQ(expected.MemberCount(), first_reply.size()) << "every brand reply is listed, and only those";
  for (const auto& e : expected.GetObject()) {
    const std::string uid = e.name.GetString();
    ASSERT_TRUE(first_reply.count(uid)) << uid;
    EXPECT_EQ(replies_to[uid], 1) << uid << ": one brand reply per customer mention";
    EXPECT_EQ(first_reply[uid] - by_uid[uid].posted_at, static_cast<TimeMs>(e.value.GetDouble() * 1000)) << uid;
  }
}

TEST_F(ReplayTest, ReplaysTheWholeBundledSample) {
  const std::string path = kSourceDir + "/config/samples/mentions.jsonl";
  auto c = make(R"({"path": ")" + path + R"(", "batch_size": 64})");
  const size_t total = lines_of(path).size();
  std::string cursor;
  std::set<std::string> uids;
  for (int polls = 0; polls < 100; ++polls) {
    Batch b = poll_ok(*c, cursor);
    EXPECT_TRUE(b.warnings.empty()) << b.warnings.front();
    for (const auto& m : b.mentions) {
      EXPECT_EQ(m.source, "replay-test");
      uids.insert(m.uid);
    }
    cursor = b.next_cursor;
    if (b.exhausted && !b.more) break;
  }
  EXPECT_EQ(uids.size(), total);
  EXPECT_EQ(cursor, std::to_string(fs::file_size(path)));
}

// ───────────────────────────── batches and cursors ─────────────────────────────

TEST_F(ReplayTest, BatchesFollowTheCursorWithNothingTwiceAndNothingSkipped) {
  std::string text;
  for (int i = 1; i <= 10; ++i) text += line(i, i);
  write("ten.jsonl", text);
  auto c = make(R"({"path": "ten.jsonl", "batch_size": 3})");
  std::string cursor;
  std::vector<std::string> uids;
  std::vector<size_t> sizes;
  for (int polls = 0; polls < 10; ++polls) {
    Batch b = poll_ok(*c, cursor);
    sizes.push_back(b.mentions.size());
    for (const auto& m : b.mentions) uids.push_back(m.uid);
    cursor = b.next_cursor;
    if (!b.more) {
      EXPECT_TRUE(b.exhausted);
      break;
    }
    EXPECT_FALSE(b.exhausted);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 3, 1}));
  ASSERT_EQ(uids.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(uids[i], "x:" + std::to_string(i + 1));
  EXPECT_EQ(cursor, std::to_string(text.size()));
  // At the end: nothing more, the cursor stays.
  Batch end = poll_ok(*c, cursor);
  EXPECT_TRUE(end.mentions.empty());
  EXPECT_TRUE(end.exhausted);
  EXPECT_EQ(end.next_cursor, cursor);
}

TEST_F(ReplayTest, ACursorIsTheByteOffsetAfterTheLastConsumedLine) {
  const std::string a = line(1), b = line(2);
  write("two.jsonl", a + b);
  auto c = make(R"({"path": "two.jsonl", "batch_size": 1})");
  Batch first = poll_ok(*c, "");
  EXPECT_EQ(first.next_cursor, std::to_string(a.size()));
  EXPECT_TRUE(first.more);
  Batch second = poll_ok(*c, first.next_cursor);
  EXPECT_EQ(second.next_cursor, std::to_string(a.size() + b.size()));
  ASSERT_EQ(second.mentions.size(), 1u);
  EXPECT_EQ(second.mentions[0].uid, "x:2");
}

TEST_F(ReplayTest, ResumingFromAStoredCursorInANewConnectorContinuesWhereTheOldOneStopped) {
  std::string text;
  for (int i = 1; i <= 7; ++i) text += line(i);
  write("seven.jsonl", text);
  std::string cursor;
  {
    auto c = make(R"({"path": "seven.jsonl", "batch_size": 4})");
    cursor = poll_ok(*c, "").next_cursor;  // then the daemon "crashes"
  }
  auto c = make(R"({"path": "seven.jsonl", "batch_size": 4})");
  Batch b = poll_ok(*c, cursor);
  ASSERT_EQ(b.mentions.size(), 3u);
  EXPECT_EQ(b.mentions[0].uid, "x:5");
  EXPECT_EQ(b.mentions[2].uid, "x:7");
  EXPECT_TRUE(b.exhausted);
}

TEST_F(ReplayTest, PollingAnOlderCursorAgainReturnsTheSamePage) {
  std::string text;
  for (int i = 1; i <= 6; ++i) text += line(i);
  write("six.jsonl", text);
  auto c = make(R"({"path": "six.jsonl", "batch_size": 2})");
  Batch p1 = poll_ok(*c, "");
  Batch p2 = poll_ok(*c, p1.next_cursor);
  // The scheduler could not enqueue p2 (Redis away) and did not store its cursor: same page again.
  Batch again = poll_ok(*c, p1.next_cursor);
  ASSERT_EQ(again.mentions.size(), 2u);
  EXPECT_EQ(again.mentions[0].uid, p2.mentions[0].uid);
  EXPECT_EQ(again.next_cursor, p2.next_cursor);
  // And from the very beginning.
  EXPECT_EQ(poll_ok(*c, "0").mentions[0].uid, "x:1");
}

TEST_F(ReplayTest, BadCursorsAreFatalErrorsNamingTheCursor) {
  write("one.jsonl", line(1));
  auto c = make(R"({"path": "one.jsonl"})");
  PollResult r = c->poll("page-2");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::fatal);
  EXPECT_NE(r.error->message.find("\"page-2\""), std::string::npos) << r.error->message;
  r = c->poll("999999");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, PollError::Kind::fatal);
  EXPECT_NE(r.error->message.find("beyond the end"), std::string::npos) << r.error->message;
}

// ───────────────────────────── malformed input ─────────────────────────────

TEST_F(ReplayTest, MalformedLinesAreSkippedWithAWarningNamingFileLineAndProblem) {
  const std::string path = kSourceDir + "/tests/fixtures/replay/malformed.jsonl";
  auto c = make(R"({"path": ")" + path + R"("})");
  Batch b = poll_ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 3u);
  EXPECT_EQ(b.mentions[0].uid, "x:1");
  EXPECT_EQ(b.mentions[1].uid, "x:3");
  EXPECT_EQ(b.mentions[2].uid, "x:9");
  EXPECT_TRUE(b.exhausted);
  EXPECT_EQ(b.next_cursor, std::to_string(fs::file_size(path)));
  ASSERT_EQ(b.warnings.size(), 5u);  // the blank line 5 is not a problem
  EXPECT_EQ(b.warnings[0].rfind(path + ":2: invalid JSON", 0), 0u) << b.warnings[0];
  EXPECT_EQ(b.warnings[1], path + ":4: text: expected a string");
  EXPECT_EQ(b.warnings[2], path + ":6: expected a JSON object");
  EXPECT_EQ(b.warnings[3], path + ":7: author.followers: expected an integer");
  EXPECT_EQ(b.warnings[4].rfind(path + ":8: posted_at: expected an ISO 8601 time", 0), 0u) << b.warnings[4];
}

TEST_F(ReplayTest, LineNumbersInWarningsAreRightAfterResumingFromACursor) {
  const std::string path = write("late.jsonl", line(1) + line(2) + line(3) + "{oops}\n");
  auto c = make(R"({"path": "late.jsonl", "batch_size": 2})");
  const std::string cursor = poll_ok(*c, "").next_cursor;
  auto fresh = make(R"({"path": "late.jsonl", "batch_size": 2})");
  Batch b = poll_ok(*fresh, cursor);
  ASSERT_EQ(b.mentions.size(), 1u);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_EQ(b.warnings[0].rfind(path + ":4: invalid JSON", 0), 0u) << b.warnings[0];
}

TEST_F(ReplayTest, ManyMalformedLinesGiveBoundedWarnings) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "not json\n";
  text += line(1);
  write("junk.jsonl", text);
  auto c = make(R"({"path": "junk.jsonl"})");
  Batch b = poll_ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 1u);
  ASSERT_EQ(b.warnings.size(), 21u);
  EXPECT_NE(b.warnings.back().find("80 more malformed lines"), std::string::npos) << b.warnings.back();
}

TEST_F(ReplayTest, CrlfLinesAndAByteOrderMarkAreAccepted) {
  std::string a = line(1), b = line(2);
  a.insert(a.size() - 1, "\r");
  b.insert(b.size() - 1, "\r");
  write("crlf.jsonl", "\xEF\xBB\xBF" + a + b);
  auto c = make(R"({"path": "crlf.jsonl"})");
  Batch batch = poll_ok(*c, "");
  EXPECT_EQ(batch.mentions.size(), 2u);
  EXPECT_TRUE(batch.warnings.empty()) << batch.warnings.front();
}

// ───────────────────────────── a growing file ─────────────────────────────

TEST_F(ReplayTest, LinesAppendedAfterTheEndArePickedUp) {
  const std::string path = write("growing.jsonl", line(1) + line(2));
  auto c = make(R"({"path": "growing.jsonl"})");
  Batch b = poll_ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 2u);
  EXPECT_TRUE(b.exhausted);
  EXPECT_TRUE(poll_ok(*c, b.next_cursor).mentions.empty());
  write("growing.jsonl", line(3) + line(4), true);
  Batch more = poll_ok(*c, b.next_cursor);
  ASSERT_EQ(more.mentions.size(), 2u);
  EXPECT_EQ(more.mentions[0].uid, "x:3");
  EXPECT_EQ(more.next_cursor, std::to_string(fs::file_size(path)));
}

TEST_F(ReplayTest, AHalfWrittenLastLineWaitsForItsRest) {
  const std::string whole = line(2);
  write("partial.jsonl", line(1) + whole.substr(0, 20));
  auto c = make(R"({"path": "partial.jsonl"})");
  Batch b = poll_ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_EQ(b.next_cursor, std::to_string(line(1).size())) << "the half line is not consumed";
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find(":2: last line has no newline"), std::string::npos) << b.warnings[0];
  Batch again = poll_ok(*c, b.next_cursor);
  EXPECT_TRUE(again.mentions.empty());
  EXPECT_TRUE(again.warnings.empty()) << "said once";
  write("partial.jsonl", whole.substr(20), true);
  Batch rest = poll_ok(*c, again.next_cursor);
  ASSERT_EQ(rest.mentions.size(), 1u);
  EXPECT_EQ(rest.mentions[0].uid, "x:2");
}

TEST_F(ReplayTest, ACompleteLastLineWithoutNewlineIsTaken) {
  std::string last = line(2);
  last.pop_back();
  write("nonl.jsonl", line(1) + last);
  auto c = make(R"({"path": "nonl.jsonl"})");
  Batch b = poll_ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 2u);
  EXPECT_TRUE(b.exhausted);
  // Its newline arriving later is just an empty line.
  write("nonl.jsonl", "\n" + line(3), true);
  Batch more = poll_ok(*c, b.next_cursor);
  ASSERT_EQ(more.mentions.size(), 1u);
  EXPECT_EQ(more.mentions[0].uid, "x:3");
  EXPECT_TRUE(more.warnings.empty());
}

// ───────────────────────────── pace and time ─────────────────────────────

TEST_F(ReplayTest, PaceTimestampsReleasesMentionsAsTheirScaledTimeComesDue) {
  // Three mentions a minute apart, replayed 120x faster: 500 ms apart.
  write("paced.jsonl", line(1, 0) + line(2, 60) + line(3, 120));
  auto c = make(R"({"path": "paced.jsonl", "pace": "timestamps", "speed": 120})");
  Batch b = poll_ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_EQ(b.mentions[0].uid, "x:1");
  EXPECT_FALSE(b.more);
  EXPECT_FALSE(b.exhausted);
  ASSERT_TRUE(b.retry_after);
  EXPECT_GT(b.retry_after->count(), 0);
  EXPECT_LE(b.retry_after->count(), 500);

  std::string cursor = b.next_cursor;
  std::vector<std::string> uids = {b.mentions[0].uid};
  for (int polls = 0; polls < 20 && uids.size() < 3; ++polls) {
    std::this_thread::sleep_for(b.retry_after.value_or(std::chrono::milliseconds(10)));
    b = poll_ok(*c, cursor);
    for (const auto& m : b.mentions) uids.push_back(m.uid);
    cursor = b.next_cursor;
  }
  EXPECT_EQ(uids, (std::vector<std::string>{"x:1", "x:2", "x:3"}));
  EXPECT_TRUE(b.exhausted);
}

TEST_F(ReplayTest, PaceTimestampsRebasesPostedAtToNowByDefault) {
  write("rebase.jsonl", line(1, 0) + line(2, 2));  // two seconds apart, at speed 1000: 2 ms
  auto c = make(R"({"path": "rebase.jsonl", "pace": "timestamps", "speed": 1000})");
  const TimeMs before = now_ms();
  std::vector<Mention> got;
  std::string cursor;
  for (int polls = 0; polls < 50 && got.size() < 2; ++polls) {
    Batch b = poll_ok(*c, cursor);
    for (auto& m : b.mentions) got.push_back(m);
    cursor = b.next_cursor;
    if (b.retry_after) std::this_thread::sleep_for(*b.retry_after);
  }
  const TimeMs after = now_ms();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_GE(got[0].posted_at, before);
  EXPECT_LE(got[0].posted_at, after);
  EXPECT_EQ(got[1].posted_at - got[0].posted_at, 2);
  for (const auto& m : got) EXPECT_GE(m.seen_at, m.posted_at) << "seen before it was posted";
}

TEST_F(ReplayTest, RebaseTimeInFullPaceShiftsAndScalesTheGaps) {
  write("full.jsonl", line(1, 0) + line(2, 60) + line(3, 180));
  auto c = make(R"({"path": "full.jsonl", "rebase_time": true, "speed": 60})");
  const TimeMs before = now_ms();
  Batch b = poll_ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 3u);
  EXPECT_GE(b.mentions[0].posted_at, before);
  EXPECT_LE(b.mentions[0].posted_at, now_ms());
  EXPECT_EQ(b.mentions[1].posted_at - b.mentions[0].posted_at, 1000);
  EXPECT_EQ(b.mentions[2].posted_at - b.mentions[0].posted_at, 3000);
}

TEST_F(ReplayTest, FullPaceKeepsTheOriginalTimesAndSetsSeenAtAndSource) {
  write("orig.jsonl", line(1, 0) + line(2, 30));
  auto c = make(R"({"path": "orig.jsonl"})");
  const TimeMs before = now_ms();
  Batch b = poll_ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 2u);
  EXPECT_EQ(b.mentions[0].posted_at, 1795334400000);
  EXPECT_EQ(b.mentions[1].posted_at, 1795334430000);
  for (const auto& m : b.mentions) {
    EXPECT_EQ(m.source, "replay-test");
    EXPECT_GE(m.seen_at, before);
    EXPECT_EQ(m.platform, "x");
  }
  EXPECT_FALSE(b.retry_after);
}

TEST_F(ReplayTest, ThePlatformOptionSetsPlatformAndUid) {
  write("plat.jsonl", line(1) + "{\"id\": \"77\", \"text\": \"no platform here\"}\n");
  auto c = make(R"({"path": "plat.jsonl", "platform": "mastodon"})");
  Batch b = poll_ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 2u);
  EXPECT_EQ(b.mentions[0].platform, "mastodon");
  EXPECT_EQ(b.mentions[0].uid, "mastodon:1");
  EXPECT_EQ(b.mentions[1].uid, "mastodon:77");
}

// ───────────────────────────── configuration ─────────────────────────────

TEST_F(ReplayTest, AMissingFileIsACreationErrorNamingThePathAndWhy) {
  std::string error;
  auto c = make(R"({"path": "nope.jsonl"})", &error);
  EXPECT_FALSE(c);
  EXPECT_EQ(error, "options.path: cannot open \"" + (dir_ / "nope.jsonl").string() +
                       "\": No such file or directory");
  c = make(R"({"path": "."})", &error);
  EXPECT_FALSE(c);
  EXPECT_NE(error.find("Is a directory"), std::string::npos) << error;
}

// Mistyped or unknown options are refused naming the option (options built by hand are not
// validated); ranges and enumerations are the schema's, checked by the configuration loader.
TEST_F(ReplayTest, BadOptionsAreErrorsNamingTheOption) {
  write("ok.jsonl", line(1));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({})", "options.path: required"},
      {R"({"path": 3})", "options.path: expected a file name, got 3"},
      {R"({"path": "ok.jsonl", "pace": 1})", "options.pace: expected a string, got 1"},
      {R"({"path": "ok.jsonl", "speed": "fast"})", "options.speed: expected a number, got \"fast\""},
      {R"({"path": "ok.jsonl", "batch_size": 1.5})", "options.batch_size: expected an integer, got 1.5"},
      {R"({"path": "ok.jsonl", "rebase_time": "yes"})", "options.rebase_time: expected true or false"},
      {R"({"path": "ok.jsonl", "platform": ["x"]})", "options.platform: expected a string, got an array"},
      {R"({"path": "ok.jsonl", "sped": 2})",
       "options.sped: unknown option (known: path, pace, speed, batch_size, rebase_time, platform)"},
  };
  for (const auto& [options, message] : cases) {
    std::string error;
    EXPECT_FALSE(make(options, &error)) << options;
    EXPECT_EQ(error.rfind(message, 0), 0u) << options << " gave: " << error;
  }
}

// Defaults are schema.json's: batch_size 500 lines a poll.
TEST_F(ReplayTest, DefaultsAreTheSchemas) {
  std::string text;
  for (int i = 0; i < 501; ++i) text += line(i);
  write("many.jsonl", text);
  auto c = make(R"({"path": "many.jsonl"})");
  ASSERT_TRUE(c);
  const Batch b = poll_ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 500u);
  EXPECT_TRUE(b.more);
}

TEST(ReplaySchema, TheSchemaAcceptsGoodOptionsAndRejectsBadOnes) {
  rapidjson::Document sd;
  sd.Parse(testing::file_text(kSourceDir + "/connectors/replay/schema.json").c_str());
  ASSERT_FALSE(sd.HasParseError());
  rapidjson::SchemaDocument schema(sd);
  auto valid = [&](const char* json) {
    rapidjson::Document d;
    d.Parse(json);
    rapidjson::SchemaValidator v(schema);
    return d.Accept(v);
  };
  EXPECT_TRUE(valid(R"({"path": "samples/mentions.jsonl"})"));
  EXPECT_TRUE(valid(R"({"path": "m.jsonl", "pace": "timestamps", "speed": 60, "batch_size": 10,
                        "rebase_time": false, "platform": "mastodon"})"));
  EXPECT_FALSE(valid(R"({})"));
  EXPECT_FALSE(valid(R"({"path": "m.jsonl", "pace": "fast"})"));
  EXPECT_FALSE(valid(R"({"path": "m.jsonl", "speed": 0})"));
  EXPECT_FALSE(valid(R"({"path": "m.jsonl", "batch_size": 10001})"));
  EXPECT_FALSE(valid(R"({"path": "m.jsonl", "extra": 1})"));
  EXPECT_FALSE(valid(R"({"path": ""})"));
  EXPECT_FALSE(valid(R"({"path": "m.jsonl", "batch_size": 0})"));
  EXPECT_FALSE(valid(R"({"path": "m.jsonl", "rebase_time": "yes"})"));
  EXPECT_FALSE(valid(R"({"path": "m.jsonl", "platform": "X:Y"})"));
}

// ───────────────────────────── the line reader ─────────────────────────────

TEST_F(ReplayTest, LineReaderHandlesLinesLongerThanItsBufferAndSkipsTooLongOnes) {
  const std::string big(200 * 1024, 'a');       // longer than the first buffer
  const std::string huge(300 * 1024, 'b');      // longer than the limit below
  const std::string path = write("long.txt", big + "\n" + huge + "\nshort\n");
  std::string error;
  auto r = LineReader::open(path, error, 256 * 1024);
  ASSERT_TRUE(r) << error;
  LineReader::Line l;
  ASSERT_EQ(r->peek(l, error), LineReader::Status::line);
  EXPECT_EQ(l.text.size(), big.size());
  r->consume();
  ASSERT_EQ(r->peek(l, error), LineReader::Status::too_long);
  EXPECT_EQ(r->line_number(), 2u);
  r->consume();
  EXPECT_EQ(r->position(), big.size() + huge.size() + 2);
  ASSERT_EQ(r->peek(l, error), LineReader::Status::line);
  EXPECT_EQ(l.text, "short");
  EXPECT_EQ(r->line_number(), 3u);
  r->consume();
  EXPECT_EQ(r->peek(l, error), LineReader::Status::eof);
}

// ───────────────────────────── synthetic mentions ─────────────────────────────

TEST(SyntheticMentions, CountUniqueUidsIncreasingTimesAndVariety) {
  std::stringstream out;
  write_synthetic_mentions(out, 2000, 1);
  std::set<std::string> uids, platforms, languages, texts;
  TimeMs previous = 0;
  size_t n = 0;
  for (std::string l; std::getline(out, l);) {
    Mention m;
    std::string error;
    ASSERT_TRUE(parse_mention(l, m, error)) << error << ": " << l;
    ++n;
    EXPECT_EQ(m.uid, "synthetic:" + std::to_string(n));
    uids.insert(m.uid);
    platforms.insert(m.platform);
    languages.insert(m.language);
    texts.insert(m.text);
    EXPECT_GE(m.posted_at, previous);
    EXPECT_GT(m.posted_at, 0);
    previous = m.posted_at;
    EXPECT_FALSE(m.text.empty());
    EXPECT_LE(m.text.size(), 400u);
    EXPECT_EQ(m.text.find('{'), std::string::npos) << "unfilled placeholder: " << m.text;
    if (!m.parent_id.empty()) {
      EXPECT_LT(std::stoul(m.parent_id), n);
    }
  }
  EXPECT_EQ(n, 2000u);
  EXPECT_EQ(uids.size(), 2000u);
  EXPECT_GE(platforms.size(), 6u);
  EXPECT_GE(languages.size(), 5u);
  EXPECT_GE(texts.size(), 1500u) << "texts should vary";
}

TEST(SyntheticMentions, TheSameSeedGivesTheSameBytesAndAnotherSeedDoesNot) {
  std::stringstream a, b, c;
  write_synthetic_mentions(a, 300, 7);
  write_synthetic_mentions(b, 300, 7);
  write_synthetic_mentions(c, 300, 8);
  EXPECT_EQ(a.str(), b.str());
  EXPECT_NE(a.str(), c.str());
  std::stringstream none;
  write_synthetic_mentions(none, 0, 7);
  EXPECT_TRUE(none.str().empty());
}

TEST_F(ReplayTest, SyntheticMentionsReplayCompletely) {
  std::ofstream f(dir_ / "synthetic.jsonl");
  write_synthetic_mentions(f, 5000, 3);
  f.close();
  auto c = make(R"({"path": "synthetic.jsonl", "batch_size": 1000})");
  size_t total = 0;
  std::string cursor;
  for (int polls = 0; polls < 20; ++polls) {
    Batch b = poll_ok(*c, cursor);
    EXPECT_TRUE(b.warnings.empty());
    total += b.mentions.size();
    cursor = b.next_cursor;
    if (!b.more) break;
  }
  EXPECT_EQ(total, 5000u);
}

}  // namespace
}  // namespace carewatch
