// A feed item (feed_parser.h) -> Mention.
//
// platform = options.platform ("rss" by default); native_id = the RSS guid / Atom id (RSS 1.0:
// rdf:about), else the link, else "h:<hash of title and date>"; text = the title, a blank line,
// then the content (content:encoded, Atom content, else description / summary /
// media:description) with HTML stripped and entities decoded (html_to_text) unless the feed says
// the text is plain (Atom type="text" / xhtml); author = dc:creator, RSS author ("jo@example.com
// (Jo Smith)" -> "Jo Smith") or Atom author/name, as handle and display name; url = the link (a
// relative one resolved against the feed's URL), else a guid that is a URL; posted_at = pubDate
// (RFC 822) / dc:date / published / updated (RFC 3339); language = the item's xml:lang, else the
// feed's <language> / xml:lang; rating = the rating_field element or the rating_pattern's group in
// the title (1-5); raw = a small JSON object of the item's fields and the feed's URL.
//
// Skipped with a warning naming the item ("Acme reviews: item 3 (line 41): pubDate: not a date:
// \"yesterday\""): no title and no text; a date that cannot be read. An item without a date is
// kept (posted_at 0). A rating that cannot be read is a warning, and the item is kept unrated.
#pragma once

#include <functional>
#include <optional>
#include <regex>
#include <string>

#include "connectors/rss/feed_parser.h"
#include "mention/mention.h"

namespace carewatch::rss {

using Warn = std::function<void(std::string)>;

struct ItemOrigin {
  std::string source;     // Mention::source
  std::string platform;   // Mention::platform
  std::string feed_url;   // resolves relative links; raw
  std::string label;      // the feed in messages
  std::string language;   // the feed's language
  std::optional<std::string> rating_field;
  const std::regex* rating_pattern = nullptr;
};

// The item's native id (guid / id, link, or the hash of title and date).
std::string item_native_id(const FeedItem& item);

// The mapped item, or nullopt (warned). `index` is its place in the feed (0-based).
std::optional<Mention> item_to_mention(const FeedItem& item, size_t index, const ItemOrigin& origin, TimeMs now,
                                       const Warn& warn);

}  // namespace carewatch::rss
