#include "daemon/telemetry/log.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace carewatch {
namespace {

// Redirects file descriptor 2 onto a temporary file for its lifetime; lines() gives what was
// written.
class StderrCapture {
 public:
  StderrCapture() {
    file_ = std::tmpfile();
    EXPECT_NE(file_, nullptr);
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(::fileno(file_), STDERR_FILENO);
  }
  ~StderrCapture() {
    restore();
    if (file_) std::fclose(file_);
  }
  std::vector<std::string> lines() {
    restore();
    std::string all;
    std::rewind(file_);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) all.append(buf, n);
    std::vector<std::string> out;
    size_t start = 0;
    while (start < all.size()) {
      size_t end = all.find('\n', start);
      EXPECT_NE(end, std::string::npos) << "last line not terminated: " << all.substr(start);
      if (end == std::string::npos) end = all.size();
      out.push_back(all.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

 private:
  void restore() {
    if (saved_ >= 0) {
      ::dup2(saved_, STDERR_FILENO);
      ::close(saved_);
      saved_ = -1;
    }
  }
  std::FILE* file_ = nullptr;
  int saved_ = -1;
};

// Parses one line strictly (valid UTF-8 required) into `doc`.
::testing::AssertionResult parse_line(const std::string& line, rapidjson::Document& doc) {
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str(), line.size());
  if (doc.HasParseError())
    return ::testing::AssertionFailure()
           << rapidjson::GetParseError_En(doc.GetParseError()) << " at " << doc.GetErrorOffset()
           << " in: " << line;
  if (!doc.IsObject()) return ::testing::AssertionFailure() << "not an object: " << line;
  return ::testing::AssertionSuccess();
}

std::string str(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return "<missing>";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override { saved_ = log::level(); }
  void TearDown() override {
    static const char* names[] = {"trace", "debug", "info", "warn", "error", "off"};
    log::set_level(names[static_cast<int>(saved_)]);
  }
  log::Level saved_ = log::Level::info;
};

TEST_F(LogTest, WritesOneJsonObjectPerLineWithFieldsInOrder) {
  ASSERT_TRUE(log::set_level("info"));
  StderrCapture cap;
  log::info("rules reloaded", {{"rules", "2"}, {"file", "rules.json"}});
  auto lines = cap.lines();
  ASSERT_EQ(lines.size(), 1u);
  const std::string& l = lines[0];
  EXPECT_TRUE(std::regex_match(
      l, std::regex(R"(\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info",)"
                    R"("msg":"rules reloaded","rules":"2","file":"rules.json"\})")))
      << l;
  rapidjson::Document doc;
  ASSERT_TRUE(parse_line(l, doc));
  EXPECT_EQ(str(doc, "level"), "info");
  EXPECT_EQ(str(doc, "rules"), "2");
}

TEST_F(LogTest, LevelNames) {
  StderrCapture cap;
  ASSERT_TRUE(log::set_level("trace"));
  log::write(log::Level::trace, "t");
  log::debug("d");
  log::info("i");
  log::warn("w");
  log::error("e");
  log::write(log::Level::off, "never written");
  auto lines = cap.lines();
  ASSERT_EQ(lines.size(), 5u);
  const char* expected[] = {"trace", "debug", "info", "warn", "error"};
  for (size_t i = 0; i < lines.size(); ++i) {
    rapidjson::Document doc;
    ASSERT_TRUE(parse_line(lines[i], doc));
    EXPECT_EQ(str(doc, "level"), expected[i]);
  }
}

TEST_F(LogTest, FiltersBelowTheLevel) {
  StderrCapture cap;
  ASSERT_TRUE(log::set_level("warn"));
  EXPECT_EQ(log::level(), log::Level::warn);
  EXPECT_FALSE(log::enabled(log::Level::info));
  EXPECT_TRUE(log::enabled(log::Level::warn));
  log::debug("dropped debug");
  log::info("dropped info");
  log::warn("kept warn");
  log::error("kept error");
  ASSERT_TRUE(log::set_level("off"));
  EXPECT_FALSE(log::enabled(log::Level::error));
  EXPECT_FALSE(log::enabled(log::Level::off));
  log::error("dropped error");
  auto lines = cap.lines();
  ASSERT_EQ(lines.size(), 2u);
  rapidjson::Document doc;
  ASSERT_TRUE(parse_line(lines[0], doc));
  EXPECT_EQ(str(doc, "msg"), "kept warn");
  ASSERT_TRUE(parse_line(lines[1], doc));
  EXPECT_EQ(str(doc, "msg"), "kept error");
}

TEST_F(LogTest, UnknownLevelNameIsRejectedAndChangesNothing) {
  ASSERT_TRUE(log::set_level("debug"));
  EXPECT_FALSE(log::set_level("verbose"));
  EXPECT_FALSE(log::set_level("INFO"));
  EXPECT_FALSE(log::set_level(""));
  EXPECT_EQ(log::level(), log::Level::debug);
}

TEST_F(LogTest, EscapesQuotesBackslashesAndControlCharacters) {
  ASSERT_TRUE(log::set_level("info"));
  StderrCapture cap;
  const std::string nasty = std::string("say \"hi\"\\ now\nnext\tline\r") + '\x01' + '\x1f' + '\x7f' +
                            std::string(1, '\0') + "end";
  log::warn(nasty, {{"key \"q\"", nasty}});
  auto lines = cap.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(R"("msg":"say \"hi\"\\ now\nnext\tline\r\u0001\u001f\u007f\u0000end")"),
            std::string::npos)
      << lines[0];
  rapidjson::Document doc;
  ASSERT_TRUE(parse_line(lines[0], doc));
  EXPECT_EQ(str(doc, "msg"), nasty);
  EXPECT_EQ(str(doc, "key \"q\""), nasty);
}

TEST_F(LogTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  ASSERT_TRUE(log::set_level("info"));
  StderrCapture cap;
  const std::string good = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";  // é € 😀
  log::info(good);
  // stray continuation byte, 0xFF, overlong '/', UTF-16 surrogate, truncated 3-byte sequence
  log::info("a\x80" "b\xFF" "c\xC0\xAF" "d\xED\xA0\x80" "e\xE2\x82");
  auto lines = cap.lines();
  ASSERT_EQ(lines.size(), 2u);
  rapidjson::Document doc;
  ASSERT_TRUE(parse_line(lines[0], doc));
  EXPECT_EQ(str(doc, "msg"), good);
  ASSERT_TRUE(parse_line(lines[1], doc));
  const std::string r = "\xEF\xBF\xBD";  // U+FFFD per invalid byte
  EXPECT_EQ(str(doc, "msg"), "a" + r + "b" + r + "c" + r + r + "d" + r + r + r + "e" + r + r);
}

TEST_F(LogTest, LinesFromThreadsNeverInterleave) {
  ASSERT_TRUE(log::set_level("info"));
  StderrCapture cap;
  constexpr int kThreads = 4, kLines = 200;
  const std::string payload(500, 'x');
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t, &payload] {
      for (int i = 0; i < kLines; ++i)
        log::info("tick", {{"thread", std::to_string(t)}, {"i", std::to_string(i)}, {"pad", payload}});
    });
  for (auto& th : threads) th.join();
  auto lines = cap.lines();
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  for (const auto& l : lines) {
    rapidjson::Document doc;
    ASSERT_TRUE(parse_line(l, doc));
    const int t = std::stoi(str(doc, "thread"));
    ASSERT_GE(t, 0);
    ASSERT_LT(t, kThreads);
    EXPECT_EQ(std::stoi(str(doc, "i")), next[t]++);  // each thread's lines in its own order
    EXPECT_EQ(str(doc, "pad"), payload);
  }
}

}  // namespace
}  // namespace carewatch
