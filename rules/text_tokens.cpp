#include "rules/text_tokens.h"

#include <array>
#include <cstring>

#include "mention/utf8.h"

namespace carewatch::rules {

namespace {

bool is_ascii_alnum(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

// Word characters: ASCII letters and digits, and every non-ASCII code point outside the blocks
// of punctuation, symbols, emoji and invisible formatting characters.
bool is_word(char32_t cp) {
  if (cp < 0x80) return is_ascii_alnum(cp);
  if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7) return false;       // C1 controls, Latin-1 symbols
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;                  // punctuation .. arrows, dingbats
  if (cp >= 0x2E00 && cp <= 0x2E7F) return false;                  // supplemental punctuation
  if (cp >= 0x3000 && cp <= 0x303F) return false;                  // CJK punctuation
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;                  // variation selectors
  if (cp >= 0xFE30 && cp <= 0xFE6F) return false;                  // compatibility punctuation
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;                  // fullwidth punctuation
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return false;                  // specials
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;                // emoji, pictographs
  if (cp >= 0xE0000 && cp <= 0xE007F) return false;                // tag characters
  return true;
}


// ASCII base letters of U+00C0..U+00FF (lowercase forms; '\0' = not a letter).
// "1" = "ae", "2" = "th", "3" = "ss".
constexpr char kLatin1Fold[] =
    "aaaaaa1ceeeeiiiidnooooo\0ouuuuy23"   // U+00C0..U+00DF (capitals; only ß is reached)
    "aaaaaa1ceeeeiiiidnooooo\0ouuuuy2y";  // U+00E0..U+00FF
static_assert(sizeof(kLatin1Fold) == 0x40 + 1);
// ASCII base letters of U+0100..U+017F; "4" = "ij", "5" = "oe".
constexpr char kLatinExtAFold[] =
    "aaaaaacccccccc"  // 0100-010D
    "dddd"            // 010E-0111
    "eeeeeeeeee"      // 0112-011B
    "gggggggg"        // 011C-0123
    "hhhh"            // 0124-0127
    "iiiiiiiiii"      // 0128-0131
    "44jjkkk"         // 0132-0138
    "llllllllll"      // 0139-0142
    "nnnnnnnnn"       // 0143-014B
    "oooooo55"        // 014C-0153
    "rrrrrr"          // 0154-0159
    "ssssssss"        // 015A-0161
    "tttttt"          // 0162-0167
    "uuuuuuuuuuuu"    // 0168-0173
    "wwyyyzzzzzzs";   // 0174-017F
static_assert(sizeof(kLatinExtAFold) == 0x80 + 1);

// The accent-free form of a lowercase code point, written to `out` (at most 2 bytes); returns
// its length, 0 for a combining accent (which vanishes), or -1 if the code point has none (it is
// kept as is).
int fold(char32_t cp, char out[2]) {
  if (cp >= 0x300 && cp <= 0x36F) return 0;  // combining accents vanish
  char c = 0;
  if (cp >= 0xC0 && cp <= 0xFF) c = kLatin1Fold[cp - 0xC0];
  else if (cp >= 0x100 && cp <= 0x17F) c = kLatinExtAFold[cp - 0x100];
  const char* pair = nullptr;
  switch (c) {
    case 0: return -1;
    case '1': pair = "ae"; break;
    case '2': pair = "th"; break;
    case '3': pair = "ss"; break;
    case '4': pair = "ij"; break;
    case '5': pair = "oe"; break;
    default: out[0] = c; return 1;
  }
  out[0] = pair[0];
  out[1] = pair[1];
  return 2;
}

// Lowercase form of each ASCII byte that is a word character (letter or digit); 0 for the rest.
constexpr auto kAsciiWordLower = [] {
  std::array<char, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<char>(c);
  for (int c = 'a'; c <= 'z'; ++c) t[c] = static_cast<char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<char>(c - 'A' + 'a');
  return t;
}();

// Writes `cp` (a valid code point, not a surrogate) as UTF-8 at `out`; returns its length.
size_t put_utf8(char* out, char32_t cp) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

}  // namespace

char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;   // Latin-1
  if (cp >= 0x100 && cp <= 0x17F) {                                 // Latin Extended-A
    if (cp == 0x130) return 'i';
    if (cp == 0x178) return 0xFF;
    if (cp <= 0x137 || (cp >= 0x14A && cp <= 0x177)) return (cp % 2 == 0) ? cp + 1 : cp;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return (cp % 2 == 1) ? cp + 1 : cp;
    return cp;
  }
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 0x20;  // Greek
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;                 // Cyrillic
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

// One pass over the bytes, writing straight into buffer_: ASCII bytes (most of most texts) take
// a table lookup; other code points are decoded, classified and lowercased. A token's folded
// form is only built once it meets an accent: until then it equals the lowercase form.
void TextTokens::assign(std::string_view text) {
  tokens_.clear();
  code_points_ = 0;
  // Room for everything: a lowercase code point is never longer in UTF-8 than the original, a
  // folded form never longer than the lowercase one, so 2 bytes of output per byte of input.
  buffer_.resize(2 * text.size() + 8);
  char* const out = buffer_.data();
  size_t w = 0;  // bytes written to buffer_

  Token current;
  bool in_token = false, accented = false;
  auto finish = [&] {
    if (!in_token) return;
    current.lower_len = static_cast<uint32_t>(w - current.lower_at);
    if (current.prefixed && current.lower_len == 1) {  // a lone '#' or '@' is no token
      w = current.lower_at;
    } else {
      if (accented && folded_ != std::string_view(out + current.lower_at, current.lower_len)) {
        current.folded_at = static_cast<uint32_t>(w);
        current.folded_len = static_cast<uint32_t>(folded_.size());
        std::memcpy(out + w, folded_.data(), folded_.size());
        w += folded_.size();
      }
      tokens_.push_back(current);
    }
    in_token = false;
  };
  auto start = [&](bool prefixed) {
    current = Token{};
    current.lower_at = static_cast<uint32_t>(w);
    current.prefixed = prefixed;
    in_token = true;
    accented = false;
  };
  // A character that is not part of a word ends the token; '#'/'@' may start a prefixed one.
  auto separator = [&](char32_t cp) {
    // '#'/'@' right after a letter or digit ("help@brand") is a separator, not a prefix.
    const bool after_word = in_token && w > current.lower_at + (current.prefixed ? 1 : 0);
    const bool prefix = (cp == '#' || cp == '@') && !after_word;
    finish();
    if (prefix) {
      start(true);
      out[w++] = static_cast<char>(cp);
    }
  };

  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    ++code_points_;
    if (byte < 0x80) {
      ++i;
      const char lower = kAsciiWordLower[byte];
      if (lower == 0) {
        separator(byte);
        continue;
      }
      if (!in_token) start(false);
      out[w++] = lower;
      if (accented) folded_.push_back(lower);
      continue;
    }
    char32_t cp = 0;
    const size_t len = decode_utf8(text, i, cp);
    if (len == 0) {  // invalid byte: a separator
      finish();
      ++i;
      continue;
    }
    i += len;
    if (!is_word(cp)) {
      separator(cp);
      continue;
    }
    if (!in_token) start(false);
    const char32_t lower = to_lower(cp);
    const size_t at = w;
    w += put_utf8(out + w, lower);
    char f[2];
    const int n = lower >= 0x80 ? fold(lower, f) : -1;
    if (n >= 0) {
      if (!accented) {  // the folded form so far is the lowercase form so far
        folded_.assign(out + current.lower_at, at - current.lower_at);
        accented = true;
      }
      folded_.append(f, static_cast<size_t>(n));
    } else if (accented) {
      folded_.append(out + at, w - at);
    }
  }
  finish();
  buffer_.resize(w);
}

bool TextTokens::matches(size_t i, std::string_view pattern) const {
  bool found = false;
  for_each_form(i, [&](std::string_view form) { found = found || form == pattern; });
  return found;
}

}  // namespace carewatch::rules
