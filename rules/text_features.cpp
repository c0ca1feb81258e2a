// Normalised tokens and their names for the text model (see text_features.h).
#include "rules/text_features.h"

#include <array>
#include <string>

namespace carewatch::rules::text_features {

namespace {

// Byte classes, so the scanner tests one table entry instead of a chain of comparisons.
enum : uint8_t {
  kSpace = 1,
  kAlnum = 2,
  kDigit = 4,
  kWordByte = 8,  // alnum or '\''
  kFace = 16,     // may start an emoticon
  kUpper = 32,    // 'A' .. 'Z'
  kNumeric = 64,  // a digit, '.' or ',': a word of only these is a number
};
constexpr std::array<uint8_t, 256> kClasses = [] {
  std::array<uint8_t, 256> t{};
  for (const char c : std::string_view(" \t\n\r\f\v")) t[static_cast<unsigned char>(c)] |= kSpace;
  for (int c = 0; c < 256; ++c) {
    const bool digit = c >= '0' && c <= '9';
    if (digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) t[c] |= kAlnum | kWordByte;
    if (digit) t[c] |= kDigit | kNumeric;
    if (c >= 'A' && c <= 'Z') t[c] |= kUpper;
  }
  t[static_cast<unsigned char>('.')] |= kNumeric;
  t[static_cast<unsigned char>(',')] |= kNumeric;
  t[static_cast<unsigned char>('\'')] |= kWordByte;
  for (const char c : std::string_view(":;=xXD><")) t[static_cast<unsigned char>(c)] |= kFace;  // emoticon starts
  return t;
}();
inline bool has(unsigned char c, uint8_t cls) { return (kClasses[c] & cls) != 0; }

bool is_emoji(uint32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2B00 && cp <= 0x2BFF);
}
bool is_unicode_punct(uint32_t cp) {
  return (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) || cp == 0xA0 || cp == 0xAB ||
         cp == 0xBB || cp == 0xBF || cp == 0xA1 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200D;
}

constexpr size_t kLongestEmoticon = 3;  // of those below

std::string_view emoticon(std::string_view chunk) {
  static const std::pair<std::string_view, std::string_view> kList[] = {
      {":)", "<smile>"}, {":-)", "<smile>"}, {":D", "<smile>"}, {":-D", "<smile>"}, {";)", "<smile>"},
      {";-)", "<smile>"}, {":]", "<smile>"}, {"=)", "<smile>"}, {":p", "<smile>"}, {":P", "<smile>"},
      {"xD", "<smile>"}, {"XD", "<smile>"}, {":(", "<sad>"}, {":-(", "<sad>"}, {":'(", "<sad>"},
      {":/", "<sad>"}, {":-/", "<sad>"}, {":\\", "<sad>"}, {":|", "<sad>"}, {"D:", "<sad>"},
      {">:(", "<sad>"}, {":[", "<sad>"}, {"=(", "<sad>"}, {"<3", "<heart>"}, {"</3", "<sad>"}};
  for (const auto& [face, token] : kList)
    if (chunk == face) return token;
  return {};
}

// Finishes the word whose raw bytes are out.buf[at ..], in place: apostrophes at its ends
// dropped, lower-cased (ASCII), runs of 3+ equal ASCII bytes cut to 2; digits only (with '.'
// and ',') becomes "<num>"; nothing left, no token.
void flush_word(Tokens& out, size_t at) {
  std::string& b = out.buf;
  size_t s = at, e = b.size();
  // The common word (no apostrophe at its ends, no capital, no run of three, not a number)
  // stays as it is: one pass that only reads.
  if (b[s] != '\'' && b[e - 1] != '\'') {
    uint8_t any = 0, all = kNumeric;
    bool run = false;  // three equal bytes in a row (the slow path cuts only ASCII ones)
    bool same = false;  // the byte before equals the one before it
    char before = '\0';  // a word has no NUL
    for (size_t r = s; r < e; ++r) {
      const char c = b[r];
      const uint8_t cls = kClasses[static_cast<unsigned char>(c)];
      any |= cls;
      all &= cls;
      const bool eq = c == before;
      run |= eq & same;
      same = eq;
      before = c;
    }
    if (!(any & kUpper) && !(all & kNumeric) && !run) {
      out.spans.emplace_back(static_cast<uint32_t>(at), static_cast<uint32_t>(e - at));
      out.special.push_back(0);
      return;
    }
  }
  while (s < e && b[s] == '\'') ++s;
  while (e > s && b[e - 1] == '\'') --e;
  if (s == e) {
    b.resize(at);
    return;
  }
  bool digits = true;
  size_t w = at;  // written up to here; never past the byte being read
  for (size_t r = s; r < e; ++r) {
    char c = b[r];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!has(static_cast<unsigned char>(c), kNumeric)) digits = false;
    if (w - at >= 2 && b[w - 1] == c && b[w - 2] == c && static_cast<unsigned char>(c) < 0x80) continue;
    b[w++] = c;
  }
  b.resize(w);
  if (digits) {
    b.resize(at);
    out.push("<num>", true);
  } else {
    out.spans.emplace_back(static_cast<uint32_t>(at), static_cast<uint32_t>(w - at));
    out.special.push_back(0);
  }
}

// "@handle": the handle itself, then the words it is made of, split at '_', between letters
// and digits, and at case changes ("AcmeAirHelp" -> acme, air, help; "FCHelp" -> fc, help).
void push_handle(std::string_view handle, Tokens& out) {
  const size_t at = out.buf.size();
  out.buf.push_back('@');
  for (const char c : handle) out.buf.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  out.spans.emplace_back(static_cast<uint32_t>(at), static_cast<uint32_t>(handle.size() + 1));
  out.special.push_back(0);
  auto kind = [](char c) {  // 0: '_', 1: digit, 2: lower, 3: upper
    if (c >= '0' && c <= '9') return 1;
    if (c >= 'a' && c <= 'z') return 2;
    if (c >= 'A' && c <= 'Z') return 3;
    return 0;
  };
  size_t word = out.buf.size();
  const size_t n = handle.size();
  for (size_t i = 0; i < n; ++i) {
    const int k = kind(handle[i]);
    if (out.buf.size() > word && i > 0) {
      const int p = kind(handle[i - 1]);
      const bool boundary = k == 0 || (p == 1) != (k == 1) || (p == 2 && k == 3) ||
                            (p == 3 && k == 3 && i + 1 < n && kind(handle[i + 1]) == 2);
      if (boundary) {
        flush_word(out, word);
        word = out.buf.size();
      }
    }
    if (k != 0) out.buf.push_back(handle[i]);
  }
  if (out.buf.size() > word) flush_word(out, word);
}

bool starts_with_lower(std::string_view chunk, std::string_view p) {
  if (chunk.size() < p.size()) return false;
  for (size_t k = 0; k < p.size(); ++k)
    if ((chunk[k] >= 'A' && chunk[k] <= 'Z' ? chunk[k] - 'A' + 'a' : chunk[k]) != p[k]) return false;
  return true;
}

// The tokens of one whitespace-free chunk. A word's raw bytes go straight to out.buf and are
// finished in place; every other token is pushed only when no word is pending.
void scan_chunk(std::string_view chunk, Tokens& out) {
  std::string& b = out.buf;
  size_t word = b.size();  // where the pending word starts; pending while b.size() > word
  auto flush = [&] {
    if (b.size() > word) flush_word(out, word);
    word = b.size();
  };
  auto push = [&](std::string_view token, bool special) {
    out.push(token, special);
    word = b.size();
  };
  size_t k = 0;
  char run = 0;  // the '!' / '?' run being read
  size_t run_len = 0;
  auto end_run = [&] {
    if (run_len) push(run == '!' ? (run_len > 1 ? "!!" : "!") : (run_len > 1 ? "??" : "?"), true);
    run_len = 0;
    run = 0;
  };
  const size_t n = chunk.size();
  while (k < n) {
    const auto c = static_cast<unsigned char>(chunk[k]);
    if (has(c, kWordByte)) {  // the common case: a run of letters, digits and apostrophes
      end_run();
      size_t e = k + 1;
      while (e < n && has(static_cast<unsigned char>(chunk[e]), kWordByte)) ++e;
      b.append(chunk.data() + k, e - k);
      k = e;
      continue;
    }
    if (c == '@' && b.size() == word && k + 1 < n &&
        (has(static_cast<unsigned char>(chunk[k + 1]), kAlnum) || chunk[k + 1] == '_')) {
      end_run();
      const size_t at = ++k;
      while (k < n && (has(static_cast<unsigned char>(chunk[k]), kAlnum) || chunk[k] == '_')) ++k;
      push_handle(chunk.substr(at, k - at), out);
      word = b.size();
      continue;
    }
    if (c == '!' || c == '?') {
      flush();
      if (run != static_cast<char>(c)) end_run();
      run = static_cast<char>(c);
      ++run_len;
      ++k;
      continue;
    }
    end_run();
    if ((c == '.' || c == ',') && b.size() > word && k + 1 < n && has(static_cast<unsigned char>(chunk[k + 1]), kDigit) &&
        has(static_cast<unsigned char>(b.back()), kDigit)) {
      b.push_back(static_cast<char>(c));
      ++k;
      continue;
    }
    if (c < 0x80) {  // other ASCII punctuation separates words ('#', '&', ...)
      flush();
      ++k;
      continue;
    }
    char32_t cp = 0;
    const size_t len = decode_utf8(chunk, k, cp);
    if (len == 0) {  // invalid byte: a separator
      flush();
      ++k;
      continue;
    }
    if (cp == 0x2019 || cp == 0x2018) {  // typographic apostrophe
      b.push_back('\'');
    } else if (is_emoji(cp)) {
      flush();
      push(chunk.substr(k, len), false);
    } else if (is_unicode_punct(cp)) {
      flush();
    } else {
      b.append(chunk.data() + k, len);
    }
    k += len;
  }
  flush();
  end_run();
}

}  // namespace

void normalize(std::string_view text, Tokens& out) {
  out.clear();
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (has(static_cast<unsigned char>(text[i]), kSpace)) {
      ++i;
      continue;
    }
    size_t j = i;
    uint8_t all = kWordByte;  // stays set while every byte of the chunk is a word byte
    for (; j < n; ++j) {
      const uint8_t cls = kClasses[static_cast<unsigned char>(text[j])];
      if (cls & kSpace) break;
      all &= cls;
    }
    const std::string_view chunk = text.substr(i, j - i);
    i = j;
    const char first = chunk[0];
    if ((first == 'h' || first == 'H' || first == 'w' || first == 'W') &&
        (starts_with_lower(chunk, "http://") || starts_with_lower(chunk, "https://") || starts_with_lower(chunk, "www."))) {
      out.push("<url>", true);
      continue;
    }
    if (chunk.size() <= kLongestEmoticon && has(static_cast<unsigned char>(first), kFace)) {
      if (const auto face = emoticon(chunk); !face.empty()) {
        out.push(face, true);
        continue;
      }
    }
    if (all) {  // the common chunk: one word and nothing else, as scan_chunk would read it
      const size_t at = out.buf.size();
      out.buf.append(chunk);
      flush_word(out, at);
      continue;
    }
    scan_chunk(chunk, out);
  }
}

std::string feature_name(const Tokens& tokens, const Origin& origin) {
  const auto token = [&](uint32_t i) { return i < tokens.size() ? tokens.at(i) : std::string_view(); };
  std::string s;
  switch (origin.kind) {
    case Kind::word:
      s.append("word:").append(token(origin.token));
      break;
    case Kind::bigram:
      s.append("bigram:")
          .append(origin.token == 0 ? std::string_view("<s>") : token(origin.token - 1))
          .append(" ")
          .append(origin.token >= tokens.size() ? std::string_view("</s>") : token(origin.token));
      break;
  }
  return s;
}

}  // namespace carewatch::rules::text_features
