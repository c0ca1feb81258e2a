// JSON form of a Mention (the project's own mention format, one object per line in JSONL files).
//
//   {"uid": "mastodon:1", "platform": "mastodon", "source": "brand-tag", "id": "1",
//    "url": "...", "text": "...", "language": "en",
//    "author": {"id": "...", "handle": "...", "name": "...", "followers": 10, "verified": false},
//    "conversation_id": "...", "parent_id": "...",
//    "posted_at": "2026-11-22T10:00:00Z" | 1795341600000, "seen_at": ...,
//    "rating": 2, "app_version": "4.12.0",           (reviews only: 1..5 stars; both omitted otherwise)
//    "decision": {"category": "complaint", "priority": 1, "queue": "care", "tags": [], "rules": [],
//                 "sentiment": {"compound": -0.6, "pos": 0, "neu": 0.7, "neg": 0.3},
//                 "complaint_score": 0.93, "language": "en",
//                 "explain": {"rules": [...], "base_category": "complaint",
//                             "scores": {"sentiment.compound": -0.6, "complaint_score": 0.93,
//                                        "model.<name>.<label>": 0.8,
//                                        "priority": {"score": .., "complaint": .., "negative": ..,
//                                                     "reach": .., "verified": .., "urgent": ..,
//                                                     "formula": 1}},
//                             "complaint_words": [{"feature": "word:refund", "weight": 1.2}]}},
//    "raw": {...}}
//
// The decision's scores ("sentiment" .. "explain") are written only when it has them
// (Decision::scored); older records without them parse as before.
// Only "text" is required when parsing; "id" defaults to "uid" without its platform prefix,
// "platform" defaults to the uid prefix or "unknown". Timestamps are written as integers (ms).
#pragma once

#include <string>
#include <string_view>

#include "mention/mention.h"

namespace carewatch {

std::string to_json(const Mention& m, bool include_raw = true);
std::string to_json(const Decision& d);
// Appends {"id": <id, or null when !has_id>, <the decision's fields as in to_json>} to `out`.
void append_decision_json(std::string_view id, bool has_id, const Decision& d, std::string& out);

// Parses one mention. On failure returns false and sets `error` to a message naming the field.
bool parse_mention(std::string_view json, Mention& out, std::string& error);

}  // namespace carewatch
