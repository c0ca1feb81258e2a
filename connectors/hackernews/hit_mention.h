// An Algolia HN Search hit (a story or a comment, as search_by_date returns it) -> Mention.
//
// platform "hackernews", native_id = objectID, text = a story's title, its link on the next line
// and, for Ask HN / text posts, story_text (HTML -> text); a comment's comment_text (HTML ->
// text); author = author (handle and display name; HN shows no followers), url =
// https://news.ycombinator.com/item?id=<objectID>, parent_id = a comment's parent_id (the story
// or comment it answers), conversation_id = story_id (the thread), posted_at = created_at_i,
// raw = the hit without _highlightResult.
//
// Skipped with a warning naming the field ("\"acme\": hits[3].objectID: expected a string, got a
// number"): objectID or created_at_i missing or mistyped, author / title / comment_text /
// story_text / url / parent_id / story_id of another type than Algolia's, a hit with no text.
#pragma once

#include <rapidjson/fwd.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mention/mention.h"

namespace carewatch::hackernews {

using Warn = std::function<void(std::string)>;

// What the cursor needs of a hit: its id and second, or nullopt (warned).
struct HitKey {
  std::string id;
  std::int64_t created_at = 0;  // seconds since the epoch
};
std::optional<HitKey> hit_key(const rapidjson::Value& hit, const std::string& where, const Warn& warn);

// Maps a hit whose key was read; nullopt (warned) when a field is of the wrong type or it has no
// text. `where` is "<term label>: hits[<i>]".
std::optional<Mention> hit_to_mention(const rapidjson::Value& hit, const HitKey& key, const std::string& where,
                                      const std::string& source, TimeMs now, const Warn& warn);

}  // namespace carewatch::hackernews
