// The agent's desk's request bodies and parameters, checked before any desk route acts on them
// (the generic checks, UTF-8 and the path alphabets, are api_input.h's). Each reader returns the
// values or the one-line 400 message naming the field. No I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace carewatch {

// POST /v1/mentions/{uid}/handoff: {"queue": "<queue>", "note": "<optional text>"}.
struct HandoffBody {
  std::string queue;
  std::string note;  // "" = none
  std::optional<std::string> problem;
};
HandoffBody read_handoff_body(std::string_view body);

// A body with one required non-blank string member (notes {"text"}, replies/check {"text"},
// unlink {"identity"}): the string, or the problem.
struct TextBody {
  std::string text;
  std::optional<std::string> problem;
};
TextBody read_text_body(std::string_view body, const char* member);

// POST /v1/customers/link: {"a": "<identity>", "b": "<identity>"}, two different identities.
struct LinkBody {
  std::string a, b;
  std::optional<std::string> problem;
};
LinkBody read_link_body(std::string_view body);

// An identity "<platform>:<author id>": a platform of 1 to 32 lowercase letters, digits, '-' or
// '_', then a non-empty author id of at most 512 bytes without control characters. The problem
// names `what` (the field or the path parameter).
std::optional<std::string> identity_problem(std::string_view identity, std::string_view what);

// The form of a reply text the same-text warning compares: white space trimmed at both ends,
// each run of white space one space, letters lowercased (rules/text_tokens.h to_lower). The
// text must be valid UTF-8.
std::string same_text_form(std::string_view text);

// The longest note (bytes of UTF-8).
inline constexpr size_t kMaxNoteBytes = 4000;

}  // namespace carewatch
