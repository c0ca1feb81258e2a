#include "rules/script_check.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

#include "mention/utf8.h"
#include "rules/language_detector.h"

namespace carewatch::rules {

namespace {

enum Script : uint8_t { kUnknown, kLatin, kCyrillic, kGreek, kArabic, kHebrew, kThai, kDevanagari, kHangul, kKana, kHan, kScripts };

// The script of a letter; kUnknown for anything else (digits, punctuation, emoji, marks).
Script script_of(char32_t cp) {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return kLatin;
  if (cp < 0xC0) return kUnknown;
  if (cp <= 0x24F && cp != 0xD7 && cp != 0xF7) return kLatin;  // Latin-1 letters, Latin Extended-A/B
  if (cp >= 0x1E00 && cp <= 0x1EFF) return kLatin;              // Latin Extended Additional (Vietnamese)
  if (cp >= 0x370 && cp <= 0x3FF) return kGreek;
  if (cp >= 0x400 && cp <= 0x52F) return kCyrillic;
  if (cp >= 0x590 && cp <= 0x5FF) return kHebrew;
  if ((cp >= 0x600 && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F)) return kArabic;
  if (cp >= 0x900 && cp <= 0x97F) return kDevanagari;
  if (cp >= 0xE00 && cp <= 0xE7F) return kThai;
  if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) || (cp >= 0xAC00 && cp <= 0xD7AF)) return kHangul;
  if (cp >= 0x3040 && cp <= 0x30FF) return kKana;
  if ((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF)) return kHan;
  if (cp >= 0xFF66 && cp <= 0xFF9F) return kKana;                                       // half-width katakana
  if ((cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A)) return kLatin;  // full-width Latin
  return kUnknown;
}

constexpr uint32_t bit(Script s) { return uint32_t{1} << s; }

// A language's primary subtag (up to 3 letters, lower case) packed into an integer.
constexpr uint32_t pack(std::string_view code) {
  uint32_t k = 0;
  for (const char c : code) k = (k << 8) | static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return k;
}

struct TagScripts {
  uint32_t key;
  uint32_t scripts;
};

// The scripts languages are written in, by primary subtag, sorted by key.
constexpr auto kTagScripts = [] {
  constexpr std::pair<std::string_view, uint32_t> kList[] = {
      {"en", bit(kLatin)}, {"es", bit(kLatin)}, {"fr", bit(kLatin)}, {"de", bit(kLatin)}, {"pt", bit(kLatin)},
      {"it", bit(kLatin)}, {"nl", bit(kLatin)}, {"sv", bit(kLatin)}, {"da", bit(kLatin)}, {"no", bit(kLatin)},
      {"nb", bit(kLatin)}, {"nn", bit(kLatin)}, {"fi", bit(kLatin)}, {"pl", bit(kLatin)}, {"cs", bit(kLatin)},
      {"sk", bit(kLatin)}, {"sl", bit(kLatin)}, {"hr", bit(kLatin)}, {"ro", bit(kLatin)}, {"hu", bit(kLatin)},
      {"tr", bit(kLatin)}, {"id", bit(kLatin)}, {"ms", bit(kLatin)}, {"tl", bit(kLatin)}, {"vi", bit(kLatin)},
      {"ca", bit(kLatin)}, {"eu", bit(kLatin)}, {"gl", bit(kLatin)}, {"et", bit(kLatin)}, {"lv", bit(kLatin)},
      {"lt", bit(kLatin)}, {"sq", bit(kLatin)}, {"is", bit(kLatin)}, {"ga", bit(kLatin)}, {"cy", bit(kLatin)},
      {"af", bit(kLatin)}, {"sw", bit(kLatin)}, {"lb", bit(kLatin)}, {"mt", bit(kLatin)}, {"fil", bit(kLatin)},
      {"ru", bit(kCyrillic)}, {"uk", bit(kCyrillic)}, {"bg", bit(kCyrillic)}, {"be", bit(kCyrillic)},
      {"mk", bit(kCyrillic)}, {"kk", bit(kCyrillic)}, {"ky", bit(kCyrillic)}, {"mn", bit(kCyrillic)},
      {"tg", bit(kCyrillic)}, {"el", bit(kGreek)}, {"ar", bit(kArabic)}, {"fa", bit(kArabic)},
      {"ur", bit(kArabic)}, {"ps", bit(kArabic)}, {"he", bit(kHebrew)}, {"yi", bit(kHebrew)},
      {"th", bit(kThai)}, {"hi", bit(kDevanagari)}, {"mr", bit(kDevanagari)}, {"ne", bit(kDevanagari)},
      {"ko", bit(kHangul) | bit(kHan)}, {"ja", bit(kKana) | bit(kHan)}, {"zh", bit(kHan)}};
  std::array<TagScripts, sizeof kList / sizeof kList[0]> t{};
  for (size_t i = 0; i < t.size(); ++i) t[i] = {pack(kList[i].first), kList[i].second};
  std::sort(t.begin(), t.end(), [](const TagScripts& a, const TagScripts& b) { return a.key < b.key; });
  return t;
}();

// The scripts a tag's language is written in, one bit each; 0 for a tag not known here.
uint32_t scripts_of_tag(std::string_view tag) {
  const std::string_view primary = primary_subtag(tag);
  if (primary.empty() || primary.size() > 3) return 0;
  const uint32_t key = pack(primary);
  const auto it = std::lower_bound(kTagScripts.begin(), kTagScripts.end(), key,
                                   [](const TagScripts& e, uint32_t k) { return e.key < k; });
  return it != kTagScripts.end() && it->key == key ? it->scripts : 0;
}

// False if `text` cannot hold a letter outside the Latin script: every byte is ASCII, a
// continuation byte, or the lead of a two-byte character below U+0340 (Latin-1, Latin
// Extended), of U+2000-U+2FFF (punctuation, symbols, arrows, dingbats), of U+FE00-U+FE3F
// (variation selectors, as after an emoji) or of a four-byte one (emoji).
bool may_hold_other_scripts(std::string_view text) {
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + 8 <= n) {  // eight ASCII bytes at a time
      uint64_t v;
      std::memcpy(&v, text.data() + i, 8);
      if ((v & 0x8080808080808080ull) == 0) {
        i += 7;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0xCD || c >= 0xF0 || c == 0xE2) continue;
    if (c == 0xEF && i + 1 < n && static_cast<unsigned char>(text[i + 1]) == 0xB8) continue;
    return true;
  }
  return false;
}

}  // namespace

bool script_contradicts(std::string_view text, std::string_view tag) {
  const uint32_t allowed = scripts_of_tag(tag);
  if (allowed == 0) return false;
  if (allowed == bit(kLatin) && !may_hold_other_scripts(text)) return false;
  std::array<size_t, kScripts> letters{};
  size_t total = 0;
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const size_t n = decode_utf8(text, i, cp);
    if (n == 0) {
      ++i;
      continue;
    }
    i += n;
    const Script s = script_of(cp);
    if (s == kUnknown) continue;
    ++letters[s];
    ++total;
  }
  if (total < 4) return false;
  size_t foreign = 0;
  for (size_t s = kLatin; s < kScripts; ++s)
    if (!(allowed & (uint32_t{1} << s))) foreign += letters[s];
  return foreign * 10 >= total * 6;
}

}  // namespace carewatch::rules
