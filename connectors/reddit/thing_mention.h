// Reddit things (a listing's children: {"kind": "t1"|"t3", "data": {...}}) -> Mention.
//
// A comment (t1: /r/{sub}/comments, /message/mentions, /user/{name}/comments): native_id = its
// fullname ("t1_" + id; "name"), text = markdown_to_text(body), parent_id = parent_id (the post
// "t3_..." for a top-level comment, else the comment "t1_..." it answers), conversation_id = the
// post (link_id, or for an inbox mention the post id in its context path), url =
// https://www.reddit.com + permalink (an inbox mention has none: its context path without the
// query), or one built from subreddit, post and id.
// A post (t3: /r/{sub}/new, /search): native_id = "t3_" + id, text = title, a blank line and
// markdown_to_text(selftext) (a link post: the title and the link), conversation_id = its
// fullname, url = https://www.reddit.com + permalink (the query of a search result's permalink,
// "?ref=search_posts", dropped).
// Both: platform "reddit", author {id = author_fullname ("t2_..."), handle = author,
// display_name = "u/" + author, followers 0 (Reddit does not say)}, posted_at = created_utc,
// seen_at = the poll's time, raw = the thing's data as JSON. No language: Reddit has none.
//
// What is skipped: a thing of another kind, a deleted or removed item (author "[deleted]" and a
// body or selftext "[deleted]"/"[removed]": nothing to answer), silently but still seen; a thing
// with a missing or wrong-typed name, id, created_utc, author or text, with a warning naming the
// field ("r/acmeair comments: children[3].data.created_utc: expected a number, got a string").
#pragma once

#include <rapidjson/fwd.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mention/common/time.h"
#include "mention/mention.h"

namespace carewatch::reddit {

using Warn = std::function<void(std::string)>;

// One child of a listing, read far enough to place it in its stream.
struct Thing {
  std::string fullname;          // "t1_..." / "t3_..."; empty when unreadable (skipped)
  std::int64_t created = 0;      // created_utc, seconds
  std::optional<Mention> mention;  // empty: deleted, another kind, or unreadable
};

// Reads child `index` of a listing of stream `label` (for messages), seen at `now`, for source
// `source`. Problems go to `warn` as "<label>: children[<index>].<field>: <what>".
Thing read_thing(const rapidjson::Value& child, size_t index, const std::string& label, const std::string& source,
                 TimeMs now, const Warn& warn);

// The https://www.reddit.com URL of a permalink path ("/r/x/comments/..."), without its query.
std::string permalink_url(const std::string& path);

}  // namespace carewatch::reddit
