#include "connectors/mastodon/reply_text.h"

#include "connectors/common/json_text.h"
#include "mention/utf8.h"

namespace carewatch::mastodon {

using namespace text;  // the shared JSON and message text helpers

namespace {

constexpr size_t kLinkLength = 23;  // Mastodon's URL_PLACEHOLDER: every link counts 23

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_username_char(char c) { return is_ascii_alnum(c) || c == '_'; }
// A "word" character of Mastodon's regular expressions: letters and digits of any script, '_'.
// Bytes of multi-byte UTF-8 sequences stand for the letters they mostly are.
bool is_word_byte(char c) { return is_username_char(c) || static_cast<unsigned char>(c) >= 0x80; }
bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool starts_with_ci(std::string_view s, size_t at, std::string_view prefix) {
  if (s.size() - at < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[at + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// The length of the link starting at text[at], or 0 when none starts there.
size_t link_at(std::string_view text, size_t at) {
  size_t scheme = 0;
  if (starts_with_ci(text, at, "https://")) scheme = 8;
  else if (starts_with_ci(text, at, "http://")) scheme = 7;
  else return 0;
  if (at > 0) {
    const char before = text[at - 1];
    if (is_ascii_alnum(before) || before == '@' || before == '$' || before == '#' || before == '/') return 0;
  }
  size_t end = at + scheme;
  while (end < text.size() && !is_ascii_space(text[end])) ++end;
  // Trailing punctuation ends a sentence, not the link; a ')' stays when it closes a '(' of the
  // link ("https://en.wikipedia.org/wiki/Rust_(language)").
  while (end > at + scheme) {
    const char last = text[end - 1];
    if (last == ')') {
      int depth = 0;
      for (size_t i = at; i < end; ++i) depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
      if (depth >= 0) break;
      --end;
      continue;
    }
    if (last == '.' || last == ',' || last == ';' || last == ':' || last == '!' || last == '?' || last == '\'' ||
        last == '"' || last == ']' || last == '}' || last == '>' || last == '*')
      --end;
    else
      break;
  }
  // A link needs a host: at least one letter or digit after the scheme.
  bool host = false;
  for (size_t i = at + scheme; i < end && text[i] != '/'; ++i) host = host || is_word_byte(text[i]);
  return host ? end - at : 0;
}

// The mention starting at text[at] (a '@'); false when none starts there. `length` is its length
// in bytes.
bool mention_at(std::string_view text, size_t at, TextMention& m, size_t& length) {
  if (text[at] != '@') return false;
  if (at > 0) {
    const char before = text[at - 1];
    if (is_word_byte(before) || before == '=' || before == '/') return false;
  }
  // Username: [a-z0-9_]+ with inner '.' or '-', ending in [a-z0-9_].
  size_t end = at + 1;
  while (end < text.size() && (is_username_char(text[end]) || text[end] == '.' || text[end] == '-')) ++end;
  while (end > at + 1 && !is_username_char(text[end - 1])) --end;
  if (end == at + 1) return false;
  m.username = std::string(text.substr(at + 1, end - at - 1));
  m.domain.clear();
  // Domain: '@' then word characters with inner '.' or '-', ending in a word character.
  if (end < text.size() && text[end] == '@') {
    size_t d = end + 1;
    while (d < text.size() && (is_word_byte(text[d]) || text[d] == '.' || text[d] == '-')) ++d;
    while (d > end + 1 && !is_word_byte(text[d - 1])) --d;
    if (d > end + 1) {
      m.domain = std::string(text.substr(end + 1, d - end - 1));
      end = d;
    }
  }
  m.written = std::string(text.substr(at, end - at));
  length = end - at;
  return true;
}

// Walks `text`: links and mentions as a whole, anything else one code point at a time.
template <class OnLink, class OnMention, class OnOther>
void scan(std::string_view text, OnLink on_link, OnMention on_mention, OnOther on_other) {
  TextMention m;
  for (size_t i = 0; i < text.size();) {
    size_t n = link_at(text, i);
    if (n > 0) {
      on_link(text.substr(i, n));
      i += n;
      continue;
    }
    if (mention_at(text, i, m, n)) {
      on_mention(m);
      i += n;
      continue;
    }
    char32_t cp = 0;
    n = decode_utf8(text, i, cp);
    if (n == 0) n = 1;  // a stray byte counts as one character
    on_other(text.substr(i, n), cp);
    i += n;
  }
}

// "dan@mastodon.example" -> {"dan", "mastodon.example"}; "dan" -> {"dan", ""}.
std::pair<std::string, std::string> split_handle(std::string_view handle) {
  const auto at = handle.find('@');
  if (at == std::string_view::npos) return {std::string(handle), ""};
  return {std::string(handle.substr(0, at)), std::string(handle.substr(at + 1))};
}

}  // namespace

std::vector<TextMention> mentions_in(std::string_view text) {
  std::vector<TextMention> out;
  scan(
      text, [](std::string_view) {}, [&](const TextMention& m) { out.push_back(m); },
      [](std::string_view, char32_t) {});
  return out;
}

size_t status_length(std::string_view text) {
  size_t length = 0;
  scan(
      text, [&](std::string_view) { length += kLinkLength; },
      [&](const TextMention& m) { length += 1 + m.username.size(); },  // "@user": ASCII only
      [&](std::string_view, char32_t) { ++length; });
  return length;
}

bool names_author(const TextMention& m, const Mention& mention, std::string_view instance_host) {
  const auto [user, domain] = split_handle(mention.author.handle);
  if (user.empty() || lower(m.username) != lower(user)) return false;
  const std::string host = lower(std::string(instance_host));
  const std::string author_domain = domain.empty() ? host : lower(domain);
  const std::string named_domain = m.domain.empty() ? host : lower(m.domain);
  return author_domain == named_domain;
}

ReplyStatus compose_reply(const Mention& mention, std::string_view text, std::string_view instance_host) {
  ReplyStatus r;
  r.text = std::string(text);
  if (mention.author.handle.empty()) return r;
  for (const auto& m : mentions_in(text))
    if (names_author(m, mention, instance_host)) return r;
  r.prefix = "@" + mention.author.handle;
  r.text = r.prefix + " " + r.text;
  return r;
}

std::string compare_form(std::string_view text) {
  std::string out;
  bool space = false;
  auto put = [&](std::string_view s) {
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.append(s);
  };
  scan(
      text, [&](std::string_view link) { put(link); },
      [&](const TextMention& m) { put("@" + lower(m.username)); },
      [&](std::string_view bytes, char32_t) {
        if (bytes.size() == 1 && is_ascii_space(bytes[0])) space = true;
        else put(bytes);
      });
  return out;
}

}  // namespace carewatch::mastodon
