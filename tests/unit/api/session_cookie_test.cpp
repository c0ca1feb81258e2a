// The session cookie: reading it from Cookie headers and the Set-Cookie values.
#include <gtest/gtest.h>

#include "daemon/api/cookie.h"

namespace carewatch {
namespace {

TEST(SessionCookie, FoundAmongSeveralCookiesWithOrWithoutSpaces) {
  EXPECT_EQ(cookie_value("cw_session=abc", "cw_session"), "abc");
  EXPECT_EQ(cookie_value("theme=dark; cw_session=abc; lang=en", "cw_session"), "abc");
  EXPECT_EQ(cookie_value("theme=dark;cw_session=abc;lang=en", "cw_session"), "abc");
  EXPECT_EQ(cookie_value("  theme=dark ;   cw_session = abc  ;", "cw_session"), "abc");
  EXPECT_EQ(cookie_value("theme=dark;\tcw_session=abc", "cw_session"), "abc");
  EXPECT_EQ(cookie_value("cw_session=\"abc\"", "cw_session"), "abc");
  // base64url values keep their '-' and '_'; a value may itself hold '='.
  EXPECT_EQ(cookie_value("cw_session=a-b_c", "cw_session"), "a-b_c");
  EXPECT_EQ(cookie_value("x=1=2; cw_session=t==", "cw_session"), "t==");
  EXPECT_EQ(cookie_value("cw_session=", "cw_session"), "");
}

TEST(SessionCookie, OtherNamesAndMalformedPairsAreNotIt) {
  EXPECT_EQ(cookie_value("", "cw_session"), std::nullopt);
  EXPECT_EQ(cookie_value("theme=dark", "cw_session"), std::nullopt);
  EXPECT_EQ(cookie_value("xcw_session=abc; cw_session_old=def", "cw_session"), std::nullopt);
  EXPECT_EQ(cookie_value("cw_session; theme=dark", "cw_session"), std::nullopt);
  EXPECT_EQ(cookie_value(";;; ;", "cw_session"), std::nullopt);
  EXPECT_EQ(cookie_value("CW_SESSION=abc", "cw_session"), std::nullopt);  // names are case-sensitive
  // A pair without '=' is skipped, not the end of the header.
  EXPECT_EQ(cookie_value("flag; cw_session=abc", "cw_session"), "abc");
  // Twice: the first counts.
  EXPECT_EQ(cookie_value("cw_session=first; cw_session=second", "cw_session"), "first");
}

TEST(SessionCookie, EveryCookieHeaderOfARequestIsRead) {
  const std::vector<std::pair<std::string, std::string>> headers{
      {"host", "example"}, {"cookie", "theme=dark"}, {"cookie", "cw_session=tok"}, {"x-csrf-token", "c"}};
  EXPECT_EQ(request_cookie(headers, kSessionCookie), "tok");
  EXPECT_EQ(request_cookie({{"host", "example"}}, kSessionCookie), std::nullopt);
  // A header of another name holding the same text is not a cookie.
  EXPECT_EQ(request_cookie({{"x-cookie", "cw_session=tok"}}, kSessionCookie), std::nullopt);
}

TEST(SessionCookie, SetAndClearCarryTheContractsAttributes) {
  EXPECT_EQ(session_cookie("tok", false), "cw_session=tok; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(session_cookie("tok", true), "cw_session=tok; Path=/; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(cleared_session_cookie(false), "cw_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_EQ(cleared_session_cookie(true), "cw_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

}  // namespace
}  // namespace carewatch
