// How a configuration value is shown in an error message: as JSON text, never a secret. Values of
// secret-looking keys (password, token, secret, key, ...) are described by their length only, and
// a password inside a URL is masked.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace carewatch {

// The value as compact JSON text.
std::string json_text(const rapidjson::Value& v);
// `s` as a JSON string literal, quotes and escapes included.
std::string json_quoted(std::string_view s);

// "redis://:hunter2@host" -> "redis://:***@host" (and user:pass@ likewise).
std::string mask_url_password(std::string s);

// True when the last key of `path` names a secret: one of its '_'/'-' separated words is key,
// password, token, secret, ... ("access_token", "key_sha256"; not "keywords").
bool is_secret_key(const std::string& path);

// What `v`, found at `path`, looks like after "got ": "an object", "an array", 7, "text" (long
// strings shortened, URL passwords masked), or "a string of N characters (not shown)" for a secret.
std::string redacted(const rapidjson::Value& v, const std::string& path);

}  // namespace carewatch
