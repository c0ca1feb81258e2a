// The rss connector's cursor: per feed URL, what the conditional GET sends back (ETag,
// Last-Modified), the keys of the items seen, and the date of the newest item seen.
//
// As text: {"<feed url>": {"etag": "\"abc\"", "modified": "Wed, 02 Oct 2024 13:00:00 GMT",
// "seen": ["<key>", ...], "newest": <ms since the epoch>}}. A feed without an entry has never been
// read. An item's key is its native id (guid / id, else link, else a hash of title and date);
// one longer than 128 bytes is kept as "h:<64-bit FNV-1a in hex>" of it.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mention/common/time.h"

namespace carewatch::rss {

struct FeedState {
  std::string etag;
  std::string modified;
  std::vector<std::string> seen;  // keys, the feed's latest items first
  TimeMs newest = 0;              // 0: no dated item seen
};

using Cursor = std::map<std::string, FeedState>;

// "h:" + 16 hex digits: the 64-bit FNV-1a hash of `s` (stable across runs and machines).
std::string hash_key(std::string_view s);
// How the cursor keeps a native id: itself, or its hash when longer than 128 bytes.
std::string seen_key(const std::string& native_id);

// Reads `text` (empty: an empty cursor). False with `error` ("cursor: ...") when malformed.
bool parse_cursor(const std::string& text, Cursor& out, std::string& error);
std::string write_cursor(const Cursor& cursor);

}  // namespace carewatch::rss
