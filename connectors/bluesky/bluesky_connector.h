// Bluesky (AT Protocol): the brand account's mentions, replies and quotes
// (app.bsky.notification.listNotifications) and post search for brand terms
// (app.bsky.feed.searchPosts?sort=latest), read through the account's PDS or entryway
// (options.base_url, which proxies app.bsky.* to the App View), and replies posted as the account.
//
// Options: options.h (BlueskyOptions, read from schema.json, and the checks the schema cannot
// express).
//
// Auth (session.h): an app password exchanged with com.atproto.server.createSession for an access
// and a refresh token, kept in memory (never in the cursor, never logged) and refreshed with
// refreshSession a minute before the access token's "exp", or when a request is refused with 400
// ExpiredToken / InvalidToken or 401. The connector logs in only when it has no session or the
// refresh token is refused: never on every poll (createSession is limited to 30 per 5 minutes, and
// carewatch keeps itself to 10). A request refused after a refresh and then a new login is fatal
// and names options.identifier and options.app_password. The constructor touches no network.
//
// Streams and the cursor (cursor.h). The notifications and each search term are a stream. Both
// lists come newest first and page backwards in time; a poll reads from the top down (page_size
// items a page) until it reaches what it has seen: an item older than the newest time seen less
// kOverlap (10 minutes), with items inside that window recognised by uri. The first poll of a
// stream takes the newest page only (no backfill). A walk down longer than max_pages keeps its
// place in the cursor (the page cursor, the lowest time read, where to stop) and goes on in an
// immediate next poll (Batch::more): no page is skipped, and one read twice (offset-based search
// cursors shift when posts arrive) is recognised by the time and uris kept. Notifications other
// than mention, reply and quote are not asked for (reasons=mention,reply,quote) and are skipped if
// they come anyway; posts seen by two streams in one poll are returned once.
//
// Mapping: post_mention.h (a post view -> Mention, with its warnings).
//
// Errors: 400 (other than an expired token), 403, 404 and other 4xx are fatal (the message names
// the stream, the URL and the PDS's {"error", "message"}, never a token or the password); 429, 5xx
// and transport errors are retried, after RateLimit-Reset when the limit is used up. A 200 whose
// body is an HTML page, invalid or truncated JSON, or without the expected array is retried. An
// item with a missing or mistyped field is skipped with a warning naming it; the others are kept.
// When one stream fails after another succeeded, the batch keeps the good streams' mentions and
// reports the failure as a warning (the failed stream's cursor does not move). A good page that
// used up the rate limit (RateLimit-Remaining: 0) sets Batch::retry_after and ends the poll.
//
// Replies (the contract is in connectors/connector.h; the text rules in reply_text.h):
//   - check_reply (no network): "empty"; "max_length": more than options.max_graphemes grapheme
//     clusters (default 300, Bluesky's), or more than 3000 bytes.
//   - reply: com.atproto.repo.createRecord of an app.bsky.feed.post {text, createdAt, facets for
//     its links, reply: {root, parent}} in the account's repo. parent is the mention's post (uri and
//     cid); root is the parent's own reply.root when it is a reply, else the parent: the thread's
//     first post. Both come from the mention's raw view; without one, app.bsky.feed.getPosts reads
//     the post (none: it was deleted, permanent). Sent: the new post's uri, its bsky.app permalink
//     and the createdAt written.
//   - Exactly once: the record key is derived from the reply id (reply_text.h), so a repeated
//     createRecord of the same reply cannot make a second post: the PDS refuses the key (a 500
//     today; a 4xx naming it in later versions). After any answer other than a success or a 429,
//     the connector reads the record at that key (com.atproto.repo.getRecord): there, it was sent.
//     find_reply (reply_rules().can_reconcile) does the same read, so a reply whose worker died is
//     settled by it; not found: it was never made (or has since been deleted) and is posted again.
//   - 429, 5xx and transport errors are retried (a 429 made no post); other 4xx are permanent.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "connectors/bluesky/options.h"
#include "connectors/connector.h"
#include "connectors/http/http_client.h"

namespace carewatch {

// Builds a Bluesky connector for source `source`. On a configuration problem returns nullptr and
// sets `error` ("options.base_url: ...").
std::unique_ptr<Connector> make_bluesky_connector(const std::string& source, BlueskyOptions options,
                                                  std::shared_ptr<HttpClient> http, std::string& error);

// createSession and refreshSession calls made by a connector made by make_bluesky_connector (0 for
// any other connector).
struct BlueskySessionCounts {
  std::size_t logins = 0;
  std::size_t refreshes = 0;
};
BlueskySessionCounts bluesky_session_counts(const Connector& connector);

}  // namespace carewatch
