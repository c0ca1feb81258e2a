// X ids and the X connector's cursor.
//
// Post ids are snowflakes: 64-bit numbers written as decimal strings, whose top bits are the
// milliseconds since X's epoch (id >> 22, plus 1288834974657). They are compared as big numbers
// (length, then text), never as floating point. since_id is asked with an overlap: the id of the
// instant 30 seconds before the newest post seen ((ms - 30000) << 22), because X's search indexes
// some posts late, with ids older than posts already returned; what the overlap returns again is
// dropped by a bounded set of recently seen ids kept in the cursor.
//
// The cursor is a JSON object:
//   {"budget": {"day": "2026-12-04", "used": 812},
//    "streams": {"mentions": {"newest": "<id>", "recent": ["<id>", ...],
//                             "walk": {"since": "<id>", "token": "<next_token>", "top": "<id>"}},
//                "search:<query>": {...}}}
// newest: the newest post id the stream has read completely up to (or, after an empty first page,
// the id of that poll's instant); recent: the newest ids returned (at most kRecentIds), for the
// overlap; walk: a walk through the pages newer than `since` that stopped after max_pages (X pages
// newest first, so the cursor can move to `top`, the walk's newest id, only once the walk reaches
// its last page): the next poll goes on with pagination_token=<token> and the same since_id.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mention/common/time.h"

namespace carewatch::x {

inline constexpr std::int64_t kSnowflakeEpochMs = 1288834974657;
inline constexpr std::int64_t kOverlapMs = 30'000;
inline constexpr size_t kRecentIds = 500;

// An X id: 1 to 19 decimal digits, at most 2^63 - 1.
bool valid_id(std::string_view id);
// Whether id `a` is older than id `b` (length, then text).
bool id_less(std::string_view a, std::string_view b);
// The time of a snowflake id in ms since the Unix epoch; 0 for an invalid id or one before X's
// snowflakes.
TimeMs snowflake_time(std::string_view id);
// The smallest id of the instant `t` (ms since the Unix epoch): (t - epoch) << 22; "1" before it.
std::string snowflake_id(TimeMs t);
// since_id for a stream whose newest id is `newest`: the id of the instant kOverlapMs before it.
std::string since_with_overlap(std::string_view newest);

// The time of an HTTP Date header in IMF-fixdate form ("Fri, 04 Dec 2026 14:33:25 GMT"), nullopt
// otherwise: X's clock, which the overlap is measured against when ours runs ahead of it.
std::optional<TimeMs> http_date(std::string_view value);

struct Walk {
  std::string since;  // the since_id of the walk (may be empty: none)
  std::string token;  // the next page's pagination_token
  std::string top;    // the newest id the walk has returned
};

struct StreamState {
  std::string newest;               // empty: the stream has never been read
  std::vector<std::string> recent;  // newest first, at most kRecentIds
  std::optional<Walk> walk;

  bool seen(std::string_view id) const;
  // Adds ids to `recent` (keeps the newest kRecentIds, newest first, no duplicates).
  void remember(const std::vector<std::string>& ids);
};

struct Cursor {
  std::string budget_day;           // "YYYY-MM-DD", empty: none
  std::uint64_t budget_used = 0;
  std::map<std::string, StreamState> streams;  // "mentions", "search:<query>"
};

// Reads `text` into `out` (an empty text is an empty cursor). On a malformed cursor returns false
// and sets `error` ("cursor: streams.mentions.newest: expected an id string").
bool parse_cursor(const std::string& text, Cursor& out, std::string& error);
std::string write_cursor(const Cursor& cursor);

}  // namespace carewatch::x
