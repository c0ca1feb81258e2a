// Server-Sent Events framing (the text/event-stream format): one event is an optional
// "event: <name>" line, one "data: " line per line of the payload (a payload's CR, LF or CRLF
// starts a new data line; the browser joins them with LF), and a blank line. Comments (": ping")
// and the reconnection delay ("retry: <ms>") are frames of their own.
#pragma once

#include <string>
#include <string_view>

namespace carewatch {

// `name` must be one line (its CR/LF are dropped); `data` may hold any text.
std::string sse_event(std::string_view name, std::string_view data);
std::string sse_comment(std::string_view text);
std::string sse_retry(int milliseconds);

}  // namespace carewatch
