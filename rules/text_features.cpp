// Normalised tokens and their names for the text model (see text_features.h).
#include "rules/text_features.h"

#include <cctype>
#include <string>

namespace carewatch::rules::text_features {

namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

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

// Appends a finished word: lower-cased (ASCII), runs of 3+ equal bytes cut to 2, digits only
// becomes "<num>", apostrophes at the ends dropped.
void flush_word(std::string& word, Tokens& out) {
  size_t b = 0, e = word.size();
  while (b < e && word[b] == '\'') ++b;
  while (e > b && word[e - 1] == '\'') --e;
  if (b == e) {
    word.clear();
    return;
  }
  bool digits = true;
  const size_t at = out.buf.size();
  for (size_t i = b; i < e; ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!(c >= '0' && c <= '9') && c != '.' && c != ',') digits = false;
    const size_t n = out.buf.size() - at;
    if (n >= 2 && out.buf[at + n - 1] == c && out.buf[at + n - 2] == c && static_cast<unsigned char>(c) < 0x80)
      continue;
    out.buf.push_back(c);
  }
  word.clear();
  if (digits) {
    out.buf.resize(at);
    out.push("<num>", true);
  } else {
    out.spans.emplace_back(static_cast<uint32_t>(at), static_cast<uint32_t>(out.buf.size() - at));
    out.special.push_back(0);
  }
}

// "@handle": the handle itself, then the words it is made of, split at '_', between letters
// and digits, and at case changes ("AcmeAirHelp" -> acme, air, help; "FCHelp" -> fc, help).
void push_handle(std::string_view handle, Tokens& out) {
  std::string word = "@";
  for (const char c : handle) word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  out.push(word, false);
  auto kind = [](char c) {  // 0: '_', 1: digit, 2: lower, 3: upper
    if (c >= '0' && c <= '9') return 1;
    if (c >= 'a' && c <= 'z') return 2;
    if (c >= 'A' && c <= 'Z') return 3;
    return 0;
  };
  word.clear();
  const size_t n = handle.size();
  for (size_t i = 0; i < n; ++i) {
    const int k = kind(handle[i]);
    if (!word.empty() && i > 0) {
      const int p = kind(handle[i - 1]);
      const bool boundary = k == 0 || (p == 1) != (k == 1) || (p == 2 && k == 3) ||
                            (p == 3 && k == 3 && i + 1 < n && kind(handle[i + 1]) == 2);
      if (boundary) flush_word(word, out);
    }
    if (k != 0) word.push_back(handle[i]);
  }
  if (!word.empty()) flush_word(word, out);
}

}  // namespace

void normalize(std::string_view text, Tokens& out) {
  out.clear();
  std::string word;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (is_space(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && !is_space(static_cast<unsigned char>(text[j]))) ++j;
    std::string_view chunk = text.substr(i, j - i);
    i = j;
    auto starts = [&](std::string_view p) {
      if (chunk.size() < p.size()) return false;
      for (size_t k = 0; k < p.size(); ++k)
        if ((chunk[k] >= 'A' && chunk[k] <= 'Z' ? chunk[k] - 'A' + 'a' : chunk[k]) != p[k]) return false;
      return true;
    };
    const char first = chunk[0];
    if ((first == 'h' || first == 'H' || first == 'w' || first == 'W') &&
        (starts("http://") || starts("https://") || starts("www."))) {
      out.push("<url>", true);
      continue;
    }
    if (chunk.size() <= kLongestEmoticon) {
      if (const auto face = emoticon(chunk); !face.empty()) {
        out.push(face, true);
        continue;
      }
    }
    size_t k = 0;
    char run = 0;  // the '!' / '?' run being read
    size_t run_len = 0;
    auto end_run = [&]() {
      if (run_len) out.push(run == '!' ? (run_len > 1 ? "!!" : "!") : (run_len > 1 ? "??" : "?"), true);
      run_len = 0;
      run = 0;
    };
    while (k < chunk.size()) {
      const auto c = static_cast<unsigned char>(chunk[k]);
      if (c == '@' && word.empty() && k + 1 < chunk.size() &&
          (is_alnum(static_cast<unsigned char>(chunk[k + 1])) || chunk[k + 1] == '_')) {
        end_run();
        const size_t at = ++k;
        while (k < chunk.size() && (is_alnum(static_cast<unsigned char>(chunk[k])) || chunk[k] == '_')) ++k;
        push_handle(chunk.substr(at, k - at), out);
        continue;
      }
      if (c == '!' || c == '?') {
        if (!word.empty()) flush_word(word, out);
        if (run != static_cast<char>(c)) end_run();
        run = static_cast<char>(c);
        ++run_len;
        ++k;
        continue;
      }
      end_run();
      if (is_alnum(c) || c == '\'' || ((c == '.' || c == ',') && !word.empty() && k + 1 < chunk.size() &&
                                        std::isdigit(static_cast<unsigned char>(chunk[k + 1])) &&
                                        std::isdigit(static_cast<unsigned char>(word.back())))) {
        word.push_back(static_cast<char>(c));
        ++k;
        continue;
      }
      if (c < 0x80) {  // other ASCII punctuation separates words ('#', '&', ...)
        if (!word.empty()) flush_word(word, out);
        ++k;
        continue;
      }
      char32_t cp = 0;
      const size_t len = decode_utf8(chunk, k, cp);
      if (len == 0) {  // invalid byte: a separator
        if (!word.empty()) flush_word(word, out);
        ++k;
        continue;
      }
      if (cp == 0x2019 || cp == 0x2018) {  // typographic apostrophe
        word.push_back('\'');
      } else if (is_emoji(cp)) {
        if (!word.empty()) flush_word(word, out);
        out.push(chunk.substr(k, len), false);
      } else if (is_unicode_punct(cp)) {
        if (!word.empty()) flush_word(word, out);
      } else {
        word.append(chunk.substr(k, len));
      }
      k += len;
    }
    if (!word.empty()) flush_word(word, out);
    end_run();
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
    case Kind::chars: {
      s.append("char:");
      const std::string_view w = token(origin.token);
      for (uint32_t k = origin.offset; k < origin.offset + origin.length; ++k)
        s.push_back(k == 0 || k == w.size() + 1 ? '_' : (k - 1 < w.size() ? w[k - 1] : '_'));
      break;
    }
  }
  return s;
}

}  // namespace carewatch::rules::text_features
