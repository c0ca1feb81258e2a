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
// reply(): POST /api/v1/statuses (form: status, in_reply_to_id, and the same visibility when the
// status answered was direct, private or unlisted), with an Idempotency-Key so a retried reply
// posts once. The text is prefixed "@<handle> " unless it already mentions the author.
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
