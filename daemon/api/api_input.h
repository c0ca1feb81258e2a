// The strings the API accepts, checked in one place before any route acts on them: every one is
// decoded by the project's strict UTF-8 decoder (mention/utf8.h), path parameters keep to their
// alphabets, and a reply must say something. Each check returns the one-line 400 message, or
// nullopt when the input is fine.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "daemon/api/api_match.h"

namespace carewatch {

// "<what>: invalid UTF-8 at byte offset N" for the first byte of `s` that does not start a
// well-formed sequence (offsets count from 0).
std::optional<std::string> utf8_problem(std::string_view s, std::string_view what);


// The route's parameter ({queue} or {uid}, already percent-decoded) against its alphabet:
//   {queue}: at most 64 letters, digits, '-', '_', '.' (as rules files name queues);
//   {uid}:   "<platform>:<id>", at most 512 bytes of UTF-8 without control characters.
std::optional<std::string> route_param_problem(const RouteMatch& match);

// A reply body {"text": "..."}: the text, or the problem (bytes, JSON shape, blank text).
// The body of POST /v1/mentions/{uid}/reply: {"text": "...", "external": false}. A problem is
// a 400 message; `rule` is "empty" when the text is missing, empty or blank.
struct ReplyText {
  std::string text;
  bool external = false;
  std::optional<std::string> problem;
  std::string rule;
};
ReplyText read_reply_text(std::string_view body);

}  // namespace carewatch
