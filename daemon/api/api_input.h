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

// True when `text` (valid UTF-8) holds nothing but white space and invisible format characters
// (spaces, tabs, line breaks, no-break and ideographic spaces, zero-width spaces and joiners, BOM).
bool is_blank(std::string_view text);

// The route's parameter ({queue} or {uid}, already percent-decoded) against its alphabet:
//   {queue}: at most 64 letters, digits, '-', '_', '.' (as rules files name queues);
//   {uid}:   "<platform>:<id>", at most 512 bytes of UTF-8 without control characters.
std::optional<std::string> route_param_problem(const RouteMatch& match);

// A reply body {"text": "..."}: the text, or the problem (bytes, JSON shape, blank text).
struct ReplyText {
  std::string text;
  std::optional<std::string> problem;
};
ReplyText read_reply_text(std::string_view body);

}  // namespace carewatch
