// A Bluesky post, as the App View shows it, -> Mention. Both lists carry the same fields: a
// postView of searchPosts ({uri, cid, author, record, indexedAt, ...}) and a notification of
// listNotifications ({uri, cid, author, reason, record, indexedAt, isRead, ...}).
//
// platform "bluesky", native_id = the post's at:// uri, text = record.text with each link facet's
// shortened text ("acme.example/bag...") replaced by its full uri, language = record.langs[0],
// author {id = did, handle, display_name = displayName, followers 0 (these views have no
// counts)}, url = https://bsky.app/profile/<handle or did>/post/<rkey>, parent_id =
// record.reply.parent.uri, conversation_id = record.reply.root.uri (a post that starts a thread:
// its own uri), posted_at = record.createdAt (else indexedAt), seen_at = the poll's time, raw =
// the view's JSON (its cid and reply refs are what a reply needs), source = the source's name.
//
// A view with a missing or mistyped uri, cid, author.did, author.handle, record or record.text is
// skipped with a warning naming the field ("notifications: notifications[3].uri: expected a
// string, got a number"); a record that is not an app.bsky.feed.post (a like, a follow) is not a
// mention and is skipped silently.
#pragma once

#include <rapidjson/fwd.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "mention/common/time.h"
#include "mention/mention.h"

namespace carewatch::bluesky {

inline constexpr const char* kPlatform = "bluesky";

// Receives one warning about the batch being read.
using Warn = std::function<void(std::string)>;

// The parts of an at:// uri: at://<did>/<collection>/<rkey>; nullopt when it is not one.
struct AtUri {
  std::string repo, collection, rkey;
};
std::optional<AtUri> parse_at_uri(std::string_view uri);

// A post's web permalink: https://bsky.app/profile/<handle or did>/post/<rkey> ("" when `uri` is
// not a post's).
std::string post_url(const std::string& uri, const std::string& handle_or_did);

// The time a list orders an item by: the earlier of its indexedAt and record.createdAt; nullopt
// when neither can be read.
std::optional<TimeMs> sort_time(const rapidjson::Value& view);

// The item's uri, or "" when it has none.
std::string view_uri(const rapidjson::Value& view);

// Maps `view`, seen at `now`. `label` names the stream and `path` the item in its page
// ("notifications[3]"); problems go to `warn` as "<label>: <path>.<field>: <what>".
std::optional<Mention> post_to_mention(const rapidjson::Value& view, const std::string& label, const std::string& path,
                                       const std::string& source, TimeMs now, const Warn& warn);

}  // namespace carewatch::bluesky
