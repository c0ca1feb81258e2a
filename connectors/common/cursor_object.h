// The stored cursor of a connector with several streams is one JSON object; reading its outer
// shape is the same for each of them.
#pragma once

#include <rapidjson/fwd.h>

#include <string>
#include <string_view>

namespace carewatch {

// Parses `text` into `d`: true when it is a JSON object; otherwise false with `error` =
// "cursor: expected a JSON object of <what>, got <text quoted>".
bool parse_cursor_object(const std::string& text, std::string_view what, rapidjson::Document& d, std::string& error);

}  // namespace carewatch
