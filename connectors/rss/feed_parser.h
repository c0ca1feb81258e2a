// An RSS 2.0 / RSS 1.0 (RDF) / Atom 1.0 document -> its items, with expat (a streaming parser:
// only the items kept are held in memory, never a tree of the whole document).
//
// Namespace-aware: Atom (http://www.w3.org/2005/Atom) entries, RSS items (no namespace, or RSS
// 1.0's), content:encoded, dc:creator / dc:date / dc:language, media:description, xml:lang.
// Entities: the five XML ones and character references are decoded by expat; CDATA sections are
// text like any other. A document that declares entities (<!ENTITY ...>, the "billion laughs"
// bomb and external-entity tricks) is refused outright, before any expansion; expat 2.5's own
// amplification limit stays on as a second guard. External entities and DTDs are never loaded.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch::rss {

enum class FeedKind { unknown, rss, atom };

// One <item> / <entry>, its text as found (HTML not yet stripped).
struct FeedItem {
  std::string id;           // RSS guid, Atom id, RSS 1.0 rdf:about
  std::string link;         // RSS link; Atom link rel="alternate" (or without rel) href
  std::string title;
  bool title_html = false;  // the title is HTML (Atom type="html"; RSS titles holding markup)
  std::string content;      // content:encoded, Atom content, else description / summary / media:description
  bool content_html = true; // false for Atom type="text" and for xhtml (already text)
  std::string author;       // dc:creator, RSS author, Atom author/name
  std::string date;         // pubDate / dc:date / Atom published, else updated (as written)
  std::string lang;         // the item's xml:lang
  // Other simple child elements by local name ("rating", "stars"), first value each: what a
  // rating_field option reads.
  std::map<std::string, std::string> fields;
  int line = 0;             // the line where the item starts, for warnings
};

struct Feed {
  FeedKind kind = FeedKind::unknown;
  std::string root;          // the root element's local name ("rss", "feed", "RDF", "html", ...)
  std::string title;
  std::string language;      // channel <language> / dc:language / the root's or feed's xml:lang
  std::vector<FeedItem> items;  // in document order (feeds put the newest first)
  size_t items_seen = 0;     // items in the document up to where parsing stopped
  bool truncated = false;    // stopped after max_items items
};

// Parses `body` in chunks. Keeps the first `max_items` items and stops reading there. Returns
// false with `error` on malformed XML ("line 12, column 4: mismatched tag"), a declared entity,
// or a document that is not a feed (the caller tells an HTML page apart by Feed::root).
bool parse_feed(std::string_view body, size_t max_items, Feed& out, std::string& error);

}  // namespace carewatch::rss
