// The console's routes and built-in files, without a server: matching, content types, ETags,
// If-None-Match, and that the pinned vendor files and licences are built in (the answers over
// HTTP: tests/integration/console_serving_test.cpp).
#include "daemon/api/console_routes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "daemon/api/api_match.h"
#include "daemon/api/console_assets.h"
#include "daemon/api/security_headers.h"

namespace carewatch {
namespace {

TEST(ConsoleMatch, RootAndConsolePathsAreRoutes) {
  RouteMatch root = match_target("/");
  ASSERT_TRUE(root.found);
  EXPECT_EQ(root.id, RouteId::root);
  RouteMatch index = match_target("/console/");
  ASSERT_TRUE(index.found);
  EXPECT_EQ(index.id, RouteId::console);
  EXPECT_EQ(index.param, "");
  RouteMatch nested = match_target("/console/vendor/uplot.js?v=1");
  ASSERT_TRUE(nested.found);
  EXPECT_EQ(nested.param, "vendor/uplot.js");
  EXPECT_STREQ(nested.pattern, "/console/{path}");
  EXPECT_FALSE(match_target("/consolex").found);
}

TEST(ConsoleAssets, VendorFilesAndIndexAreBuiltInWithTheirContentTypes) {
  const ConsoleAsset* index = find_console_asset("/console/");
  ASSERT_NE(index, nullptr);
  EXPECT_STREQ(index->path, "/console/index.html");
  EXPECT_STREQ(index->content_type, "text/html; charset=utf-8");
  const ConsoleAsset* preact = find_console_asset("/console/vendor/preact-htm.js");
  ASSERT_NE(preact, nullptr);
  EXPECT_STREQ(preact->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(preact->bytes.find("export"), std::string_view::npos);
  const ConsoleAsset* css = find_console_asset("/console/vendor/uplot.css");
  ASSERT_NE(css, nullptr);
  EXPECT_STREQ(css->content_type, "text/css; charset=utf-8");
  const ConsoleAsset* uplot = find_console_asset("/console/vendor/uplot.js");
  ASSERT_NE(uplot, nullptr);
  EXPECT_NE(uplot->bytes.find("uPlot"), std::string_view::npos);
  const ConsoleAsset* licenses = find_console_asset("/console/vendor/LICENSES.txt");
  ASSERT_NE(licenses, nullptr);
  EXPECT_STREQ(licenses->content_type, "text/plain; charset=utf-8");
  EXPECT_NE(licenses->bytes.find("htm 3.1.1"), std::string_view::npos);
  EXPECT_NE(licenses->bytes.find("uplot 1.6.32"), std::string_view::npos);
  EXPECT_NE(licenses->bytes.find("MIT"), std::string_view::npos);
  EXPECT_EQ(find_console_asset("/console/nope.js"), nullptr);
}

TEST(ConsoleAssets, EtagsAreQuotedContentHashesDistinctPerFile) {
  std::set<std::string> etags;
  for (const auto& asset : console_assets()) {
    const std::string etag = asset.etag;
    ASSERT_EQ(etag.size(), 34u) << asset.path;
    EXPECT_EQ(etag.front(), '"');
    EXPECT_EQ(etag.back(), '"');
    EXPECT_EQ(etag.find_first_not_of("0123456789abcdef", 1), 33u) << etag;
    etags.insert(etag);
  }
  EXPECT_EQ(etags.size(), console_assets().size());
}

TEST(ConsoleEtag, IfNoneMatchListsWeakTagsAndStar) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches(" * ", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
}

TEST(SecurityHeaders, ContentSecurityPolicyAllowsOnlyTheDaemonsOwnCode) {
  const auto& headers = security_headers();
  ASSERT_EQ(headers.size(), 4u);
  EXPECT_EQ(headers[0].first, "Content-Security-Policy");
  EXPECT_NE(headers[0].second.find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(headers[0].second.find("unsafe-inline"), std::string::npos);
}

}  // namespace
}  // namespace carewatch
