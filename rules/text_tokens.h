// Splits mention text into lowercase word tokens, once per mention, for keyword and phrase
// matching.
//
// - Tokens are runs of letters and digits (any non-ASCII code point that is not punctuation, a
//   symbol or an emoji counts as a letter, so accented and non-Latin words stay whole).
// - Lowercasing covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals.
// - Every token also has an accent-folded form ("devolución" → "devolucion", "straße" →
//   "strasse"), so a keyword written without accents matches both spellings.
// - A '#' or '@' directly before a token (and not after a letter or digit) stays part of it:
//   "#refund" is the token "#refund", which matches the keywords "#refund" and "refund".
// - Invalid UTF-8 bytes are separators; nothing here can fail.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch::rules {

// The lowercase form of a code point (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic; others
// unchanged): the one lowercasing of mention and reply text.
char32_t to_lower(char32_t cp);

class TextTokens {
 public:
  TextTokens() = default;
  explicit TextTokens(std::string_view text) { assign(text); }
  void assign(std::string_view text);

  size_t size() const { return tokens_.size(); }
  bool empty() const { return tokens_.empty(); }
  // Number of Unicode code points in the text (invalid bytes count one each).
  size_t code_points() const { return code_points_; }

  std::string_view lower(size_t i) const {
    return std::string_view(buffer_).substr(tokens_[i].lower_at, tokens_[i].lower_len);
  }
  // The accent-folded form; equal to lower(i) when the token has no accents.
  std::string_view folded(size_t i) const {
    const Token& t = tokens_[i];
    return t.folded_len == 0 ? lower(i) : std::string_view(buffer_).substr(t.folded_at, t.folded_len);
  }
  bool has_folded(size_t i) const { return tokens_[i].folded_len != 0; }
  bool prefixed(size_t i) const { return tokens_[i].prefixed; }

  // Calls fn(string_view) for each distinct form a pattern token may take to match token i:
  // its lowercase form, its folded form, and both without the '#'/'@' prefix.
  template <typename Fn>
  void for_each_form(size_t i, Fn&& fn) const {
    const std::string_view l = lower(i);
    fn(l);
    const bool folded = has_folded(i);
    const std::string_view f = folded ? this->folded(i) : std::string_view();
    if (folded) fn(f);
    if (tokens_[i].prefixed) {
      if (l.size() > 1) fn(l.substr(1));
      if (folded && f.size() > 1) fn(f.substr(1));
    }
  }
  // True if the pattern token (as produced by lower() of a pattern) matches token i.
  bool matches(size_t i, std::string_view pattern) const;

 private:
  struct Token {
    uint32_t lower_at = 0, lower_len = 0;
    uint32_t folded_at = 0, folded_len = 0;  // folded_len == 0: same as the lowercase form
    bool prefixed = false;
  };
  std::string buffer_;  // all lowercase and folded forms back to back
  std::vector<Token> tokens_;
  size_t code_points_ = 0;
  std::string folded_;  // the folded form of the token being read, once it has an accent
};

}  // namespace carewatch::rules
