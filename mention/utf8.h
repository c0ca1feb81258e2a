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

// True when `text` holds nothing but white space and invisible format characters (spaces, tabs,
// line breaks, no-break and ideographic spaces, zero-width spaces and joiners, BOM); false for
// invalid UTF-8. The one test of "says nothing" (a reply's text, in the API and the connectors).
bool is_blank(std::string_view text);

// The number of code points in `s`, each byte that does not start a well-formed sequence counted
// as one (the length a platform that counts characters sees).
std::size_t code_points(std::string_view s);

// `s` with every byte that does not start a well-formed sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view s);

}  // namespace carewatch
