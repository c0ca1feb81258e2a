#include "connectors/rss/item_mention.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdlib>

#include "connectors/common/html_text.h"
#include "connectors/common/json_text.h"
#include "connectors/common/white_space.h"
#include "connectors/rss/feed_cursor.h"
#include "connectors/rss/feed_dates.h"

namespace carewatch::rss {

namespace {

using text::collapse_space;
using text::quoted;

bool has_markup(const std::string& s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '<' && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '/' || s[i + 1] == '!'))
      return true;
    if (s[i] == '&' && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '#')) {
      const size_t semi = s.find(';', i);
      if (semi != std::string::npos && semi - i <= 10) return true;
    }
  }
  return false;
}

// An RSS title is plain text by the spec, but many feeds escape HTML into it ("Fish &amp;amp;
// Chips", "<b>New</b>"): stripped only when it holds markup or an entity.
std::string plain_title(const FeedItem& item) {
  if (item.title_html || has_markup(item.title)) return html_to_text(item.title);
  return collapse_space(item.title);
}

std::string origin_of(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  const size_t path = url.find_first_of("/?#", scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

bool is_http_url(const std::string& s) {
  const std::string l = text::lower(s.substr(0, 8));
  return l.rfind("http://", 0) == 0 || l.rfind("https://", 0) == 0;
}

std::string resolve(const std::string& link, const std::string& feed_url) {
  std::string l = collapse_space(link);
  if (l.empty() || is_http_url(l)) return l;
  if (l.rfind("//", 0) == 0) return feed_url.substr(0, feed_url.find("//")) + l;
  if (l[0] == '/') return origin_of(feed_url) + l;
  return {};  // a relative path without a base we trust: no permalink
}

// "jo@example.com (Jo Smith)" -> "Jo Smith"; other names as written.
std::string author_name(const std::string& raw) {
  std::string a = collapse_space(raw);
  const size_t open = a.find(" (");
  if (open != std::string::npos && a.back() == ')' && a.find('@') < open) return a.substr(open + 2, a.size() - open - 3);
  return a;
}

// "4", "4.0", "4/5", "4 out of 5" -> 4; 0 when not a rating.
int read_rating(const std::string& s) {
  const std::string t = collapse_space(s);
  if (t.empty()) return 0;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || std::isnan(v)) return 0;
  const long r = std::lround(v);
  return r >= 1 && r <= 5 ? static_cast<int>(r) : 0;
}

void put(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key, const std::string& value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string raw_of(const FeedItem& item, const std::string& feed_url) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  put(w, "feed", feed_url);
  put(w, "id", item.id);
  put(w, "link", item.link);
  put(w, "title", item.title);
  put(w, "author", item.author);
  put(w, "date", item.date);
  for (const auto& [k, v] : item.fields) {
    if (v.size() > 200 || k == "feed") continue;
    put(w, k.c_str(), v);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

std::string item_native_id(const FeedItem& item) {
  std::string id = collapse_space(item.id);
  if (!id.empty()) return id;
  id = collapse_space(item.link);
  if (!id.empty()) return id;
  return hash_key(collapse_space(item.title) + "\n" + collapse_space(item.date));
}

std::optional<Mention> item_to_mention(const FeedItem& item, size_t index, const ItemOrigin& origin, TimeMs now,
                                       const Warn& warn) {
  const std::string title = plain_title(item);
  const std::string where = origin.label + ": item " + std::to_string(index + 1) + " (line " +
                            std::to_string(item.line) + (title.empty() ? "" : ", " + quoted(title)) + ")";
  std::string body;
  if (!item.content.empty()) body = item.content_html ? html_to_text(item.content) : collapse_space(item.content);
  if (title.empty() && body.empty()) {
    warn(where + ": no title and no text");
    return std::nullopt;
  }
  Mention m;
  m.platform = origin.platform;
  m.source = origin.source;
  m.native_id = item_native_id(item);
  m.uid = make_uid(m.platform, m.native_id);
  m.text = title;
  if (!body.empty() && body != title) m.text += (m.text.empty() ? "" : "\n\n") + body;
  m.author.display_name = author_name(item.author);
  m.author.handle = m.author.display_name;
  m.url = resolve(item.link, origin.feed_url);
  if (m.url.empty() && is_http_url(collapse_space(item.id))) m.url = collapse_space(item.id);
  if (!collapse_space(item.date).empty() && !parse_feed_date(item.date, m.posted_at)) {
    warn(where + ": date: not a date: " + quoted(collapse_space(item.date)));
    return std::nullopt;
  }
  m.language = collapse_space(item.lang.empty() ? origin.language : item.lang);
  m.seen_at = now;
  if (origin.rating_field) {
    if (const auto f = item.fields.find(*origin.rating_field); f != item.fields.end()) {
      m.rating = read_rating(f->second);
      if (m.rating == 0)
        warn(where + ": " + *origin.rating_field + ": expected a rating from 1 to 5, got " + quoted(collapse_space(f->second)));
    }
  }
  if (m.rating == 0 && origin.rating_pattern) {
    std::smatch match;
    if (std::regex_search(title, match, *origin.rating_pattern) && match.size() > 1 && match[1].matched)
      m.rating = read_rating(match[1].str());
  }
  m.raw = raw_of(item, origin.feed_url);
  return m;
}

}  // namespace carewatch::rss
