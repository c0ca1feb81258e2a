// A page of X API v2 posts ({"data": [...], "includes": {"users": [...]}, "meta": {...},
// "errors": [...]}, as GET /2/users/:id/mentions and GET /2/tweets/search/recent answer) ->
// Mentions.
//
// Each post: platform "x", native_id = id, text = note_tweet.text when the post is longer than
// 280 characters (X cuts `text` then), else text, with X's &amp; &lt; &gt; decoded; author {id =
// author_id, handle = username, display_name = name, followers = public_metrics.followers_count,
// verified} from includes.users; url = https://x.com/<username>/status/<id>
// (https://x.com/i/web/status/<id> when the author is not included); parent_id = the
// referenced_tweets entry of type "replied_to"; conversation_id; language = lang, empty for X's
// "und" and its other codes of no language ("zxx", and "qme", "qht", ... for posts of only media,
// hashtags, ...); posted_at = created_at; raw = the post's JSON.
//
// Reposts (a referenced_tweets entry of type "retweeted") are skipped without a warning: they
// repeat someone else's post (they are still read, so billed, and counted). A post with a missing
// or wrong-typed id or text, or a wrong-typed author_id, is skipped with a warning naming the
// field ("mentions: data[3].id: expected a string, got a number"); one without a readable
// created_at is kept with a warning and the time its snowflake id gives. X's partial errors (a 200 whose "errors" says
// a post or user could not be read, e.g. deleted or suspended) become warnings.
#pragma once

#include <rapidjson/fwd.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mention/common/time.h"
#include "mention/mention.h"

namespace carewatch::x {

using Warn = std::function<void(std::string)>;

// One post of a page, in the page's order (newest first).
struct PagePost {
  std::string id;
  std::optional<Mention> mention;  // empty: a repost, or skipped with a warning
  bool repost = false;
};

struct Page {
  std::vector<PagePost> posts;  // those with a valid id
  size_t read = 0;              // entries of "data", whatever became of them (what X bills)
  std::string next_token;       // meta.next_token, empty on the last page
  std::string newest_id;        // meta.newest_id, when given
};

// Reads `doc`, a page of stream `label` ("mentions", "search \"acme\""), for source `source`,
// seen at `now`. Problems with single posts go to `warn`; a page that cannot be read at all (not
// an object, "data" not an array, a wrong-typed next_token) returns its problem.
std::optional<std::string> read_page(const rapidjson::Value& doc, const std::string& label, const std::string& source,
                                     TimeMs now, const Warn& warn, Page& page);

// `text` with the entities X writes in post text (&amp; &lt; &gt;, and &quot; &#39; to be safe)
// decoded.
std::string decode_post_text(std::string_view text);

// The language of X's lang: "" for "und", "zxx" and X's "q.." codes.
std::string language_of(std::string_view lang);

}  // namespace carewatch::x
