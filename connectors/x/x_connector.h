// X (API v2): the brand account's mentions (GET /2/users/:id/mentions) and recent search
// (GET /2/tweets/search/recent), read with the app's bearer token under a daily budget of posts
// read; replies (POST /2/tweets) with the brand account's user-context token (OAuth 1.0a).
//
// Options: options.h (XOptions, read from schema.json, and the checks the schema cannot express).
//
// Streams and the cursor (cursor.h). The mentions (with options.user_id) and every search query
// are streams: "mentions" and "search:<query>" in the cursor, each with the newest id read, the
// ids recently returned, and an unfinished walk through pages. Every request asks for
// tweet.fields=created_at,lang,conversation_id,in_reply_to_user_id,referenced_tweets,author_id,
// public_metrics,note_tweet, expansions=author_id and user.fields=username,name,public_metrics,
// verified.
//   - First poll of a stream: the newest page only (no backfill).
//   - Later polls ask for since_id = the id of the instant 30 s before the newest post read (X's
//     search indexes some posts late, with ids older than posts it already returned); what the
//     overlap returns again is dropped against the recently returned ids (the newest 500 per
//     stream, kept in the cursor). When nothing new comes, the newest id moves to the instant
//     30 s before the poll (by X's Date header when X's clock is behind ours), so a quiet stream
//     does not read the same posts again and again.
//   - X pages newest first (meta.next_token; pagination_token for mentions, next_token for
//     search). A poll follows at most max_pages pages of a stream; if more are left, the cursor
//     keeps the walk (since_id, token, the walk's newest id) and Batch::more asks for an immediate
//     next poll, which goes on where the walk stopped: a restart between pages loses nothing and
//     reads nothing twice. The newest id moves only when a walk reaches its last page. A token X
//     no longer takes (400) starts the walk over, with a warning (posts may come twice, never
//     lost; dedupe drops them).
//   - A search stream last read more than 7 days ago (recent search's reach) starts again at the
//     newest page, with a warning that posts in between were not read.
//   - Ids are compared as big numbers (length, then text), never as floating point. A post
//     returned by two streams in one poll is returned once.
//
// Budget (connectors/common/daily_budget.h; "budget" in the cursor, and in memory so a failed
// poll's reads are not forgotten by the next). X bills every post read. Every post a page returns
// (reposts, duplicates and skipped ones included) is counted in SourceUsage::posts_read and spent
// from options.max_posts_per_day; a request never asks for more than what is left (max_results =
// min(options.max_results, left); X's minimum is 10 for search and 5 for mentions). When less than
// that is left, the poll stops, returns what it has, and sets Batch::retry_after to the next 00:00
// UTC with the warning "budget of N posts for <day> spent; paused until 00:00 UTC". Posts read by
// find_reply are counted too (in the next poll's usage).
//
// Mapping: tweet_mention.h. Reposts are skipped.
//
// Errors: 401/403 and other 4xx are fatal, naming the stream, the URL, X's {"title", "detail"}
// and options.bearer_token (never the token); 429 is retried at x-rate-limit-reset, 5xx, transport
// errors, HTML pages and invalid / truncated JSON with backoff. A good page that used up the rate
// limit (x-rate-limit-remaining: 0) ends the poll with Batch::retry_after. X's 200 with "errors"
// (a deleted post, a suspended author) gives warnings; a post with a wrong-typed field is skipped
// with a warning naming it. When one stream fails after another read a page, the batch keeps what
// was read and reports the failure as a warning (the failed stream's cursor does not move).
//
// Replies (the contract is in connectors/connector.h; the text rules in reply_text.h). Only with
// all four of consumer_key, consumer_secret, access_token and access_token_secret (oauth1.h), and
// user_id (the account the access token belongs to); a mention that is not an X post cannot be
// answered (cannot_reply).
//   - check_reply (no network): "empty"; "max_length": more than 280 weighted characters.
//   - reply: POST /2/tweets {"text": ..., "reply": {"in_reply_to_tweet_id": <id>}}, signed with
//     OAuth 1.0a. Sent: data.id, its url (https://x.com/i/web/status/<id>) and the time of its
//     snowflake id. 429 is retried (no post was made) at x-rate-limit-reset, or at
//     x-user-limit-24hour-reset / x-app-limit-24hour-reset when a daily cap is spent; 5xx, transport errors and a 2xx without a
//     post are retried as may-have-posted; other 4xx are permanent, naming X's detail.
//   - Exactly once: X has no idempotency key (reply_rules().idempotency_window is 0), so a reply
//     that may have been posted is reconciled by find_reply: GET /2/users/<user_id>/tweets with
//     since_id = the mention (the brand's posts after it, newest first, bearer token, at most 10
//     pages), taking the earliest post in reply to the mention whose text equals the reply's
//     (compare_form: links as <url>, since X shortens them, the leading @handles dropped, white
//     space collapsed). None is not_found; a failed request or more pages than that is unknown.
//     X's 403 "duplicate content" to a POST means the account already posted that text: reply
//     settles it with find_reply (found: sent; not found: a permanent failure, the text repeats
//     another post of the account; unknown: retried).
#pragma once

#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/x/options.h"

namespace carewatch {

// Builds an X connector for source `source`. On a configuration problem returns nullptr and sets
// `error` ("options.consumer_secret: missing; ..."). Touches no network.
std::unique_ptr<Connector> make_x_connector(const std::string& source, XOptions options,
                                            std::shared_ptr<HttpClient> http, std::string& error);

}  // namespace carewatch
