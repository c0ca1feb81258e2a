// hackernews: Hacker News stories and comments that match brand terms, from Algolia's HN Search
// API: GET <base_url>/search_by_date?query=<term>&tags=(story,comment)&numericFilters=
// created_at_i>=<s>[,created_at_i<=<s>]&hitsPerPage=<n>&page=<k>. No account, no key.
//
// Options: options.h (HackernewsOptions, read from schema.json: base_url, terms, tags,
// hits_per_page, max_pages, backfill, timeout).
//
// Streams and the cursor (search_cursor.h). Every term is a stream. The cursor keeps per term the
// second of the newest hit taken and the ids taken at that second, plus, while many hits are new,
// the run of pages in progress (its fixed upper bound, the next page, the oldest second taken and
// its ids), so a restart in the middle of the pages resumes where it stopped: nothing lost, nothing
// twice, hits posted while the pages are read included.
//   - First poll of a term: the newest page only (hits_per_page hits), taken, and the term starts
//     there; with `backfill` ("2d") it starts that far back and pages through everything since.
//   - Later polls: hits at or after the newest second, minus the ids already taken at it, newest
//     first, page after page (page=0..nbPages-1) until a short page or the last, at most max_pages
//     per poll; Batch::more says more pages are waiting.
//   - Limits: Algolia allows 10,000 requests an hour per IP address (about 2.7 a second), and
//     answers 429 beyond; a poll makes one request per term when little is new. Keep
//     terms x (3600 / interval) x pages well under that, counting every carewatch instance behind
//     the same address: 5 terms every 60 s is 300 requests an hour. A 429 stops the poll and is
//     retried after its Retry-After.
//   A hit is indexed within seconds of being posted; one indexed later than the next poll, with an
//   older created_at_i than the newest taken, is not seen.
//
// Mapping: hit_mention.h. A hit matched by two terms in one poll is returned once.
//
// Errors (connectors/common/json_fetch.h): 4xx other than 408/425/429 are fatal, naming the term,
// the URL and Algolia's message; 429, 5xx, transport errors, an HTML page, invalid or truncated
// JSON, or a body without a "hits" array are retried; the term's cursor does not move. When one
// term fails after another succeeded, the batch keeps the good terms' hits and reports the failure
// as a warning. A hit with a missing or mistyped field is skipped with a warning naming it.
//
// Replies: none (Connector's defaults: cannot_reply, "answer on <url>"). HN has no API to post.
#pragma once

#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/hackernews/options.h"
#include "connectors/http/http_client.h"

namespace carewatch {

// Builds a hackernews connector for source `source`. On a configuration problem returns nullptr
// and sets `error`. Touches no network.
std::unique_ptr<Connector> make_hackernews_connector(const std::string& source, HackernewsOptions options,
                                                     std::shared_ptr<HttpClient> http, std::string& error);

}  // namespace carewatch
