// ASCII white space in the connectors' plain text: the test of one byte, and runs collapsed (how
// two reply texts are compared, how a plain-text field is cleaned).
#pragma once

#include <string>
#include <string_view>

namespace carewatch::text {

// ' ', '\t', '\n', '\r', '\f' or '\v'.
constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// `s` with every run of white space as one space, trimmed at both ends.
std::string collapse_space(std::string_view s);

}  // namespace carewatch::text
