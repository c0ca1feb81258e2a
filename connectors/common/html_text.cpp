#include "connectors/common/html_text.h"
#include "mention/utf8.h"

#include <algorithm>
#include <cstdint>

namespace carewatch {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Collects visible text: whitespace runs become one space, line breaks are held back until the
// next visible character (so nothing leads or trails), at most one blank line in a row.
class TextOut {
 public:
  void visible(char c) {
    if (is_space(c)) {
      space();
      return;
    }
    if (!out_.empty()) {
      if (newlines_ > 0) out_.append(static_cast<size_t>(newlines_), '\n');
      else if (space_) out_.push_back(' ');
    }
    newlines_ = 0;
    space_ = false;
    out_.push_back(c);
  }
  void visible(std::string_view s) {
    for (char c : s) visible(c);
  }
  void space() { space_ = true; }
  void line_break() { newlines_ = std::min(2, newlines_ + 1); }   // <br>
  void paragraph() { newlines_ = 2; }                              // </p><p>, block edges
  void block() { newlines_ = std::max(newlines_, 1); }             // <li>, <div>
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  int newlines_ = 0;
  bool space_ = false;
};

// NUL, like the other invalid code points, becomes U+FFFD.
void append_code_point(std::string& out, std::uint32_t cp) { append_utf8(out, cp == 0 ? 0xFFFD : cp); }

struct NamedEntity {
  std::string_view name;
  std::uint32_t cp;
};

// The named entities that occur in status HTML (Mastodon itself only emits the first few).
constexpr NamedEntity kEntities[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},     {"nbsp", ' '},      {"hellip", 0x2026}, {"mdash", 0x2014},
    {"ndash", 0x2013},  {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"ldquo", 0x201C},
    {"rdquo", 0x201D},  {"laquo", 0x00AB},  {"raquo", 0x00BB},  {"copy", 0x00A9},
    {"reg", 0x00AE},    {"trade", 0x2122},  {"euro", 0x20AC},   {"pound", 0x00A3},
    {"yen", 0x00A5},    {"cent", 0x00A2},   {"times", 0x00D7},  {"middot", 0x00B7},
    {"bull", 0x2022},   {"deg", 0x00B0},    {"zwj", 0x200D},    {"zwnj", 0x200C},
    {"shy", 0x00AD},
};

constexpr size_t kMaxEntityLength = 32;  // longer "&...;" runs are not entities: keeps it linear

// Decodes the entity at html[i] == '&'. On success appends its text and returns the index after
// it; otherwise returns i (the '&' is literal).
size_t decode_entity(std::string_view html, size_t i, std::string& decoded) {
  const size_t limit = std::min(html.size(), i + 1 + kMaxEntityLength);
  size_t j = i + 1;
  if (j < limit && html[j] == '#') {
    ++j;
    const bool hex = j < limit && (html[j] == 'x' || html[j] == 'X');
    if (hex) ++j;
    const size_t digits_start = j;
    std::uint32_t cp = 0;
    bool overflow = false;
    for (; j < limit; ++j) {
      const char c = html[j];
      int d;
      if (is_digit(c)) d = c - '0';
      else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else break;
      if (cp > 0x10FFFF) overflow = true;
      else cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
    }
    if (j == digits_start || j >= limit || html[j] != ';') return i;
    append_code_point(decoded, overflow ? 0xFFFD : cp);
    return j + 1;
  }
  const size_t name_start = j;
  while (j < limit && (is_alpha(html[j]) || is_digit(html[j]))) ++j;
  if (j == name_start || j >= limit || html[j] != ';') return i;
  const std::string_view name = html.substr(name_start, j - name_start);
  for (const auto& e : kEntities) {
    if (e.name == name) {
      append_code_point(decoded, e.cp);
      return j + 1;
    }
  }
  return i;
}

enum class TagEffect { none, line_break, block, paragraph };

TagEffect effect_of(std::string_view name) {
  if (name == "br") return TagEffect::line_break;
  if (name == "p" || name == "blockquote" || name == "pre" || name == "ul" || name == "ol" ||
      name == "h1" || name == "h2" || name == "h3" || name == "h4" || name == "h5" || name == "h6" ||
      name == "hr" || name == "table")
    return TagEffect::paragraph;
  if (name == "div" || name == "li" || name == "tr" || name == "dt" || name == "dd")
    return TagEffect::block;
  return TagEffect::none;
}

// Index just past the '>' that ends the tag starting at html[i] == '<', honouring quoted
// attribute values; npos when the input ends first.
size_t tag_end(std::string_view html, size_t i) {
  char quote = 0;
  char last = 0;  // the last non-space character outside quotes: a quote opens a value after '='
  for (size_t j = i + 1; j < html.size(); ++j) {
    const char c = html[j];
    if (quote) {
      if (c == quote) quote = 0;
    } else if ((c == '"' || c == '\'') && last == '=') {
      quote = c;
    } else if (c == '>') {
      return j + 1;
    }
    if (!quote && !is_space(c)) last = c;
  }
  return std::string_view::npos;
}

// Case-insensitive search for "</name" from `from`; npos when absent.
size_t find_closing(std::string_view html, size_t from, std::string_view name) {
  for (size_t j = html.find("</", from); j != std::string_view::npos; j = html.find("</", j + 2)) {
    if (j + 2 + name.size() > html.size()) return std::string_view::npos;
    bool match = true;
    for (size_t k = 0; k < name.size() && match; ++k) match = lower(html[j + 2 + k]) == name[k];
    if (match) return j;
  }
  return std::string_view::npos;
}

}  // namespace

std::string html_to_text(std::string_view html) {
  TextOut out;
  std::string entity;
  size_t i = 0;
  const size_t n = html.size();
  while (i < n) {
    const char c = html[i];
    if (c == '&') {
      entity.clear();
      const size_t next = decode_entity(html, i, entity);
      if (next == i) {
        out.visible('&');
        ++i;
      } else {
        out.visible(entity);
        i = next;
      }
      continue;
    }
    if (c != '<' || i + 1 >= n) {
      out.visible(c);
      ++i;
      continue;
    }
    const char d = html[i + 1];
    if (d == '!' || d == '?') {  // comment, doctype, processing instruction
      size_t end;
      if (html.substr(i, 4) == "<!--") {
        const size_t close = html.find("-->", i + 4);
        end = close == std::string_view::npos ? n : close + 3;
      } else {
        const size_t close = html.find('>', i + 2);
        end = close == std::string_view::npos ? n : close + 1;
      }
      i = end;
      continue;
    }
    const bool closing = d == '/';
    if (!is_alpha(closing ? (i + 2 < n ? html[i + 2] : ' ') : d)) {  // "a < b": a literal '<'
      out.visible(c);
      ++i;
      continue;
    }
    const size_t end = tag_end(html, i);
    if (end == std::string_view::npos) break;  // an unclosed tag at the end: dropped
    size_t k = i + (closing ? 2 : 1);
    std::string name;
    while (k < end && (is_alpha(html[k]) || is_digit(html[k])) && name.size() < 16)
      name.push_back(lower(html[k++]));
    i = end;
    switch (effect_of(name)) {
      case TagEffect::line_break: out.line_break(); break;
      case TagEffect::paragraph: out.paragraph(); break;
      case TagEffect::block: out.block(); break;
      case TagEffect::none:
        // Inline tags end no word by themselves ("#<span>tag</span>" stays "#tag").
        break;
    }
    if (!closing && (name == "script" || name == "style")) {  // never visible text
      const size_t close = find_closing(html, i, name);
      if (close == std::string_view::npos) break;
      const size_t close_end = tag_end(html, close);
      i = close_end == std::string_view::npos ? n : close_end;
    }
  }
  return out.take();
}

}  // namespace carewatch
