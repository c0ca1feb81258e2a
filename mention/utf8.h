// UTF-8 at the edges: mention text is untrusted bytes. One strict decoder for the whole project
// (well-formed sequences only: no overlong forms, surrogates, values past U+10FFFF or truncated
// sequences) and the repairs built on it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace carewatch {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// Decodes the well-formed sequence at s[i] into `cp` and returns its length (1..4), or 0 when
// the bytes at s[i] are not one. Requires i < s.size().
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp);

// Appends `cp` as UTF-8; surrogates and values past U+10FFFF are written as U+FFFD.
void append_utf8(std::string& out, char32_t cp);

// `s` with every byte that does not start a well-formed sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view s);

}  // namespace carewatch
