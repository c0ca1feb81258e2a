#include "connectors/x/reply_text.h"

#include <array>
#include <vector>

#include "connectors/common/white_space.h"
#include "connectors/x/tweet_mention.h"
#include "mention/utf8.h"

namespace carewatch::x {

namespace {

using text::is_space;
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool label_char(char c) { return is_alpha(c) || is_digit(c) || c == '-'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Generic top-level domains twitter-text links without a scheme (the common ones; every
// two-letter country domain is taken as well).
constexpr std::array<std::string_view, 32> kGenericTlds = {
    "com",  "net",  "org",    "info", "biz",  "edu",    "gov",  "mil",   "int",   "app",   "dev",
    "xyz",  "shop", "store",  "site", "online", "tech", "help", "support", "travel", "aero", "blog",
    "cloud", "link", "live",  "news", "page", "club",   "inc",  "agency", "email", "one"};

bool known_tld(std::string_view tld) {
  std::string l;
  for (char c : tld) {
    if (!is_alpha(c)) return false;
    l.push_back(lower(c));
  }
  if (l.size() == 2) return true;
  for (auto t : kGenericTlds)
    if (t == l) return true;
  return false;
}

bool starts_with_ci(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i)
    if (lower(s[i]) != p[i]) return false;
  return true;
}

// The length of the URL starting at word[0] (a word: no white space), 0 when there is none.
size_t url_length(std::string_view word) {
  size_t end = 0;
  if (starts_with_ci(word, "https://") || starts_with_ci(word, "http://")) {
    const size_t scheme = word[4] == ':' ? 7 : 8;
    if (word.size() == scheme || !label_char(word[scheme])) return 0;
    end = word.size();
  } else {
    // A bare domain: label(.label)+ with a known top-level domain, then optionally /path.
    size_t i = 0, last_label = 0, labels = 0;
    while (i < word.size()) {
      const size_t start = i;
      while (i < word.size() && label_char(word[i])) ++i;
      if (i == start) return 0;
      last_label = start;
      ++labels;
      if (i < word.size() && word[i] == '.' && i + 1 < word.size() && label_char(word[i + 1])) {
        ++i;
        continue;
      }
      break;
    }
    if (labels < 2 || !known_tld(word.substr(last_label, i - last_label))) return 0;
    if (i < word.size() && word[i] != '/' && word[i] != ':' && word[i] != '?' && word[i] != '#') {
      // "acme.com's" or "acme.com," are links followed by text; "acme.comx" is no link.
      if (label_char(word[i])) return 0;
      return i;
    }
    end = word.size();
  }
  // Trailing punctuation is not part of a link.
  while (end > 0 && std::string_view(".,!?;:'\")]}").find(word[end - 1]) != std::string_view::npos) --end;
  return end;
}

// Splits `text` into links and the rest; calls on_text(piece) / on_url() in order.
template <class OnText, class OnUrl>
void scan(std::string_view text, OnText on_text, OnUrl on_url) {
  size_t i = 0, plain = 0;
  while (i < text.size()) {
    if (is_space(text[i])) {
      ++i;
      continue;
    }
    // A word: a link may start at its beginning or after opening punctuation.
    size_t w = i;
    while (w < text.size() && !is_space(text[w])) ++w;
    size_t start = i;
    while (start < w && std::string_view("(\"'[{<").find(text[start]) != std::string_view::npos) ++start;
    // Not an e-mail address or a handle: nothing before the domain but the punctuation above.
    const std::string_view word = text.substr(start, w - start);
    const size_t n = word.find('@') == std::string_view::npos ? url_length(word) : 0;
    if (n > 0) {
      on_text(text.substr(plain, start - plain));
      on_url(text.substr(start, n));
      plain = start + n;
      i = start + n;
      continue;
    }
    i = w;
  }
  on_text(text.substr(plain));
}

size_t weight_of(char32_t cp) {
  if (cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247))
    return 1;
  return 2;
}

}  // namespace

size_t weighted_length(std::string_view text) {
  size_t total = 0;
  scan(
      text,
      [&](std::string_view piece) {
        for (size_t i = 0; i < piece.size();) {
          char32_t cp = 0;
          const size_t n = decode_utf8(piece, i, cp);
          if (n == 0) {
            total += 2;  // not UTF-8: X would refuse it; never count it as less
            ++i;
            continue;
          }
          total += weight_of(cp);
          i += n;
        }
      },
      [&](std::string_view) { total += kUrlWeight; });
  return total;
}

std::string compare_form(std::string_view raw) {
  const std::string text = decode_post_text(raw);
  std::string marked;
  scan(
      text, [&](std::string_view piece) { marked.append(piece); }, [&](std::string_view) { marked += "<url>"; });
  std::string out = carewatch::text::collapse_space(marked);  // white space collapsed
  // The @handles in front.
  size_t start = 0;
  while (start < out.size() && out[start] == '@') {
    size_t e = start + 1;
    while (e < out.size() && (is_alpha(out[e]) || is_digit(out[e]) || out[e] == '_')) ++e;
    if (e == start + 1 || (e < out.size() && out[e] != ' ')) break;
    start = e < out.size() ? e + 1 : e;
  }
  return out.substr(start);
}

}  // namespace carewatch::x
