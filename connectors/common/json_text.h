// Small text helpers the connectors share: JSON values as text (a string's value,
// a value's JSON, the name of its type in messages), quoting for messages, ASCII lower case.
#pragma once

#include <rapidjson/fwd.h>

#include <string>
#include <string_view>

namespace carewatch::text {

// `s` with ASCII letters in lower case (other bytes unchanged).
std::string lower(std::string s);

// `s` in double quotes for a message: control characters shown as '?', cut after 80 bytes ("...").
std::string quoted(std::string_view s);

// The kind of a JSON value as a message names it: "null", "a boolean", "a number", "a string",
// "an array", "an object".
const char* type_name(const rapidjson::Value& v);

// A JSON value written back as compact JSON text.
std::string to_text(const rapidjson::Value& v);

// The value of a JSON string (which may hold NUL bytes).
std::string json_string(const rapidjson::Value& v);

}  // namespace carewatch::text
