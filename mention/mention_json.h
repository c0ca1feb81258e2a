// JSON form of a Mention (the project's own mention format, one object per line in JSONL files).
//
//   {"uid": "mastodon:1", "platform": "mastodon", "source": "brand-tag", "id": "1",
//    "url": "...", "text": "...", "language": "en",
//    "author": {"id": "...", "handle": "...", "name": "...", "followers": 10, "verified": false},
//    "conversation_id": "...", "parent_id": "...",
//    "posted_at": "2026-11-22T10:00:00Z" | 1795341600000, "seen_at": ...,
//    "decision": {"category": "complaint", "priority": 1, "queue": "care", "tags": [], "rules": []},
//    "raw": {...}}
//
// Only "text" is required when parsing; "id" defaults to "uid" without its platform prefix,
// "platform" defaults to the uid prefix or "unknown". Timestamps are written as integers (ms).
#pragma once

#include <string>
#include <string_view>

#include "mention/mention.h"

namespace carewatch {

std::string to_json(const Mention& m, bool include_raw = true);
std::string to_json(const Decision& d);

// Parses one mention. On failure returns false and sets `error` to a message naming the field.
bool parse_mention(std::string_view json, Mention& out, std::string& error);

// Parses an RFC 3339 / ISO 8601 UTC timestamp ("2026-11-22T10:00:00Z", fractional seconds and
// "+hh:mm" offsets allowed) into ms since the epoch. Returns false on malformed input.
bool parse_iso8601(std::string_view s, TimeMs& out);
std::string format_iso8601(TimeMs t);

TimeMs now_ms();

}  // namespace carewatch
