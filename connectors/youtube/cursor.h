// The YouTube connector's cursor: where the comment threads were last read, what was seen there,
// and the day's quota, as a JSON object.
//
//   {"floor": {"t": <ms>, "ids": [...]},     every comment published at or before t was read;
//                                             ids: those published exactly at t (same-second
//                                             dedupe: publishedAt has whole seconds)
//    "newest": {"t": <ms>, "ids": [...]},    the newest comment read since the floor: the floor
//                                             once the pages in progress are all read
//    "page": "<pageToken>",                  the page of threads to read next (absent: start at
//                                             the newest page); kept between polls, so a restart
//                                             in the middle of the pages neither skips nor
//                                             repeats a page
//    "seen": [...],                          comments returned since the floor last moved (a
//                                             thread seen again on a later page, or a reply listed
//                                             again, is not returned twice)
//    "replies": [["<thread id>", <count>]],  the reply count of threads with more replies than
//                                             the thread list carries inline, so their replies are
//                                             listed again (1 unit) only when the count changes
//    "budget": {"day": "YYYY-MM-DD", "used": <units>}}   connectors/common/daily_budget.h
//
// An empty cursor, or one without "floor" (a first poll stopped by the quota), is the first poll. "seen" and "replies" are bounded: "replies" drops the threads
// not met for the longest past kMaxReplies; past kMaxSeen ids (a backlog of thousands of comments
// read over many polls) "seen" takes no more, and a thread moved to a later page while it is read
// may come again (the queue's dedupe drops it).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mention/common/time.h"

namespace carewatch::youtube {

inline constexpr size_t kMaxSeen = 5000;
inline constexpr size_t kMaxReplies = 500;

// A point in time with the comment ids published exactly then.
struct Mark {
  TimeMs t = 0;
  std::set<std::string> ids;

  // Whether a comment (`at`, `id`) is newer than this mark (not yet read).
  bool is_new(TimeMs at, const std::string& id) const { return at > t || (at == t && !ids.count(id)); }
  // Moves the mark up to a comment (`at`, `id`) when it is not older.
  void raise(TimeMs at, const std::string& id) {
    if (at > t) {
      t = at;
      ids = {id};
    } else if (at == t) {
      ids.insert(id);
    }
  }
};

struct Cursor {
  bool started = false;             // false: the first poll (an empty cursor)
  Mark floor;
  Mark newest;
  std::string page;                 // pageToken of the next page of threads; empty: the newest page
  std::set<std::string> seen;
  // Thread id -> reply count, in the order last met (the most recent last).
  std::vector<std::pair<std::string, std::int64_t>> replies;
  std::string budget_day;
  std::uint64_t budget_used = 0;

  // The remembered reply count of `thread`, or -1.
  std::int64_t reply_count(const std::string& thread) const;
  // Remembers `count` for `thread` as the most recently met (drops the oldest past kMaxReplies).
  void set_reply_count(const std::string& thread, std::int64_t count);
  // Forgets `thread`'s count.
  void forget_reply_count(const std::string& thread);
};

// Reads `text` (an empty text is the first poll). On a malformed cursor returns false and sets
// `error` ("cursor: floor.t: expected a number").
bool parse_cursor(const std::string& text, Cursor& out, std::string& error);

// The cursor as JSON text.
std::string write_cursor(const Cursor& cursor);

}  // namespace carewatch::youtube
