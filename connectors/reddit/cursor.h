// The Reddit connector's cursor: per stream, the recent items seen and, while one is open, the
// gap still to read below them.
//
// Reddit's listings page newest first by fullname ("t1_k2x9q", "t3_1c7ab2"): after=<fullname> is
// the page of older items, before=<fullname> the page just newer. `before` is not used: it
// answers nothing, silently and for good, once its item is deleted or removed (a spam filter, a
// moderator, the author). Instead every poll reads the newest page and keeps what it has not
// seen:
//   - seen: the fullnames of the most recent items seen (at least kSeenKept, all those with the
//     oldest one's created_utc), each with its created_utc. Its oldest time is the floor. An item
//     is new when it is not in seen and not older than the floor: so a late-indexed item (search)
//     or a comment a moderator approved later is still taken, and a deleted item changes nothing.
//   - When the newest page is new from top to bottom (full, nothing seen, nothing older than the
//     floor), the connector pages down with after=<last fullname> until it meets a seen item or
//     the floor, at most max_pages pages a poll. If it has not met them, the rest is a gap:
//     {"after": <the last fullname read>, "until": <the floor's time before the gap>, "also": [the
//     fullnames just above it, in case it is deleted meanwhile]} and the next
//     poll (Batch::more) goes on down from there before anything else, so a restart in the middle
//     of the pages loses nothing and reads nothing twice.
//
// As text it is a JSON object {"<stream>": {"seen": {"<fullname>": <created_utc>, ...},
// "gap": {"after": "<fullname>", "until": <created_utc>, "also": [...]}}} ("gap" only while one is
// open), with
// stream keys "comments:<sub>", "posts:<sub>" (subreddit in lower case), "search:<query>" and
// "mentions".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch::reddit {

// Items kept in a stream's seen set (and more when they share the oldest kept created_utc): the
// newest page (at most 100) always fits.
inline constexpr size_t kSeenKept = 200;

struct Gap {
  std::string after;       // the fullname to continue after (older than it)
  std::int64_t until = 0;  // the gap ends at items older than this created_utc (seconds)
  // The items just above `after` on its page, nearest first (at most 3): Reddit answers nothing
  // after an item it no longer lists, so when `after` is deleted the gap goes on after these.
  std::vector<std::string> also;
};

struct StreamState {
  std::map<std::string, std::int64_t> seen;  // fullname -> created_utc (seconds)
  std::optional<Gap> gap;

  bool started() const { return !seen.empty() || gap.has_value(); }
  // The oldest created_utc in seen (0 when empty).
  std::int64_t floor() const;
  // The newest created_utc in seen (0 when empty).
  std::int64_t newest() const;
  bool has_seen(const std::string& fullname) const { return seen.count(fullname) != 0; }
  // Adds an item; trim() keeps the set bounded.
  void add(const std::string& fullname, std::int64_t created) { seen[fullname] = created; }
  // Keeps the kSeenKept newest items and every item as old as the oldest of them.
  void trim();
};

using Cursor = std::map<std::string, StreamState>;

// A fullname: "t<digit>_" then 1 to 20 base-36 characters (lower case letters and digits).
bool valid_fullname(std::string_view name);

// Reads `text` (empty: an empty cursor); false with `error` ("cursor: ...") when malformed.
bool parse_cursor(const std::string& text, Cursor& out, std::string& error);
std::string write_cursor(const Cursor& cursor);

}  // namespace carewatch::reddit
