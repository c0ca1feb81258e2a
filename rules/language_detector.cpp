#include "rules/language_detector.h"
#include "mention/utf8.h"

#include <cstdio>  // compact_lang_det.h uses FILE without including it

#include <compact_lang_det.h>
#include <encodings.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace carewatch::rules {

namespace {

// Enough text to tell a language apart; a mention longer than this is judged by its beginning,
// which keeps the cost of one detection bounded.
constexpr std::size_t kMaxDetectBytes = 4096;

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Whether a code point is given to CLD2 as it is: control characters (other than tab and line
// breaks) and non-characters carry no language and become spaces.
bool passes(char32_t cp) {
  const bool control = (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp < 0xA0);
  const bool nonchar = (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
  return !control && !nonchar;
}

// True if `text` goes to CLD2 unchanged: short enough, well-formed, and every code point passes.
// Printable ASCII (most of most texts) is checked a byte at a time without decoding.
bool already_clean(std::string_view text) {
  if (text.size() > kMaxDetectBytes) return false;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x7F) {
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = decode_utf8(text, i, cp);
    if (len == 0 || !passes(cp)) return false;
    i += len;
  }
  return true;
}

// What CLD2 is given, written to `out`: valid, interchange-safe UTF-8 of at most kMaxDetectBytes,
// cut at a character boundary. Malformed sequences become U+FFFD; code points that do not pass
// become spaces.
void sanitise(std::string_view text, std::string& out) {
  if (already_clean(text)) {  // the common case: a plain copy
    out.assign(text);
    return;
  }
  out.clear();
  out.reserve(std::min(text.size(), kMaxDetectBytes));
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const std::size_t len = decode_utf8(text, i, cp);
    std::string_view piece;
    if (len == 0) {
      piece = kReplacement;
      i += 1;
    } else {
      piece = passes(cp) ? text.substr(i, len) : std::string_view(" ");
      i += len;
    }
    if (out.size() + piece.size() > kMaxDetectBytes) break;
    out += piece;
  }
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

CLD2::Language hint_language(std::string_view hint) {
  if (hint.empty() || hint.size() > 64) return CLD2::UNKNOWN_LANGUAGE;
  for (char c : hint) {  // a BCP-47-ish tag; anything else is no hint at all
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return CLD2::UNKNOWN_LANGUAGE;
  }
  // CLD2's name lookup is a search through its tables; a platform sends a handful of distinct
  // tags, so each thread remembers the last few answers (the lookup is a pure function).
  struct Known {
    std::string tag;
    CLD2::Language language;
  };
  constexpr std::size_t kRemembered = 16;
  thread_local std::array<Known, kRemembered> known;
  thread_local std::size_t known_count = 0, next = 0;
  for (std::size_t k = 0; k < known_count; ++k)
    if (known[k].tag == hint) return known[k].language;
  const std::string tag = ascii_lower(hint);  // CLD2 knows "pt-br", not "PT-BR"
  const CLD2::Language language = CLD2::GetLanguageFromName(tag.c_str());
  known[next] = Known{std::string(hint), language};
  next = (next + 1) % kRemembered;
  known_count = std::min(known_count + 1, kRemembered);
  return language;
}

// CLD2's code for a language, lower-cased: ISO 639-1 where one exists ("en", "zh-hant"), "" for
// unknown and for CLD2's script-only pseudo-languages ("xx-Kana", ...).
std::string language_code(CLD2::Language lang) {
  if (lang == CLD2::UNKNOWN_LANGUAGE) return {};
  const char* raw = CLD2::LanguageCode(lang);
  std::string code = ascii_lower(raw ? raw : "");
  if (code == "un" || code.empty() || code.rfind("xx", 0) == 0) return {};
  return code;
}

// One CLD2 pass over sanitised text.
struct Pass {
  CLD2::Language language = CLD2::UNKNOWN_LANGUAGE;
  bool reliable = false;
  int percent = 0;
  double score = 0;  // CLD2's normalised score of the top language: how well the text fits it
};

Pass run_cld2(const std::string& clean, CLD2::Language hint) {
  CLD2::CLDHints hints{nullptr, nullptr, CLD2::UNKNOWN_ENCODING, hint};
  CLD2::Language language3[3] = {CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE,
                                 CLD2::UNKNOWN_LANGUAGE};
  int percent3[3] = {0, 0, 0};
  double normalized_score3[3] = {0, 0, 0};
  int text_bytes = 0;
  Pass pass;
  pass.language = CLD2::ExtDetectLanguageSummary(
      clean.data(), static_cast<int>(clean.size()), /*is_plain_text=*/true, &hints, /*flags=*/0,
      language3, percent3, normalized_score3, /*resultchunkvector=*/nullptr, &text_bytes,
      &pass.reliable);
  if (language3[0] == pass.language) {
    pass.percent = percent3[0];
    pass.score = normalized_score3[0];
  }
  return pass;
}

// CLD2 applies a language hint as a strong boost: on tweet-length text a wrong platform tag
// would override clear evidence (a plain Spanish sentence hinted "pt" comes out as Catalan).
// So the text is judged on its own first, and the hinted answer is taken only when the text
// alone is inconclusive, or when the hint makes the text fit better (CLD2's normalised score
// rises: a Portuguese phrase taken for Galician, hinted "pt").
Pass detect(const std::string& clean, CLD2::Language hint) {
  const Pass plain = run_cld2(clean, CLD2::UNKNOWN_LANGUAGE);
  if (hint == CLD2::UNKNOWN_LANGUAGE || plain.language == hint) return plain;
  const Pass hinted = run_cld2(clean, hint);
  if (hinted.language == CLD2::UNKNOWN_LANGUAGE) return plain;
  if (plain.language == CLD2::UNKNOWN_LANGUAGE || !plain.reliable) return hinted;
  return hinted.score >= plain.score ? hinted : plain;
}

// Words of eight letters or fewer packed into one integer (lower case), for a table lookup; 0
// for longer words.
constexpr uint64_t pack(std::string_view w) {
  if (w.empty() || w.size() > 8) return 0;
  uint64_t k = 0;
  for (const char c : w) k = (k << 8) | static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return k;
}

// English function words, and the usual contractions, that are not words of another
// Latin-script language CLD2 knows ("was", "will", "her", "man" are German or Danish; "for" is
// Danish; "my" is Polish; "a", "i", "in", "on", "to", "of", "is", "me", "no", "so" belong to
// many).
constexpr std::string_view kEnglishWords[] = {
    "the", "and", "you", "your", "you're", "with", "this", "that", "that's", "have", "has", "had", "were",
    "what", "when", "where", "which", "who", "why", "how", "not", "just", "been", "being", "would", "could",
    "should", "they", "their", "there", "them", "about", "our", "are", "it's", "i'm", "i've", "don't",
    "can't", "didn't", "doesn't", "won't", "isn't", "wasn't", "haven't", "thanks", "thank", "please",
    "still", "again", "get", "got", "but", "from", "since", "never", "any", "some", "only", "very",
    "does", "did", "his", "she", "him", "than", "then", "into", "over", "because", "out", "all",
    "after", "ever", "every", "while"};
// The most common English words that other languages share ("to" is Polish and Czech, "in"
// German and Dutch, ...): they count toward a text's English words once one of the words
// above is there, and no word below.
constexpr std::string_view kSharedWords[] = {"a", "i", "to", "of", "in", "is", "it", "on", "at", "for", "my", "me",
                                             "so", "do", "be", "we", "if", "or", "as", "up", "us", "an", "was",
                                             "will", "her", "can", "no", "am", "now"};
// Function words of other Latin-script languages: one of them sends the text to CLD2.
constexpr std::string_view kOtherWords[] = {
    // es
    "el", "la", "los", "las", "que", "de", "del", "y", "en", "con", "por", "para", "una", "es", "muy",
    "pero", "mi", "lo", "se", "al", "su",
    // pt
    "o", "os", "um", "da", "em", "com", "muito", "nao", "uma",
    // fr
    "le", "les", "des", "du", "et", "est", "je", "pas", "avec", "pour", "mais", "tres", "une", "il",
    "au", "ce", "qui", "sur", "dans", "vous", "nous",
    // de
    "der", "die", "das", "und", "ist", "nicht", "ich", "mit", "ein", "eine", "auf", "zu", "den", "dem",
    "sie", "wir", "auch", "noch",
    // it
    "di", "che", "non", "per", "sono", "della", "gli", "mio", "ho",
    // nl
    "het", "een", "van", "niet", "ik", "dat", "voor", "zijn", "ook", "wij",
    // sv, da, no
    "och", "att", "det", "jag", "jeg", "ikke", "og", "er", "har", "som", "av", "til", "inte",
    // others
    "si", "na", "ja", "ne", "sa", "ng", "ang", "yang", "dan", "ini", "itu", "ve", "bir", "bu",
    // everyday words, as written without accents
    "otra", "otro", "vez", "hoy", "esta", "este", "eso", "fue", "tengo", "gracias", "hola",      // es
    "voo", "obrigado", "foi", "tem", "ainda", "agora",                                          // pt
    "mes", "vol", "merci", "toujours", "rien", "bonjour",                                        // fr
    "mein", "meine", "kein", "keine", "schon", "wieder", "danke", "bitte", "aber", "oder",     // de
    "grazie", "volo", "molto", "questo", "perche", "sempre", "ancora",                        // it
    "mijn", "nog", "maar", "geen", "bedankt"};                                                  // nl

// The three lists in one open-addressing table of packed words, built at compile time.
enum WordClass : uint8_t { kNone = 0, kEnglish = 1, kShared = 2, kOther = 3 };
struct WordTable {
  static constexpr size_t kSize = 1024;  // a power of two, over twice the words
  std::array<uint64_t, kSize> keys{};
  std::array<uint8_t, kSize> classes{};
  static constexpr size_t slot(uint64_t k) { return static_cast<size_t>((k * 0x9E3779B97F4A7C15ull) >> 54); }
  constexpr void add(std::string_view w, WordClass c) {
    const uint64_t k = pack(w);
    size_t i = slot(k);
    while (keys[i] != 0 && keys[i] != k) i = (i + 1) & (kSize - 1);
    if (keys[i] == k || k == 0) throw "a word listed twice, or longer than 8 letters";  // fails the build
    keys[i] = k;
    classes[i] = c;
  }
  WordClass find(uint64_t k) const {
    for (size_t i = slot(k);; i = (i + 1) & (kSize - 1)) {
      if (keys[i] == k) return static_cast<WordClass>(classes[i]);
      if (keys[i] == 0) return kNone;
    }
  }
};
constexpr WordTable kWordTable = [] {
  WordTable t;
  for (const auto w : kEnglishWords) t.add(w, kEnglish);
  for (const auto w : kSharedWords) t.add(w, kShared);
  for (const auto w : kOtherWords) t.add(w, kOther);
  return t;
}();
static_assert(sizeof kEnglishWords / sizeof *kEnglishWords + sizeof kSharedWords / sizeof *kSharedWords +
                  sizeof kOtherWords / sizeof *kOtherWords <
              WordTable::kSize / 2);

bool is_ascii_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool plainly_english(std::string_view text) {
  text = text.substr(0, kMaxDetectBytes);
  size_t words = 0, english = 0, shared = 0;
  char word[9];
  size_t len = 0;
  bool long_word = false;
  bool skipping = false;  // inside a @handle, #tag or link: not words of the text
  bool foreign = false;
  auto end_word = [&] {
    if (len == 0 && !long_word) return;
    ++words;
    if (!long_word) {
      const uint64_t k = pack(std::string_view(word, len));
      switch (kWordTable.find(k)) {
        case kEnglish: ++english; break;
        case kShared: ++shared; break;
        case kOther: foreign = true; break;
        case kNone: break;
      }
    }
    len = 0;
    long_word = false;
  };
  for (size_t i = 0; i < text.size() && !foreign;) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      if (c <= ' ' || c == 0x7F) {  // spaces and control characters
        end_word();
        skipping = false;
        continue;
      }
      if (skipping) continue;
      if (is_ascii_letter(c) || (c == '\'' && len > 0)) {
        if (len == 0 && !long_word && (c == 'h' || c == 'H' || c == 'w' || c == 'W')) {
          const std::string_view rest = text.substr(i - 1, 4);
          if (rest == "http" || rest == "HTTP" || rest == "www." || rest == "WWW.") {
            skipping = true;
            continue;
          }
        }
        if (len < 8) word[len++] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        else long_word = true;
        continue;
      }
      end_word();
      if (c == '@' || c == '#') skipping = true;
      continue;
    }
    char32_t cp = 0;
    const size_t n = decode_utf8(text, i, cp);
    if (n == 0) {  // an invalid byte: a separator, as U+FFFD would be
      end_word();
      ++i;
      continue;
    }
    i += n;
    if (cp == 0x2019 && len > 0 && !skipping) {  // typographic apostrophe inside a word
      if (len < 8) word[len++] = '\'';
      else long_word = true;
      continue;
    }
    // Emoji, symbols, punctuation, spaces and control characters separate words; a letter of
    // any other script or with an accent means the text is for CLD2.
    const bool space = !passes(cp) || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x3000;
    const bool separator = space || cp == 0xFFFD || (cp >= 0x80 && cp < 0xC0) || (cp >= 0x2000 && cp <= 0x2BFF) ||
                           (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
                           (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0xE0000 && cp <= 0xE007F);
    if (!separator) return false;
    end_word();
    if (space) skipping = false;
  }
  end_word();
  return !foreign && words >= 3 && english >= 1 && english + shared >= 2 && (english + shared) * 4 >= words;
}

DetectedLanguage detect_language(std::string_view text, std::string_view hint) {
  const CLD2::Language hinted = hint_language(hint);
  if ((hinted == CLD2::UNKNOWN_LANGUAGE || hinted == CLD2::ENGLISH) && plainly_english(text))
    return DetectedLanguage{"en", true, 100};
  return detect_language_cld2(text, hint);
}

DetectedLanguage detect_language_cld2(std::string_view text, std::string_view hint) {
  try {
    thread_local std::string clean;  // reused: no allocation per text
    sanitise(text, clean);
    if (clean.empty()) return {};
    const Pass pass = detect(clean, hint_language(hint));
    DetectedLanguage result;
    result.code = language_code(pass.language);
    if (result.code.empty()) return {};
    result.reliable = pass.reliable;
    result.percent = pass.percent;
    return result;
  } catch (...) {  // allocation failure: "unknown" is a safe answer
    return {};
  }
}

}  // namespace carewatch::rules
