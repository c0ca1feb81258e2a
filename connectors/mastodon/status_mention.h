// A Mastodon status (the REST API's Status entity, as JSON) -> Mention.
//
// platform "mastodon", native_id = status id, url = url or uri, text = html_to_text(content),
// prefixed "CW: <spoiler_text> — " when the status has a content warning, language, author {id,
// handle = acct qualified with the instance's host name when it has no '@' ("alice" on
// mastodon.social -> "alice@mastodon.social"), display_name, followers = followers_count,
// verified = false (Mastodon has no verified accounts)}, parent_id = in_reply_to_id,
// conversation_id = in_reply_to_id or, for a status that starts a thread, its own id (the REST
// entity has no conversation id), posted_at = created_at, seen_at = the poll's time, raw = the
// status JSON, source = the source's name.
//
// A reblog (boost) is skipped without a warning: it repeats someone else's status. A status with a
// missing or mistyped id or account is skipped with a warning naming the field
// ("#acmeair: statuses[3].id: expected a string, got a number"); one without a readable created_at
// is kept with posted_at 0 and a warning.
#pragma once

#include <rapidjson/fwd.h>

#include <functional>
#include <optional>
#include <string>

#include "mention/common/time.h"
#include "mention/mention.h"

namespace carewatch::mastodon {

// Receives one warning about the batch being read.
using Warn = std::function<void(std::string)>;

// Where a status came from.
struct StatusOrigin {
  std::string source;  // the source's name (Mention::source)
  std::string host;    // the instance's host name, which qualifies local handles
  std::string label;   // the stream in messages: "#acmeair", "notifications", "search \"...\""
};

// What became of a status: a mention, or nothing (a reblog, or skipped with a warning).
struct StatusMention {
  std::optional<Mention> mention;
  bool reblog = false;
};

// Maps `status`, seen at `now`. `path` names it in its page ("statuses[3]",
// "notifications[2].status"); problems go to `warn` as "<label>: <path>.<field>: <what>".
StatusMention status_to_mention(const rapidjson::Value& status, const std::string& path,
                                const StatusOrigin& origin, TimeMs now, const Warn& warn);

}  // namespace carewatch::mastodon
