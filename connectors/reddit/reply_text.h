// Reddit replies: the text rules and the answers of POST /api/comment.
//
// A comment is at most 10,000 characters (Unicode code points, the text as posted: markdown).
// POST /api/comment with api_type=json answers 200 with
//   {"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": {<the comment>}}]}}}
// or, refused, {"json": {"errors": [["THREAD_LOCKED", "that comment is locked", "parent"]]}};
// a rate limit is the error RATELIMIT, its wait in the message ("you are doing that too much.
// try again in 6 minutes.") and often in "json.ratelimit" (seconds).
#pragma once

#include <rapidjson/fwd.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.h"

namespace carewatch::reddit {

inline constexpr size_t kMaxCommentLength = 10000;

// Code points of `text` (invalid bytes count one each).
size_t comment_length(std::string_view text);

struct CommentError {
  std::string code;     // "RATELIMIT", "THREAD_LOCKED", ...
  std::string message;  // Reddit's words
  std::string field;    // "ratelimit", "parent", "text", ... may be empty
};

// What POST /api/comment answered.
struct CommentAnswer {
  std::optional<PostedReply> post;       // the comment made
  std::vector<CommentError> errors;      // json.errors
  std::optional<std::chrono::milliseconds> wait;  // a RATELIMIT's wait
  std::string problem;                   // the answer is not one of these shapes (what is wrong)
};
CommentAnswer read_comment_answer(const rapidjson::Value& doc);

// The wait of a RATELIMIT message: "try again in 6 minutes." -> 6 min, "in 40 seconds" -> 40 s,
// "in 1 minute" -> 1 min; nullopt without one.
std::optional<std::chrono::milliseconds> ratelimit_wait(std::string_view message);

// The comment a thing's data is (a t1 of /api/comment or /user/<name>/comments): its fullname,
// https://www.reddit.com + permalink, created_utc. nullopt without a usable name.
std::optional<PostedReply> posted_comment(const rapidjson::Value& data);

// Whether a comment body read back from Reddit (entity-escaped markdown) is `text` as posted:
// both with &amp; &lt; &gt; decoded, CR LF as LF, white space at line ends and around the whole
// dropped (Reddit trims what it stores).
bool same_comment_text(std::string_view body, std::string_view text);

}  // namespace carewatch::reddit
