// The Bluesky connector's cursor: per stream, where its newest-first list was read up to.
//
// Both lists (listNotifications, searchPosts?sort=latest) come newest first and page backwards in
// time with an opaque `cursor`; neither can be asked for "what is newer than X". So each poll reads
// from the top down until it reaches what it has already seen. An item's time is its sort time:
// the earlier of indexedAt and record.createdAt (what the App View orders by). An item that reaches
// the App View late sorts below newer ones, so the walk goes on kOverlap below the newest time
// seen, and the items seen within that window are kept by uri to skip them.
//
// Per stream the cursor keeps:
//   head   the newest time seen, and the uris seen within kOverlap below it;
//   walk   only while a walk down has more pages than options.max_pages: the page cursor to go on
//          from, `below` (the lowest time read so far, with the uris read at exactly that time: what
//          is above it was read), and `until` (the head when the walk began: where it ends).
// As JSON: {"<stream>": {"at": "<ISO time>", "seen": {"<uri>": <ms>, ...}, "from": "<ISO time>",
//           "walk": {"page": "...", "below": "<ISO>", "below_seen": {...}, "until": "<ISO>",
//                    "until_seen": {...}, "until_from": "<ISO>"}}} with stream keys "notifications"
//          and "search:<term>" ("from" and "until_from" only when set).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "mention/common/time.h"

namespace carewatch::bluesky {

// How far below the newest time seen a walk still looks for late items.
inline constexpr TimeMs kOverlap = 10 * 60'000;
// The most uris a mark keeps (the newest).
inline constexpr size_t kMaxSeen = 500;

// A place in a newest-first list: the newest time seen, and the uris seen at times within
// kOverlap below it (uri -> time).
struct Mark {
  TimeMs at = 0;
  std::map<std::string, TimeMs> seen;
  // Set by a first poll that read only the newest page: what is older than its oldest item is
  // history, not to be fetched (no backfill), though inside the window. 0: none.
  TimeMs from = 0;

  TimeMs floor() const { return std::max(at - kOverlap, from); }
  // Whether an item was seen by this mark: below the window (or `from`), or seen in it.
  bool covers(TimeMs t, const std::string& uri) const { return t < floor() || seen.count(uri) > 0; }
  // Whether an item is below the window: everything after it in the list is covered.
  bool below_window(TimeMs t) const { return t < floor(); }
  // Records an item read: moves `at` up, keeps the uris within the window.
  void note(TimeMs t, const std::string& uri);
};

// The bottom of what a walk has read: items above `at`, and those at `at` listed in `seen`.
struct Floor {
  TimeMs at = 0;
  std::map<std::string, TimeMs> seen;  // uris at exactly `at` (times kept for the JSON's shape)

  bool covers(TimeMs t, const std::string& uri) const { return t > at || (t == at && seen.count(uri) > 0); }
  void note(TimeMs t, const std::string& uri);  // lowers `at` to t (a first note sets it)
  bool empty = true;
};

struct Walk {
  std::string page;  // the platform's cursor of the next page down
  Floor below;
  Mark until;
};

struct StreamCursor {
  Mark head;
  std::optional<Walk> walk;
};

using Cursor = std::map<std::string, StreamCursor>;

// Reads `text` into `out` (an empty text is an empty cursor). On a malformed cursor returns false
// and sets `error` ("cursor: ...").
bool parse_cursor(const std::string& text, Cursor& out, std::string& error);

// The cursor as text: a JSON object, streams in key order.
std::string write_cursor(const Cursor& cursor);

}  // namespace carewatch::bluesky
