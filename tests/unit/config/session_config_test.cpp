// api.session_idle and api.secure_cookies: defaults, values, and the exact error lines.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/config/config.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;

std::optional<Config> parse(const std::string& text, std::vector<std::string>& errors) {
  return parse_config(text, "test.json", "/srv/carewatch", errors,
                      [](const std::string&) { return std::optional<std::string>(); });
}

TEST(SessionConfig, DefaultsAreEightHoursAndNoSecureFlag) {
  std::vector<std::string> errors;
  const auto cfg = parse("{}", errors);
  ASSERT_TRUE(cfg) << ::testing::PrintToString(errors);
  EXPECT_EQ(cfg->api_session_idle, 8h);
  EXPECT_FALSE(cfg->api_secure_cookies);
}

TEST(SessionConfig, ValuesAreRead) {
  std::vector<std::string> errors;
  const auto cfg = parse(R"({"api": {"session_idle": "30m", "secure_cookies": true}})", errors);
  ASSERT_TRUE(cfg) << ::testing::PrintToString(errors);
  EXPECT_EQ(cfg->api_session_idle, 30min);
  EXPECT_TRUE(cfg->api_secure_cookies);
  const auto minimum = parse(R"({"api": {"session_idle": "1m"}})", errors);
  ASSERT_TRUE(minimum) << ::testing::PrintToString(errors);
  EXPECT_EQ(minimum->api_session_idle, 1min);
}

std::vector<std::string> errors_of(const std::string& text) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse(text, errors)) << "accepted: " << text;
  return errors;
}

TEST(SessionConfig, ErrorsNameTheOptionAndTheValue) {
  EXPECT_EQ(errors_of(R"({"api": {"session_idle": "59s"}})"),
            std::vector<std::string>{R"(api.session_idle: expected a duration of at least 60s, got "59s")"});
  EXPECT_EQ(errors_of(R"({"api": {"session_idle": "a while"}})"),
            std::vector<std::string>{R"(api.session_idle: expected a duration like "30s", got "a while")"});
  EXPECT_EQ(errors_of(R"({"api": {"session_idle": 3600}})"),
            std::vector<std::string>{"api.session_idle: expected a string, got 3600"});
  EXPECT_EQ(errors_of(R"({"api": {"secure_cookies": "yes"}})"),
            std::vector<std::string>{R"(api.secure_cookies: expected true or false, got "yes")"});
}

}  // namespace
}  // namespace carewatch
