// Mastodon: hashtag timelines (/api/v1/timelines/tag/{tag}, public), the brand account's
// mentions (/api/v1/notifications?types[]=mention, token) and search (/api/v2/search?type=statuses,
// token).
//
// Options: schema.json (names, types, ranges, defaults and descriptions; the README's table is
// generated from it), read into MastodonOptions. What the schema cannot express is checked when
// the connector is built, naming the option: notifications and search need access_token; a tag
// or query listed twice in other letter case; a token with whitespace (never quoted).
// access_token is sent only in the Authorization header, never in a URL, a log or a message.
//
// Streams and the cursor. Every tag, the notifications and every search query is a stream. The
// cursor is a JSON object {"<stream>": "<newest id seen>"} with stream keys "tag:<tag>",
// "notifications" (notification ids) and "search:<query>" (status ids). A stream without an entry
// starts with the newest page only (no backfill). Later polls ask for min_id=<newest seen>, which
// Mastodon answers with the page immediately newer than it (newest first within the page), then
// follow the Link header's rel="prev" URL (newer items) while pages come back full, at most
// max_pages pages; Batch::more says more pages are waiting. Ids are compared as big numbers
// (length, then text), never as floating point; entries not newer than the cursor are dropped,
// so a server that ignores min_id (search) causes no duplicates.
//
// Mapping (status -> Mention): platform "mastodon", native_id = status id, url = url or uri,
// text = html_to_text(content), prefixed "CW: <spoiler_text> — " when the status has a content
// warning, language, author {id, handle = acct qualified with the instance's host name when it
// has no '@' ("alice" on mastodon.social -> "alice@mastodon.social"), display_name,
// followers = followers_count, verified = false (Mastodon has no verified accounts)},
// parent_id = in_reply_to_id, conversation_id = in_reply_to_id or, for a status that starts a
// thread, its own id (the REST entity has no conversation id), posted_at = created_at,
// seen_at = poll time, raw = the status JSON, source = the source's name. Reblogs (boosts) are
// skipped: they repeat someone else's status and are not new mentions (counted, see below). A
// mention seen by two streams in one poll is returned once.
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

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/options/option_reader.h"

namespace carewatch {

// The options of schema.json, read once (defaults: the schema's).
struct MastodonOptions {
  std::string instance;                 // as configured; the connector normalizes it
  std::optional<std::string> access_token;
  std::vector<std::string> hashtags;
  bool notifications = false;
  std::vector<std::string> search;
  int limit = 0;
  int max_pages = 0;
  std::chrono::milliseconds timeout{};

  void read(OptionReader& r);
};

// Builds a Mastodon connector for source `source`. On a configuration problem returns nullptr and
// sets `error` ("options.search: needs options.access_token ...").
std::unique_ptr<Connector> make_mastodon_connector(const std::string& source, MastodonOptions options,
                                                   std::shared_ptr<HttpClient> http, std::string& error);

// Reblogs skipped by a connector made by make_mastodon_connector since it was made (0 for any
// other connector).
std::uint64_t mastodon_reblogs_skipped(const Connector& connector);

}  // namespace carewatch
