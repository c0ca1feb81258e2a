// Mastodon: hashtag timelines (/api/v1/timelines/tag/{tag}, public), the brand account's
// mentions (/api/v1/notifications?types[]=mention, token) and search (/api/v2/search?type=statuses,
// token).
//
// Options: options.h (MastodonOptions, read from schema.json, and the checks the schema cannot
// express).
//
// Streams and the cursor (pagination.h: ids, the Link header, the cursor). Every tag, the
// notifications and every search query is a stream. The cursor is a JSON object {"<stream>":
// "<newest id seen>"} with stream keys "tag:<tag>", "notifications" (notification ids) and
// "search:<query>" (status ids). A stream without an entry starts with the newest page only (no
// backfill). Later polls ask for min_id=<newest seen>, which Mastodon answers with the page
// immediately newer than it (newest first within the page), then follow the Link header's
// rel="prev" URL (newer items) while pages come back full, at most max_pages pages; Batch::more
// says more pages are waiting. Ids are compared as big numbers (length, then text), never as
// floating point; entries not newer than the cursor are dropped, so a server that ignores min_id
// (search) causes no duplicates.
//
// Mapping: status_mention.h (a status -> Mention, with its warnings). Reblogs (boosts) are skipped:
// they repeat someone else's status and are not new mentions (counted, see below). A mention seen
// by two streams in one poll is returned once.
//
// Errors: 401/403/404 and other 4xx are fatal (the message names the stream, URL and status, never
// the token); 429, 5xx and transport errors are retried with the platform's Retry-After. A 200
// whose body is an HTML page, or invalid / truncated JSON, or not the expected array, is retried.
// A status with a missing or mistyped field is skipped with a warning naming it
// ("#acmeair: statuses[3].id: expected a string, got a number"); the others are kept. When one
// stream fails after another succeeded, the batch keeps the good streams' mentions and reports
// the failure as a warning (the failed stream's cursor does not move). A good page that used up
// the rate limit (x-ratelimit-remaining: 0) sets Batch::retry_after and ends the poll.
//
// Replies (the contract is in connectors/connector.h; the text rules in reply_text.h). Only with
// access_token (scope write:statuses); a mention that is not a Mastodon status cannot be answered
// (cannot_reply).
//   - The text posted is the agent's text prefixed "@<handle> " unless it already mentions the
//     author: a Mastodon reply reaches its author only through a mention. check_reply, reply and
//     find_reply all use this one composed text.
//   - check_reply (no network): "empty" (only white space); "max_length": longer than
//     options.max_characters (default 500, Mastodon's), counted as Mastodon counts (code points,
//     a link 23, "@user@domain" as "@user", the prefix included); "visibility": the customer's
//     status is direct or followers-only and the text mentions another account, which Mastodon
//     would deliver the conversation to.
//   - reply: POST /api/v1/statuses (form: status, in_reply_to_id, and the visibility of the status
//     answered when it is direct, private or unlisted) with "Idempotency-Key: <reply_id>". Sent:
//     the new status's id, url and created_at. A 2xx without a status in its body, 408, 425, 429,
//     5xx and transport errors are retried (with Retry-After / the rate-limit reset); other 4xx
//     are permanent, naming the status and Mastodon's {"error": ...} text, never the token.
//   - Exactly once: Mastodon keeps an Idempotency-Key for an hour (reply_rules().idempotency_window)
//     and answers a repeated key with the status the first request made, so within the hour a
//     repeated post is harmless. After it, find_reply reconciles: it asks verify_credentials for the
//     brand account's id (once), then GET /api/v1/statuses/<id>/context, and takes the first
//     descendant in reply to the status, by the brand account, whose text (html_to_text of its
//     content) equals the composed text (white space collapsed, mentions as "@user"); none is
//     not_found (the reply was never made, or has since been deleted or edited on the platform: it
//     is posted again); a failed request or an unreadable answer is unknown (asked again later).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/mastodon/options.h"

namespace carewatch {

// Builds a Mastodon connector for source `source`. On a configuration problem returns nullptr and
// sets `error` ("options.search: needs options.access_token ...").
std::unique_ptr<Connector> make_mastodon_connector(const std::string& source, MastodonOptions options,
                                                   std::shared_ptr<HttpClient> http, std::string& error);

// Reblogs skipped by a connector made by make_mastodon_connector since it was made (0 for any
// other connector).
std::uint64_t mastodon_reblogs_skipped(const Connector& connector);

}  // namespace carewatch
