// The paths of the CSV export and the SLA breaches, and the export's columns as the console
// contract names them.
#include "daemon/api/export_routes.h"

#include <gtest/gtest.h>

#include "daemon/api/api_match.h"

namespace carewatch {
namespace {

TEST(ExportRoutes, PathsNameTheirRoutesForGetOnly) {
  const RouteMatch e = match_target("/v1/export.csv?since=2026-11-22T10:00:00Z&platform=x");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.id, RouteId::export_csv);
  EXPECT_STREQ(e.pattern, "/v1/export.csv");
  EXPECT_TRUE(allows_method(e, "GET"));
  EXPECT_FALSE(allows_method(e, "POST"));
  const RouteMatch b = match_target("/v1/sla/breaches?limit=5");
  ASSERT_TRUE(b.found);
  EXPECT_EQ(b.id, RouteId::sla_breaches);
  EXPECT_STREQ(b.pattern, "/v1/sla/breaches");
  EXPECT_FALSE(allows_method(b, "DELETE"));
  EXPECT_FALSE(match_target("/v1/export.json").found);
  EXPECT_FALSE(match_target("/v1/sla/breaches/x").found);
}

TEST(ExportRoutes, ColumnsAreTheContractsInItsOrder) {
  std::string header;
  for (const char* c : kExportColumns) header += (header.empty() ? "" : ",") + std::string(c);
  EXPECT_EQ(header,
            "uid,platform,source,posted_at,author_handle,author_name,followers,language,category,sentiment,complaint,"
            "priority,queue,state,first_reply_at,resolved_at,resolved_by,url,text");
}

}  // namespace
}  // namespace carewatch
