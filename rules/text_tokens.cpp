#include "rules/text_tokens.h"
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

// Appends the accent-free form of a lowercase code point; returns false if it has none
// (the code point is kept as is).
bool append_folded(std::string& out, char32_t cp) {
  if (cp >= 0x300 && cp <= 0x36F) return true;  // combining accents vanish
  char c = 0;
  if (cp >= 0xC0 && cp <= 0xFF) c = kLatin1Fold[cp - 0xC0];
  else if (cp >= 0x100 && cp <= 0x17F) c = kLatinExtAFold[cp - 0x100];
  switch (c) {
    case 0: return false;
    case '1': out += "ae"; return true;
    case '2': out += "th"; return true;
    case '3': out += "ss"; return true;
    case '4': out += "ij"; return true;
    case '5': out += "oe"; return true;
    default: out.push_back(c); return true;
  }
}

}  // namespace

void TextTokens::assign(std::string_view text) {
  buffer_.clear();
  tokens_.clear();
  code_points_ = 0;
  buffer_.reserve(text.size() + 16);

  Token current;
  bool in_token = false, accented = false;
  std::string folded;  // folded form of the current token, built alongside
  auto finish = [&] {
    if (!in_token) return;
    current.lower_len = static_cast<uint32_t>(buffer_.size() - current.lower_at);
    if (current.prefixed && current.lower_len == 1) {  // a lone '#' or '@' is no token
      buffer_.resize(current.lower_at);
    } else {
      if (accented && folded != std::string_view(buffer_).substr(current.lower_at)) {
        current.folded_at = static_cast<uint32_t>(buffer_.size());
        current.folded_len = static_cast<uint32_t>(folded.size());
        buffer_ += folded;
      }
      tokens_.push_back(current);
    }
    in_token = false;
  };
  auto start = [&](bool prefixed) {
    current = Token{};
    current.lower_at = static_cast<uint32_t>(buffer_.size());
    current.prefixed = prefixed;
    in_token = true;
    accented = false;
    folded.clear();
  };

  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    size_t len = decode_utf8(text, i, cp);
    ++code_points_;
    if (len == 0) {  // invalid byte: a separator
      finish();
      ++i;
      continue;
    }
    i += len;
    if (!is_word(cp)) {
      // '#'/'@' right after a letter or digit ("help@brand") is a separator, not a prefix.
      const bool after_word =
          in_token && buffer_.size() > current.lower_at + (current.prefixed ? 1 : 0);
      const bool prefix = (cp == '#' || cp == '@') && !after_word;
      finish();
      if (prefix) {
        start(true);
        buffer_.push_back(static_cast<char>(cp));
        folded.push_back(static_cast<char>(cp));
      }
      continue;
    }
    if (!in_token) start(false);
    const char32_t lower = to_lower(cp);
    append_utf8(buffer_, lower);
    if (lower >= 0x80 && append_folded(folded, lower)) {
      accented = true;
    } else {
      append_utf8(folded, lower);
    }
  }
  finish();
}

bool TextTokens::matches(size_t i, std::string_view pattern) const {
  bool found = false;
  for_each_form(i, [&](std::string_view form) { found = found || form == pattern; });
  return found;
}

}  // namespace carewatch::rules
