// The strings the API accepts, checked in one place before any route acts on them: every one is
// decoded by the project's strict UTF-8 decoder (mention/utf8.h), path parameters keep to their
// alphabets, and a reply must say something. Each check returns the one-line 400 message, or
// nullopt when the input is fine.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/api/api_match.h"

namespace carewatch {

// "<what>: invalid UTF-8 at byte offset N" for the first byte of `s` that does not start a
// well-formed sequence (offsets count from 0).
std::optional<std::string> utf8_problem(std::string_view s, std::string_view what);


// The route's parameter ({queue} or {uid}, already percent-decoded) against its alphabet:
//   {queue}: at most 64 letters, digits, '-', '_', '.' (as rules files name queues);
//   {uid}:   "<platform>:<id>", at most 512 bytes of UTF-8 without control characters.
std::optional<std::string> route_param_problem(const RouteMatch& match);

// ?limit= of a listing route: `fallback` when absent, else a whole number from 1 to `max`; on
// anything else nullopt and, in `problem`, the 400 message naming the value (its first 40 bytes).
std::optional<size_t> read_limit(const Query& query, size_t fallback, size_t max, std::string& problem);

// ?queue= of a route that lists per queue: "" when absent (every queue), else the name when it
// keeps to the {queue} alphabet and is one of `queues`. Otherwise nullopt, with `status` 400
// (malformed) or 404 (no such queue, the message naming the existing ones) and `problem`.
std::optional<std::string> read_queue_filter(const Query& query, const std::vector<std::string>& queues, int& status,
                                             std::string& problem);
// "queue <name> does not exist; queues: <the existing ones, sorted, or "none yet">".
std::string unknown_queue_message(const std::string& queue, std::vector<std::string> queues);

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
