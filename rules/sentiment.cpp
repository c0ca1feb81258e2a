// VADER sentiment (Hutto & Gilbert, ICWSM 2014), implemented from the method's description:
// lexicon valences adjusted by ALL-CAPS emphasis, degree modifiers, negation, contrastive "but",
// a few idioms, and "!" / "?" emphasis; the sum is normalised to the compound score.
//
// Speed: every word the rules care about lives in one open-addressing table built once; scoring
// works on thread-local buffers (no allocation per token), in time linear in the text's length.
#include "rules/sentiment.h"
#include "rules/string_hash.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace carewatch {
extern const char* const kVaderLexicon;       // rules/data/vader_lexicon.txt, embedded
extern const char* const kVaderEmojiLexicon;  // rules/data/emoji_utf8_lexicon.txt, embedded
}  // namespace carewatch

namespace carewatch::rules {
namespace {

// The method's empirically derived constants.
constexpr double kModifierStep = 0.293;  // booster (+) or dampener (-) of the next rated word
constexpr double kCapsEmphasis = 0.733;  // an ALL-CAPS word among mixed-case words
constexpr double kNegation = -0.74;      // a negated word's valence is multiplied by this
constexpr double kNeverSo = 1.25;        // "never so good", "never this good": emphasis, not negation
constexpr double kBeforeBut = 0.5;       // words before a contrastive "but"
constexpr double kAfterBut = 1.5;        // words after it
constexpr double kDistanceScale[3] = {1.0, 0.95, 0.9};  // a modifier 1, 2 or 3 words before
constexpr double kExclamation = 0.292;   // per "!", at most kMaxExclamations
constexpr int kMaxExclamations = 4;
constexpr double kQuestion = 0.18;       // per "?" when there are 2 or 3
constexpr double kManyQuestions = 0.96;  // 4 or more "?"
constexpr double kNormalisation = 15;    // compound = x / sqrt(x^2 + 15)

// Degree modifiers: intensifiers raise the magnitude of the rated word they precede, dampeners
// lower it. Two-word entries are matched as consecutive tokens.
constexpr const char* kIntensifiers[] = {
    "absolutely", "amazingly", "awfully", "completely", "considerable", "considerably", "decidedly",
    "deeply", "effing", "enormous", "enormously", "entirely", "especially", "exceptional",
    "exceptionally", "extreme", "extremely", "fabulously", "flipping", "flippin", "frackin",
    "fracking", "fricking", "frickin", "frigging", "friggin", "fully", "fuckin", "fucking",
    "fuggin", "fugging", "greatly", "hella", "highly", "hugely", "incredible", "incredibly",
    "intensely", "major", "majorly", "more", "most", "particularly", "purely", "quite", "really",
    "remarkably", "so", "substantially", "thoroughly", "total", "totally", "tremendous",
    "tremendously", "uber", "unbelievably", "unusually", "utter", "utterly", "very"};
constexpr const char* kDampeners[] = {
    "almost", "barely", "hardly", "just enough", "kind of", "kinda", "kindof", "kind-of", "less",
    "little", "marginal", "marginally", "occasional", "occasionally", "partly", "scarce",
    "scarcely", "slight", "slightly", "somewhat", "sort of", "sorta", "sortof", "sort-of"};

// Words that negate a rated word up to three words later (any word with "n't" does too).
constexpr const char* kNegators[] = {
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "dont", "hadnt",
    "hasnt", "havent", "isnt", "mightnt", "mustnt", "neednt", "oughtnt", "shant", "shouldnt",
    "wasnt", "werent", "wont", "wouldnt", "neither", "never", "none", "nope", "nor", "not",
    "nothing", "nowhere", "uhuh", "uh-uh", "without", "rarely", "seldom", "despite"};

// Idioms whose meaning is not the sum of their words; the phrase's valence replaces its words'.
struct Idiom {
  const char* phrase;
  double valence;
};
constexpr Idiom kIdioms[] = {
    {"the shit", 3},        {"the bomb", 3},          {"bad ass", 1.5},
    {"yeah right", -2},     {"kiss of death", -1.5},  {"to die for", 3},
    {"beating heart", 3.1}, {"broken heart", -2.9},   {"bus stop", 0},
    {"cut the mustard", 2}, {"hand to mouth", -2},    {"back handed", -2},
    {"blow smoke", -2},     {"blowing smoke", -2},    {"upper hand", 1},
    {"cooking with gas", 2}, {"under the weather", -2}};
constexpr size_t kMaxPhraseWords = 3;

enum WordFlag : uint8_t {
  kRated = 1,         // in the valence lexicon
  kNegator = 2,       // negates what follows
  kModifier = 4,      // a one-word booster or dampener
  kModifierEnd = 8,   // last word of a two-word modifier ("of" in "kind of")
  kModifierStart = 16,
  kIdiomStart = 32,   // first word of an idiom
};

struct WordInfo {
  double valence = 0;   // lexicon valence, when kRated
  double modifier = 0;  // +kModifierStep or -kModifierStep, for modifiers (one word or phrase)
  uint8_t flags = 0;
};


// Read-only string -> value table with open addressing, keys packed in one buffer; built once.
// Most words of a text are not in it, so a HashFilter (8 bits per slot) answers most misses.
template <class Value>
class StringTable {
 public:
  void build(const std::unordered_map<std::string, Value>& entries) {
    size_t capacity = 16;
    while (capacity < entries.size() * 2) capacity *= 2;
    slots_.assign(capacity, Slot{});
    filter_.reset(capacity * 8);
    values_.clear();
    keys_.clear();
    mask_ = capacity - 1;
    for (const auto& [key, value] : entries) {
      const uint64_t h = hash_short_string(key);
      size_t i = h & mask_;
      while (slots_[i].value >= 0) i = (i + 1) & mask_;
      slots_[i] = Slot{h, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(key.size()),
                       static_cast<int32_t>(values_.size())};
      filter_.add(h);
      keys_ += key;
      values_.push_back(value);
    }
  }

  const Value* find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    const uint64_t h = hash_short_string(key);
    if (!filter_.may_contain(h)) return nullptr;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value < 0) return nullptr;
      if (s.hash == h && s.length == key.size() && std::memcmp(keys_.data() + s.offset, key.data(), key.size()) == 0)
        return &values_[static_cast<size_t>(s.value)];
    }
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0, length = 0;
    int32_t value = -1;
  };
  std::vector<Slot> slots_;
  HashFilter filter_;
  std::vector<Value> values_;
  std::string keys_;
  size_t mask_ = 0;
};

// Byte classes for the tokenizer: a token ends at a space (or control byte); its letters tell
// whether it is ALL-CAPS.
enum : uint8_t { kSpaceByte = 1, kUpperByte = 2, kLowerByte = 4 };
constexpr auto kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c <= ' ' || c == 0x7f) t[c] |= kSpaceByte;
    if (c >= 'A' && c <= 'Z') t[c] |= kUpperByte;
    if (c >= 'a' && c <= 'z') t[c] |= kLowerByte;
  }
  return t;
}();
bool is_space(unsigned char c) { return kByteClass[c] & kSpaceByte; }
// ASCII punctuation, as std::ispunct in the "C" locale: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
constexpr auto kPunct = [] {
  std::array<bool, 256> t{};
  for (int c = 0x21; c < 0x7F; ++c)
    t[c] = !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  return t;
}();
bool is_punct(unsigned char c) { return kPunct[c]; }

// Number of bytes of `text` equal to `c`, 8 at a step.
size_t count_byte(std::string_view text, char c) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7full;
  const uint64_t pattern = 0x0101010101010101ull * static_cast<unsigned char>(c);
  size_t count = 0, i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t v;
    std::memcpy(&v, text.data() + i, 8);
    const uint64_t x = v ^ pattern;  // zero bytes where text has c
    const uint64_t found = ~(((x & kLow7) + kLow7) | x | kLow7) >> 7;  // 1 in each such byte
    count += static_cast<size_t>((found * 0x0101010101010101ull) >> 56);  // the sum of the bytes
  }
  for (; i < text.size(); ++i) count += text[i] == c;
  return count;
}
// Branch-free, so that a loop over a whole text vectorises.
char ascii_lower(char c) {
  return static_cast<char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 'a' - 'A' : 0));
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// Length in bytes of the UTF-8 sequence led by `c` (1 for invalid lead bytes).
size_t utf8_length(unsigned char c) {
  if (c >= 0xf0 && c < 0xf8) return 4;
  if (c >= 0xe0) return c < 0xf0 ? 3 : 1;
  if (c >= 0xc0) return 2;
  return 1;
}

struct Token {
  uint32_t begin = 0, size = 0;  // in the lower-cased, emoji-expanded text
  const WordInfo* info = nullptr;
  bool shouting = false;  // has capital letters and no small ones
  bool negates = false;
};

struct Scratch {
  std::string expanded, lower;
  std::vector<Token> tokens;
  std::vector<double> sentiments;
};

}  // namespace

struct SentimentAnalyzer::Impl {
  StringTable<WordInfo> words;
  StringTable<double> idioms;                  // "w1 w2[ w3]" -> valence
  StringTable<uint32_t> emoji;                 // emoji bytes -> index in emoji_text
  StringTable<uint32_t> emoji_first;           // first code point of an emoji -> longest key length
  std::vector<std::string> emoji_text;

  Sentiment score(std::string_view text) const;

 private:
  void expand_emoji(std::string_view text, std::string& out) const;
  void tokenise(const std::string& text, const std::string& lower, std::vector<Token>& tokens) const;
};

namespace {

// Scores one text; holds the per-call state the rules look at.
class Scorer {
 public:
  Scorer(const SentimentAnalyzer::Impl& impl, const std::string& lower, const std::vector<Token>& tokens)
      : impl_(impl), lower_(lower), tok_(tokens) {
    size_t shouting = 0;
    for (const Token& t : tok_) shouting += t.shouting ? 1 : 0;
    caps_differ_ = shouting > 0 && shouting < tok_.size();
  }

  // Fills `sentiments` (one valence per token), applying the contrastive "but".
  void valences(std::vector<double>& sentiments) const {
    const size_t n = tok_.size();
    sentiments.assign(n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      const Token& t = tok_[i];
      if (!t.info) continue;
      const uint8_t flags = t.info->flags;
      if (flags & kIdiomStart) {
        double value = 0;
        if (const size_t words = idiom_at(i, value)) {
          sentiments[i] = in_context(i, value);
          i += words - 1;
          continue;
        }
      }
      if (flags & kModifier) continue;  // modifiers carry no valence of their own
      if ((flags & kModifierStart) && i + 1 < n && modifier_phrase(i, i + 1)) {
        ++i;  // "kind of": neither word is rated
        continue;
      }
      if (!(flags & kRated)) continue;
      double v = t.info->valence;
      // "no" right before a rated word only negates that word ("no problem").
      if (is(i, "no") && i + 1 < n && tok_[i + 1].info && (tok_[i + 1].info->flags & kRated)) continue;
      if (t.shouting && caps_differ_ && v != 0) v += v > 0 ? kCapsEmphasis : -kCapsEmphasis;
      sentiments[i] = in_context(i, v);
    }
    // Contrastive "but": the clause after it dominates.
    for (size_t b = 0; b < n; ++b) {
      if (!is(b, "but")) continue;
      for (size_t i = 0; i < n; ++i) {
        if (i < b) sentiments[i] *= kBeforeBut;
        if (i > b) sentiments[i] *= kAfterBut;
      }
      break;
    }
  }

 private:
  std::string_view word(size_t i) const { return {lower_.data() + tok_[i].begin, tok_[i].size}; }
  bool is(size_t i, std::string_view w) const { return word(i) == w; }
  bool so_or_this(size_t i) const { return is(i, "so") || is(i, "this"); }

  // Modifier value of the phrase tokens [first, last] (two consecutive words), or 0.
  double modifier_phrase(size_t first, size_t last) const {
    char buf[64];
    const std::string_view a = word(first), b = word(last);
    if (a.size() + b.size() + 1 > sizeof buf) return 0;
    std::memcpy(buf, a.data(), a.size());
    buf[a.size()] = ' ';
    std::memcpy(buf + a.size() + 1, b.data(), b.size());
    const WordInfo* w = impl_.words.find({buf, a.size() + b.size() + 1});
    return w ? w->modifier : 0;
  }

  // Number of tokens of the idiom starting at `i` (0 if none) and its valence.
  size_t idiom_at(size_t i, double& value) const {
    char buf[96];
    for (size_t words = std::min(kMaxPhraseWords, tok_.size() - i); words >= 2; --words) {
      size_t len = 0;
      bool fits = true;
      for (size_t k = 0; k < words && fits; ++k) {
        const std::string_view w = word(i + k);
        if (len + w.size() + 1 > sizeof buf) fits = false;
        else {
          if (k) buf[len++] = ' ';
          std::memcpy(buf + len, w.data(), w.size());
          len += w.size();
        }
      }
      if (!fits) continue;
      if (const double* v = impl_.idioms.find({buf, len})) {
        value = *v;
        return words;
      }
    }
    return 0;
  }

  // Booster or dampener effect of token `j` on a word of valence `v` (0 if `j` is no modifier).
  double modifier_effect(size_t j, double v) const {
    const Token& t = tok_[j];
    if (!t.info) return 0;
    double m = 0;
    bool shouting = t.shouting;
    if (t.info->flags & kModifier) {
      m = t.info->modifier;
    } else if ((t.info->flags & kModifierEnd) && j > 0) {
      m = modifier_phrase(j - 1, j);
      shouting = shouting && tok_[j - 1].shouting;
    }
    if (m == 0) return 0;
    if (v < 0) m = -m;
    if (shouting && caps_differ_) m += v > 0 ? kCapsEmphasis : -kCapsEmphasis;
    return m;
  }

  // Valence `v` of the rated word at `i` after the modifiers and negations of the 3 words before it.
  double in_context(size_t i, double v) const {
    for (size_t d = 1; d <= 3 && d <= i; ++d) {
      const size_t j = i - d;
      v += modifier_effect(j, v) * kDistanceScale[d - 1];
      const bool negates = tok_[j].negates;
      if (d == 1) {
        if (negates) v *= kNegation;
      } else if (is(j, "never") && (so_or_this(i - 1) || (d == 3 && so_or_this(i - 2)))) {
        v *= kNeverSo;  // "never so good": emphasis
      } else if (is(j, "without") && (is(i - 1, "doubt") || (d == 3 && is(i - 2, "doubt")))) {
        // "without a doubt good": no negation
      } else if (negates) {
        v *= kNegation;
      }
    }
    // "no" negates the rated word right after it, two words after it, or after "no X or".
    if ((i >= 1 && is(i - 1, "no")) || (i >= 2 && is(i - 2, "no")) ||
        (i >= 3 && is(i - 3, "no") && is(i - 1, "or")))
      v *= kNegation;
    // "least" before a word negates it, unless "at least" / "very least".
    if (i >= 1 && is(i - 1, "least") && !(i >= 2 && (is(i - 2, "at") || is(i - 2, "very")))) v *= kNegation;
    return v;
  }

  const SentimentAnalyzer::Impl& impl_;
  const std::string& lower_;
  const std::vector<Token>& tok_;
  bool caps_differ_ = false;
};

double normalise(double sum) {
  const double c = sum / std::sqrt(sum * sum + kNormalisation);
  return std::clamp(c, -1.0, 1.0);
}

}  // namespace

// Replaces every emoji of the emoji lexicon by its description, with spaces around it.
void SentimentAnalyzer::Impl::expand_emoji(std::string_view text, std::string& out) const {
  out.clear();
  out.reserve(text.size() + 16);
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    // Keycap emoji start with an ASCII character; skip the lookup unless a non-ASCII byte follows.
    // A run of such ASCII bytes is copied at once.
    size_t next = i;  // the first non-ASCII byte from i on (n if none), 8 bytes at a step
    for (uint64_t v; next + 8 <= n; next += 8) {
      std::memcpy(&v, text.data() + next, 8);
      if (v & 0x8080808080808080ull) break;
    }
    while (next < n && static_cast<unsigned char>(text[next]) < 0x80) ++next;
    // Everything before it is plain, but for the ASCII byte right before it (a keycap start).
    const size_t plain = next == n ? n : next > i ? next - 1 : i;
    if (plain > i) {
      out.append(text.data() + i, plain - i);
      i = plain;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t first = std::min(utf8_length(c), n - i);
    const uint32_t* longest = emoji_first.find(text.substr(i, first));
    size_t matched = 0;
    if (longest) {
      for (size_t len = std::min<size_t>(*longest, n - i); len >= first && !matched; --len) {
        if (i + len < n && (static_cast<unsigned char>(text[i + len]) & 0xc0) == 0x80) continue;  // mid code point
        if (const uint32_t* d = emoji.find(text.substr(i, len))) {
          out += ' ';
          out += emoji_text[*d];
          out += ' ';
          matched = len;
        }
      }
    }
    if (matched) {
      i += matched;
    } else {
      out.append(text.data() + i, first);
      i += first;
    }
  }
}

// Whitespace-separated tokens. Surrounding punctuation is stripped from words, but a token the
// lexicon rates as it stands (":)", "<3") is kept whole; fragments shorter than 2 characters are
// dropped.
void SentimentAnalyzer::Impl::tokenise(const std::string& text, const std::string& lower,
                                       std::vector<Token>& tokens) const {
  tokens.clear();
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    while (i < n && is_space(static_cast<unsigned char>(text[i]))) ++i;
    size_t end = i;
    uint8_t letters = 0;  // kUpperByte / kLowerByte: the token has capitals / small letters
    for (; end < n; ++end) {
      const uint8_t cls = kByteClass[static_cast<unsigned char>(text[end])];
      if (cls & kSpaceByte) break;
      letters |= cls;
    }
    if (end == i) break;
    size_t b = i, e = end;
    const WordInfo* info = words.find(std::string_view(lower).substr(b, e - b));
    if (!info || !(info->flags & kRated)) {
      while (b < e && is_punct(static_cast<unsigned char>(text[b]))) ++b;
      while (e > b && is_punct(static_cast<unsigned char>(text[e - 1]))) --e;
      if (e - b < 2) {
        // An emoticon followed by punctuation, e.g. ":),".
        b = i;
        e = end;
        while (e > b + 1 && std::strchr(",.!?;", text[e - 1])) --e;
        info = e < end ? words.find(std::string_view(lower).substr(b, e - b)) : nullptr;
        if (!info || !(info->flags & kRated)) {
          i = end;
          continue;
        }
      } else if (b != i || e != end) {  // punctuation was stripped: look the word up again
        info = words.find(std::string_view(lower).substr(b, e - b));
      }
    }
    Token t;
    t.begin = static_cast<uint32_t>(b);
    t.size = static_cast<uint32_t>(e - b);
    t.info = info;
    // [b, e) is the token less punctuation, which has no letters: the whole token's are its.
    t.shouting = (letters & kUpperByte) && !(letters & kLowerByte);
    const std::string_view w(lower.data() + b, e - b);
    t.negates = (info && (info->flags & kNegator)) || w.find("n't") != std::string_view::npos ||
                w.find("n\xe2\x80\x99t") != std::string_view::npos;
    tokens.push_back(t);
    i = end;
  }
}

Sentiment SentimentAnalyzer::Impl::score(std::string_view text) const {
  thread_local Scratch s;
  expand_emoji(text, s.expanded);
  s.lower.assign(s.expanded);
  for (char& c : s.lower) c = ascii_lower(c);
  tokenise(s.expanded, s.lower, s.tokens);

  Sentiment out;
  if (!s.tokens.empty()) {
    Scorer(*this, s.lower, s.tokens).valences(s.sentiments);

    const size_t exclamations = count_byte(text, '!'), questions = count_byte(text, '?');
    double emphasis = kExclamation * static_cast<double>(std::min<size_t>(exclamations, kMaxExclamations));
    if (questions > 1) emphasis += questions <= 3 ? kQuestion * static_cast<double>(questions) : kManyQuestions;

    double sum = 0, pos = 0, neg = 0, neu = 0;
    for (double v : s.sentiments) {
      sum += v;
      if (v > 0) pos += v + 1;  // +1: a rated word weighs at least as much as a neutral one
      else if (v < 0) neg += v - 1;
      else neu += 1;
    }
    if (sum > 0) sum += emphasis;
    else if (sum < 0) sum -= emphasis;
    out.compound = normalise(sum);

    if (pos > -neg) pos += emphasis;
    else if (pos < -neg) neg -= emphasis;
    const double total = pos - neg + neu;
    if (total > 0) {
      out.pos = pos / total;
      out.neg = std::abs(neg) / total;  // not -0.0
      out.neu = neu / total;
    }
  }
  // Keep the thread's buffers from holding on to memory after one huge text.
  constexpr size_t kKeep = 1 << 20;
  if (s.expanded.capacity() > kKeep) {
    s.expanded = std::string();
    s.lower = std::string();
    s.tokens = std::vector<Token>();
    s.sentiments = std::vector<double>();
  }
  return out;
}

SentimentAnalyzer::SentimentAnalyzer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SentimentAnalyzer::~SentimentAnalyzer() = default;

Sentiment SentimentAnalyzer::score(std::string_view text) const {
  try {
    return impl_->score(text);
  } catch (...) {  // only allocation failure can get here
    return Sentiment{};
  }
}

namespace {

// Calls `line_fn(number, line)` for each non-empty line (without "\r\n"); stops when it returns false.
template <class F>
bool for_each_line(std::string_view text, F&& line_fn) {
  size_t number = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!line_fn(number, line)) return false;
  }
  return true;
}

}  // namespace

std::shared_ptr<const SentimentAnalyzer> SentimentAnalyzer::from_text(std::string_view lexicon,
                                                                      std::string_view emoji_lexicon,
                                                                      std::string& error) {
  std::unordered_map<std::string, WordInfo> words;
  std::unordered_map<std::string, double> mixed_case;  // entries with capitals, e.g. ":D"
  const bool lexicon_ok = for_each_line(lexicon, [&](size_t number, std::string_view line) {
    const size_t tab = line.find('\t');
    const size_t tab2 = tab == std::string_view::npos ? tab : line.find('\t', tab + 1);
    const std::string_view token = line.substr(0, tab);
    const std::string_view number_text =
        tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1, tab2 - tab - 1);
    double valence = 0;
    const auto [ptr, ec] = std::from_chars(number_text.data(), number_text.data() + number_text.size(), valence);
    if (token.empty() || number_text.empty() || ec != std::errc() ||
        ptr != number_text.data() + number_text.size() || !std::isfinite(valence)) {
      error = "sentiment lexicon line " + std::to_string(number) +
              ": expected \"token<TAB>valence<TAB>...\", got \"" + std::string(line.substr(0, 80)) + "\"";
      return false;
    }
    const std::string key = lowered(token);
    if (key == token) {
      WordInfo& w = words[key];  // a repeated entry overrides the earlier one
      w.valence = valence;
      w.flags |= kRated;
    } else {
      mixed_case[key] = valence;
    }
    return true;
  });
  if (!lexicon_ok) return nullptr;
  for (const auto& [key, valence] : mixed_case) {
    WordInfo& w = words[key];
    if (!(w.flags & kRated)) {  // lookups are lower-case; an explicit lower-case entry wins
      w.valence = valence;
      w.flags |= kRated;
    }
  }

  auto add_modifier = [&](std::string_view phrase, double value) {
    words[std::string(phrase)].modifier = value;
    const size_t space = phrase.find(' ');
    if (space == std::string_view::npos) {
      words[std::string(phrase)].flags |= kModifier;
    } else {
      words[std::string(phrase.substr(0, space))].flags |= kModifierStart;
      words[std::string(phrase.substr(space + 1))].flags |= kModifierEnd;
    }
  };
  for (const char* m : kIntensifiers) add_modifier(m, kModifierStep);
  for (const char* m : kDampeners) add_modifier(m, -kModifierStep);
  for (const char* w : kNegators) words[w].flags |= kNegator;
  std::unordered_map<std::string, double> idioms;
  for (const Idiom& idiom : kIdioms) {
    const std::string_view phrase = idiom.phrase;
    idioms[std::string(phrase)] = idiom.valence;
    words[std::string(phrase.substr(0, phrase.find(' ')))].flags |= kIdiomStart;
  }

  auto impl = std::make_unique<Impl>();
  std::unordered_map<std::string, uint32_t> emoji, emoji_first;
  const bool emoji_ok = for_each_line(emoji_lexicon, [&](size_t number, std::string_view line) {
    const size_t tab = line.find('\t');
    if (tab == 0 || tab == std::string_view::npos || tab + 1 == line.size()) {
      error = "emoji lexicon line " + std::to_string(number) + ": expected \"emoji<TAB>description\", got \"" +
              std::string(line.substr(0, 80)) + "\"";
      return false;
    }
    const std::string key(line.substr(0, tab));
    emoji[key] = static_cast<uint32_t>(impl->emoji_text.size());
    impl->emoji_text.emplace_back(line.substr(tab + 1));
    const std::string first = key.substr(0, std::min(utf8_length(static_cast<unsigned char>(key[0])), key.size()));
    uint32_t& longest = emoji_first[first];
    longest = std::max(longest, static_cast<uint32_t>(key.size()));
    return true;
  });
  if (!emoji_ok) return nullptr;

  impl->words.build(words);
  impl->idioms.build(idioms);
  impl->emoji.build(emoji);
  impl->emoji_first.build(emoji_first);
  return std::make_shared<const SentimentAnalyzer>(std::move(impl));
}

std::shared_ptr<const SentimentAnalyzer> SentimentAnalyzer::builtin() {
  static const std::shared_ptr<const SentimentAnalyzer> analyzer = [] {
    std::string error;
    auto loaded = from_text(kVaderLexicon, kVaderEmojiLexicon, error);
    // The embedded lexicons are checked by the tests; should they ever fail to load, score
    // everything as neutral rather than crash.
    if (!loaded) loaded = from_text("", "", error);
    return loaded;
  }();
  return analyzer;
}

}  // namespace carewatch::rules
