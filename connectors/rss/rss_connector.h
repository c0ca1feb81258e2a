// rss: any RSS 2.0, RSS 1.0 or Atom 1.0 feed (review sites, news and blog searches, alert feeds),
// parsed with expat (feed_parser.h: streaming, namespace-aware, entity declarations refused).
//
// Options: options.h (RssOptions, read from schema.json; feeds, platform, max_items, max_bytes,
// user_agent, rating_field / rating_pattern, window, backfill, timeout).
//
// Streams and the cursor (feed_cursor.h). Every feed is a stream, keyed in the cursor by its URL:
// {"<url>": {"etag", "modified", "seen": [item keys], "newest": ms}}.
//   - Conditional GET: the feed's last ETag goes out as If-None-Match and its Last-Modified as
//     If-Modified-Since; a 304 Not Modified is "nothing new" and leaves the feed's entry as it was.
//   - New items: an item is new when its key (guid / id, else link, else a hash of title and date)
//     is not among the keys seen and, when dated, it is not older than `window` (14 days) before
//     the newest item seen. The keys seen are the feed's items of this fetch (up to max_items)
//     followed by the earlier ones not listed any more, at most 2 x max_items: a feed that
//     reorders its items, drops one and lists it again, or edits one in place (same guid) brings
//     nothing twice; an item that reappears after being out of the list longer than that is
//     caught by the window. A feed without guids keyed by its links behaves the same.
//   - First poll of a feed: every item it lists counts as seen and none is taken (no backfill),
//     unless `backfill` is true (every item listed is taken).
//   - Feeds have no pages: a feed shows its newest max_items items, and an item that came and
//     went between two polls was never seen. Poll a busy feed often enough.
//   The batch holds the new items of every feed, oldest first; an item found in two feeds of the
//   source in one poll is taken once.
//
// Mapping: item_mention.h.
//
// Errors: 404 and 410 (the feed is gone) and the other 4xx but 408/425/429 are fatal, naming the
// feed and the status; 429, 5xx and transport errors are retried (Retry-After honoured); a 200
// that is an HTML page (a consent or login wall, a maintenance page), malformed XML (with expat's
// line and column), a document that is not a feed, one declaring entities, or one over max_bytes
// are retried. When one feed fails and another succeeds, the batch keeps the good feeds' items and
// reports the failure as a warning; the failed feed's entry does not move. A bad item is skipped
// with a warning naming it (item_mention.h), the others are kept.
//
// Replies: none. Feeds are read-only (Connector's defaults: cannot_reply, "answer on <url>").
#pragma once

#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/rss/options.h"

namespace carewatch {

// Builds an rss connector for source `source`. On a configuration problem returns nullptr and
// sets `error` ("options.feeds[1]: expected an absolute http(s) URL ..."). Touches no network.
std::unique_ptr<Connector> make_rss_connector(const std::string& source, RssOptions options,
                                              std::shared_ptr<HttpClient> http, std::string& error);

}  // namespace carewatch
