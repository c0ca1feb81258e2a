#include "connectors/reddit/markdown_text.h"

#include <cctype>
#include <string>

#include "mention/utf8.h"

namespace carewatch::reddit {

namespace {

bool starts_with(std::string_view s, size_t at, std::string_view p) { return s.substr(at, p.size()) == p; }

// The markdown punctuation a backslash escapes.
bool escapable(char c) { return std::string_view("\\`*_{}[]()#+-.!>~^|").find(c) != std::string_view::npos; }

// The position of the ']' closing the '[' at `open`, nested brackets counted, on one line; npos.
size_t closing_bracket(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n') return std::string_view::npos;
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '[') ++depth;
    if (c == ']' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

// The position of the ')' ending a link destination that starts at `start`, parentheses in the
// URL balanced, without spaces (a title after a space is skipped up to the ')'); npos.
size_t closing_paren(std::string_view s, size_t start, size_t& url_end) {
  int depth = 0;
  url_end = std::string_view::npos;
  for (size_t i = start; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n') return std::string_view::npos;
    if ((c == ' ' || c == '\t') && url_end == std::string_view::npos) url_end = i;
    if (c == '(') ++depth;
    if (c == ')') {
      if (depth == 0) {
        if (url_end == std::string_view::npos) url_end = i;
        return i;
      }
      --depth;
    }
  }
  return std::string_view::npos;
}

// The inline markup of one piece of text (links, emphasis, carets, escapes); recursive for a
// link's text.
std::string inline_text(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size() && escapable(s[i + 1])) {
      out.push_back(s[i + 1]);
      i += 2;
      continue;
    }
    if (c == '[') {
      const size_t close = closing_bracket(s, i);
      if (close != std::string_view::npos && close + 1 < s.size() && s[close + 1] == '(') {
        size_t url_end = 0;
        const size_t paren = closing_paren(s, close + 2, url_end);
        if (paren != std::string_view::npos) {
          const std::string label = inline_text(s.substr(i + 1, close - i - 1));
          std::string url(s.substr(close + 2, url_end - close - 2));
          if (!url.empty() && url.front() == '<' && url.back() == '>') url = url.substr(1, url.size() - 2);
          if (!url.empty() && url.front() == '/') url = "https://www.reddit.com" + url;
          if (label.empty() || label == url) out += url;
          else if (url.empty()) out += label;
          else out += label + " (" + url + ")";
          i = paren + 1;
          continue;
        }
      }
    }
    if ((c == '*' || c == '_') && i + 1 < s.size() && s[i + 1] == c) {
      i += 2;  // ** or __ (and *** as ** then *)
      continue;
    }
    if (c == '^' && (out.empty() || std::isspace(static_cast<unsigned char>(out.back())) || out.back() == '^' ||
                     out.back() == '(')) {
      if (i + 1 < s.size() && s[i + 1] == '(') {
        // ^(several words): the words, without the parentheses.
        size_t depth = 0, j = i + 1;
        for (; j < s.size() && s[j] != '\n'; ++j) {
          if (s[j] == '(') ++depth;
          if (s[j] == ')' && --depth == 0) break;
        }
        if (j < s.size() && s[j] == ')') {
          out += inline_text(s.substr(i + 2, j - i - 2));
          i = j + 1;
          continue;
        }
      }
      ++i;  // a caret starting a word
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace

std::string unescape_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      struct Entity {
        std::string_view name;
        char value;
      };
      static constexpr Entity kEntities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
      bool done = false;
      for (const auto& e : kEntities)
        if (starts_with(s, i, e.name)) {
          out.push_back(e.value);
          i += e.name.size();
          done = true;
          break;
        }
      if (done) continue;
    }
    out.push_back(s[i++]);
  }
  return out;
}

std::string markdown_to_text(std::string_view markdown) {
  std::string text = unescape_entities(to_valid_utf8(markdown));
  // The zero-width space of an empty paragraph (written as an entity in the markdown itself).
  for (const std::string_view zw : {"&#x200B;", "&#x200b;", "&#8203;", "\xE2\x80\x8B"})
    for (size_t at = text.find(zw); at != std::string::npos; at = text.find(zw, at)) text.erase(at, zw.size());
  std::string out;
  size_t line_start = 0;
  int pending_breaks = 0;
  bool in_code = false;  // a ``` fenced block: kept as written
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    std::string_view line = std::string_view(text).substr(line_start, line_end - line_start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string rendered;
    const size_t first = line.find_first_not_of(" \t");
    const bool fence = first != std::string_view::npos && starts_with(line, first, "```");
    if (fence) {
      in_code = !in_code;  // the fence itself is dropped, and makes no line break
    } else if (in_code) {
      rendered = std::string(line);
    } else {
      std::string_view body = line;
      if (first != std::string_view::npos && line[first] == '#') {
        size_t h = first;
        while (h < line.size() && line[h] == '#') ++h;
        if (h - first <= 6 && (h == line.size() || line[h] == ' ')) body = line.substr(std::min(line.size(), h + 1));
      }
      rendered = inline_text(body);
    }
    while (!rendered.empty() && (rendered.back() == ' ' || rendered.back() == '\t')) rendered.pop_back();
    if (fence) {
    } else if (rendered.empty()) {
      if (!out.empty()) ++pending_breaks;
    } else {
      if (!out.empty()) out.append(static_cast<size_t>(std::min(pending_breaks + 1, 2)), '\n');
      pending_breaks = 0;
      out += rendered;
    }
    if (line_end == text.size()) break;
    line_start = line_end + 1;
  }
  // Leading white space of the whole text.
  const size_t lead = out.find_first_not_of(" \t\n");
  return lead == std::string::npos ? std::string() : out.substr(lead);
}

}  // namespace carewatch::reddit
