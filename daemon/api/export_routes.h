// GET /v1/export.csv?since=&until=&platform=&category=&language=&tag=: the mentions held in Redis
// whose posted time (posted_at, seen_at when unknown) is in [since, until), oldest first, as CSV
// (daemon/api/csv_writer.h: RFC 4180, formula cells guarded), one row per mention after a header
// row of kExportColumns. Streamed (ApiResponse::next_chunk): the header and the first page go out
// as the body, then a page of up to kExportPage mentions per chunk (daemon/store/export_store.h),
// so an export holds one page in memory whatever its range. since / until are ISO 8601 UTC
// (until defaults to now, since to 24 hours before until); platform, category (a category name),
// language (the decision's language, else the platform's) and tag (one of the decision's tags)
// keep only the rows that match. 400 naming the parameter. Any role may read it.
#pragma once

#include <cstddef>

#include "daemon/api/api_routes.h"
#include "daemon/api/route_context.h"

namespace carewatch {

inline constexpr size_t kExportPage = 500;
// The header row, in order.
inline constexpr const char* kExportColumns[] = {
    "uid",      "platform", "source", "posted_at", "author_handle", "author_name", "followers",
    "language", "category", "sentiment", "complaint", "priority",  "queue",       "state",
    "first_reply_at", "resolved_at", "resolved_by", "url", "text"};

ApiResponse export_csv_route(const RouteContext& ctx);

}  // namespace carewatch
