// Reddit: the new comments and posts of subreddits (/r/{sub}/comments, /r/{sub}/new), searches
// of posts (/search?sort=new&type=link) and the account's username mentions (/message/mentions),
// read through Reddit's OAuth API (base_url, https://oauth.reddit.com) as a "script" app.
//
// Options: options.h (RedditOptions, read from schema.json, and the checks the schema cannot
// express: a descriptive user_agent above all).
//
// Auth (oauth.h): the password grant at <auth_url>/api/v1/access_token with the app's id and
// secret as HTTP Basic; the token (24 hours) is fetched on first use, not when the connector is
// built, and fetched anew 5 minutes before it expires and once when the API answers 401/403. A
// 401/403 to a token just fetched is fatal, naming what to fix (client id and secret of a
// "script" app, username and password, or a private subreddit). Every request carries
// "Authorization: bearer <token>" and the configured User-Agent. Secrets and tokens appear in no
// message.
//
// Streams and the cursor (cursor.h). Each subreddit gives the streams "comments:<sub>" and
// "posts:<sub>", each query "search:<query>", and mentions "mentions". A stream's first poll takes
// its newest page only (no backfill) and remembers its fullnames. Every later poll reads the
// newest page and takes what is neither among the recent fullnames it remembers nor older than
// the oldest of them; when the whole page is new it pages down with `after` to what it saw, at
// most max_pages pages, leaving a gap in the cursor that the next poll (Batch::more) reads first
// (after the items just above its start when that one is deleted meanwhile); a gap read to its
// end sets Batch::more again, so what came meanwhile is read at once.
// Reddit's `before` is not used: it answers nothing, silently, once its item is deleted; the
// remembered fullnames make the newest page enough, at one request a stream when nothing is new.
//
// Rate limits: Reddit allows 100 requests a minute per OAuth client and says what is left in
// X-Ratelimit-Used / -Remaining / -Reset (seconds to the reset). A page that leaves 0 ends the
// poll with Batch::retry_after at the reset, and no request is made while 0 is known to be left
// (a poll then returns an empty batch asking to wait). 429 and 5xx are retried with Retry-After /
// the reset; usage.rate_limit_remaining is the last X-Ratelimit-Remaining.
//
// Mapping: thing_mention.h; text: markdown_text.h. A mention seen by two streams in one poll is
// returned once.
//
// Errors: a token or API 401/403 (after a fresh token), 404 and other 4xx are fatal (the message
// names the stream, URL and status); 429, 5xx, transport errors, an HTML page and invalid or
// truncated JSON are retried; a page that is not a Listing is retried. A child with a missing or
// wrong-typed field is skipped with a warning naming it; the others are kept. When one stream
// fails after another succeeded, the batch keeps the good streams' mentions and reports the
// failure as a warning (the failed stream's cursor keeps what it had read).
//
// Replies (the contract is in connectors/connector.h; the rules in reply_text.h). Any comment or
// post this connector read can be answered (fullname "t1_..." / "t3_...", an inbox mention too).
//   - check_reply (no network): "empty"; "max_length": more than 10,000 characters.
//   - reply: POST /api/comment (form api_type=json, thing_id=<fullname>, text). Sent: the new
//     comment's fullname, permalink and created_utc. json.errors RATELIMIT is retried after the
//     wait it gives (nothing was posted); any other error (THREAD_LOCKED, DELETED_COMMENT,
//     TOO_OLD, ...) is permanent. 429 is retried (nothing posted); 5xx, transport errors and a
//     2xx that is not the expected JSON are retried and may have posted. A 401/403 is retried once
//     with a fresh token (it posted nothing), then permanent naming what to fix.
//   - Exactly once: Reddit has no idempotency key (reply_rules().idempotency_window is 0), so a
//     reply that may have been posted is reconciled by find_reply: GET
//     /user/<username>/comments?sort=new&limit=100, paging down (at most 5 pages) to the
//     mention's time, for the account's comment whose parent_id is the mention's fullname and
//     whose body is the text (entities decoded, line-end white space ignored); the earliest if
//     several. None there is not_found; a failed request, or 5 pages without reaching the
//     mention's time, is unknown (asked again later).
#pragma once

#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/reddit/options.h"

namespace carewatch {

// Builds a Reddit connector for source `source`; no request is made until the first poll. On a
// configuration problem returns nullptr and sets `error` ("options.user_agent: ...").
std::unique_ptr<Connector> make_reddit_connector(const std::string& source, RedditOptions options,
                                                 std::shared_ptr<HttpClient> http, std::string& error);

}  // namespace carewatch
