// The rules of a Bluesky reply's text and record: how long it may be, the link facets that make
// its links clickable, and the record key that makes posting it idempotent.
//
//   - Length: app.bsky.feed.post's text is at most 300 graphemes and 3000 bytes (UTF-8). A
//     grapheme is a user-perceived character (Unicode extended grapheme cluster, counted with
//     ICU's character BreakIterator): "👍🏽" and "é" written as e + U+0301 are one each.
//   - Facets: Bluesky shows a link as a link only with a facet (the byte range and the uri);
//     every http:// or https:// link in the text gets one. Trailing punctuation (".,;:!?)'\"")
//     ends a sentence, not the link.
//   - Record key: a TID (13 characters of base32-sortable, as app.bsky.feed.post's lexicon
//     requires) derived from the reply id by SHA-256, so every attempt of one reply writes the
//     same record: the PDS refuses a second record at that key (today with a 500, issue
//     bluesky-social/atproto#3718), and the record can be looked up (com.atproto.repo.getRecord)
//     to see whether an attempt went through. Its timestamp part falls in 2023: never in the
//     future, and never equal to a TID the PDS makes for a new post.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch::bluesky {

inline constexpr size_t kMaxPostBytes = 3000;

// Grapheme clusters of UTF-8 `text` (invalid bytes count one each).
size_t grapheme_count(std::string_view text);

// A link in a text: its byte range and the link.
struct LinkFacet {
  size_t byte_start = 0, byte_end = 0;
  std::string uri;
};
std::vector<LinkFacet> link_facets(std::string_view text);

// The record key of the reply with id `reply_id` (see above).
std::string reply_rkey(std::string_view reply_id);

// Whether `s` is a TID (13 base32-sortable characters, the first one of 234567abcdefghij).
bool is_tid(std::string_view s);

}  // namespace carewatch::bluesky
