// Mastodon pagination: ids and how they order, the Link header's rel="prev" URL (newer items), and
// the cursor of per-stream newest ids.
//
// Mastodon pages newest first. With min_id=<id> it answers the page immediately newer than <id>;
// its Link header names the next page of newer items as rel="prev" (rel="next" goes older). The
// connector keeps, per stream, the newest id it has seen, and asks for what is newer than that.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace carewatch::mastodon {

// A Mastodon id: a non-empty string of at most 64 ASCII letters and digits (Mastodon's are decimal
// snowflakes; a few compatible servers use fixed-length base-62 ids, which order the same way).
bool valid_id(std::string_view id);

// Whether id `a` is older than id `b`. Ids are big numbers as strings: a shorter id is older;
// equal lengths compare as text. Never converted to double (snowflake ids exceed 2^53).
bool id_less(std::string_view a, std::string_view b);

// The URL of the rel="prev" link (also rel=prev unquoted, "previous", or among other relation
// types, in any letter case) of an HTTP Link header value; empty when there is none.
std::string link_prev(std::string_view link_header);

// The cursor: per stream key ("tag:<tag>", "notifications", "search:<query>"), the newest id seen.
// As text it is a JSON object {"<stream>": "<id>"}.
using Cursor = std::map<std::string, std::string>;

// Reads `text` into `out` (an empty text is an empty cursor). On a malformed cursor (not a JSON
// object, or a value that is not an id string) returns false and sets `error` ("cursor: ...").
bool parse_cursor(const std::string& text, Cursor& out, std::string& error);

// The cursor as text: a JSON object, keys in order.
std::string write_cursor(const Cursor& cursor);

}  // namespace carewatch::mastodon
