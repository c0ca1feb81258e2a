// A YouTube comment (the Data API's comment resource, as JSON) -> Mention.
//
// platform "youtube", native_id = the comment's id (a reply's is "<thread id>.<reply id>"), text =
// snippet.textOriginal (the text as written), else snippet.textDisplay (plain text: the connector
// asks for textFormat=plainText), author {id = snippet.authorChannelId.value, handle and
// display_name = snippet.authorDisplayName (YouTube's handles start with '@'), followers 0 (a
// comment does not say)}, url = https://www.youtube.com/watch?v=<video>&lc=<comment id> (empty for
// a comment on the channel rather than a video), parent_id = snippet.parentId (a reply's thread),
// conversation_id = the thread's id, posted_at = snippet.publishedAt, no language (YouTube gives
// none), raw = the comment JSON.
//
// A comment without a string id, a snippet object, a readable publishedAt (the cursor orders by
// it) or any text is skipped with a warning naming the field
// ("channel UC...: items[3].snippet.topLevelComment.snippet.publishedAt: expected a string, got a
// number").
#pragma once

#include <rapidjson/fwd.h>

#include <functional>
#include <optional>
#include <string>

#include "mention/common/time.h"
#include "mention/mention.h"

namespace carewatch::youtube {

using Warn = std::function<void(std::string)>;

// Where a comment came from.
struct CommentOrigin {
  std::string source;     // Mention::source
  std::string label;      // the stream in messages: "channel UC..."
  std::string thread_id;  // the thread's id: conversation_id, and the parent of its replies
  std::string video_id;   // the thread's video (snippet.videoId), empty for a channel comment
};

// The watch URL of a comment: "https://www.youtube.com/watch?v=<video>&lc=<comment>"; empty
// without a video.
std::string comment_url(const std::string& video_id, const std::string& comment_id);

// The video id in a comment's watch URL (comment_url), empty when there is none.
std::string video_of_url(const std::string& url);

// Maps `comment`, seen at `now`; `path` names it in its page ("items[3].snippet.topLevelComment").
std::optional<Mention> comment_to_mention(const rapidjson::Value& comment, const std::string& path,
                                          const CommentOrigin& origin, TimeMs now, const Warn& warn);

}  // namespace carewatch::youtube
