// The words of schema errors: "expected X, got Y" for a failed JSON schema keyword, phrased from
// the schema node that holds the keyword (its type, enum, pattern, bounds, ...).
#pragma once

#include <rapidjson/document.h>

#include <string>

namespace carewatch {

// "a string", "an integer or a string", "one of \"a\", \"b\"" (an enum), "a value" (no type).
std::string types_of(const rapidjson::Value* schema);

// The message for `keyword` failing on `value` under `schema` (the subschema holding it; may be
// null when unknown); `got` is the value as it may be shown.
std::string keyword_message(const std::string& keyword, const rapidjson::Value* schema,
                            const rapidjson::Value& value, const std::string& got);

// "unknown key "x" (known keys: a, b)", or "(no keys allowed here)" when `schema` lists none.
std::string unknown_key_message(const std::string& key, const rapidjson::Value* schema);

}  // namespace carewatch
