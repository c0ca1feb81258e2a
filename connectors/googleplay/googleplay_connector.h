// Google Play: an app's reviews from the Google Play Developer API (androidpublisher v3
// reviews.list: GET {base_url}/androidpublisher/v3/applications/{package_name}/reviews?maxResults=
// &token=&translationLanguage=), with a service account (service_account.h: an RS256 JWT signed
// with the JSON key's private key, exchanged for an access token, refreshed 5 minutes before it
// expires), and replies (reviews.reply).
//
// Options: options.h (GooglePlayOptions, read from schema.json, and the checks the schema cannot
// express).
//
// Mapping: review_mention.h. An edited review comes in again as a new mention (native_id
// "<reviewId>@<lastModified seconds>", conversation_id the reviewId); rating, app_version and the
// reviewer's language are kept.
//
// The list and the cursor (connectors/common/review_walk.h). Google returns only reviews created
// or modified in the last week, most recently modified first, in pages linked by
// tokenPagination.nextPageToken. The cursor is {"reviews": {"seen": {"at": <seconds>, "ids":
// [...]}, "walk": {...}}}: the newest lastModified returned and the reviewIds returned at exactly
// that second, plus, while a read down the pages is in progress, the next page's token and the
// newest and oldest review it returned. The first poll reads the newest page only (no backfill;
// and never more than a week back: a source started after a week's pause has lost the reviews in
// between). Later polls read pages until one reaches a review returned before, the last page, or
// max_pages (Batch::more then asks for an immediate next poll, which continues from the token). A
// stored token Google refuses (400) restarts the walk at the first page, with a warning; the walk's
// floor keeps out what it already returned.
//
// Limits: Google allows 200 reviews GET requests an hour per app (reviews.list and reviews.get
// together) and 2000 replies a day; a source polling every 5 minutes with one page uses 12 an
// hour. 429 is retried after Retry-After.
//
// Errors: as every HTTP connector (connectors/common/json_fetch.h): 429, 5xx, transport errors, an
// HTML page or truncated JSON are retried; other 4xx are fatal. A 401 drops the access token and
// asks once more with a new one; a 401 or 403 after that is fatal and names the service account and
// what to grant: Play Console, Users and permissions, the account invited with access to the app
// and the "Reply to reviews" permission (reading needs it too), and the Google Play Android
// Developer API enabled in the key's Cloud project. A review with a missing or mistyped field is
// skipped with a warning naming it.
//
// Replies (the contract is in connectors/connector.h):
//   - check_reply (no network): "empty"; "max_length": more than 350 characters (Unicode code
//     points), Google's limit of a reply.
//   - reply: POST .../reviews/{reviewId}:reply {"replyText": ...}. Sent: the review's reply
//     (id "<reviewId>:reply"), the review's url, result.lastEdited. 429, 5xx, transport errors are
//     retried; other 4xx fail for good with Google's message.
//   - Exactly once: Google has no idempotency key, and a review has one reply (posting again
//     replaces it). find_reply reconciles: GET .../reviews/{reviewId}; a developerComment with the
//     same text (white space collapsed) is found; none, or another text, is not_found (posting
//     then replaces it); a failed request is unknown.
#pragma once

#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/googleplay/options.h"
#include "connectors/http/http_client.h"

namespace carewatch {

// Builds a googleplay connector for source `source`. On a configuration problem returns nullptr
// and sets `error`. Never touches the network (the key is read on the first poll).
std::unique_ptr<Connector> make_googleplay_connector(const std::string& source, GooglePlayOptions options,
                                                     std::shared_ptr<HttpClient> http, std::string& error);

// Access tokens a googleplay connector asked for since it was made (0 for any other connector).
int googleplay_token_requests(const Connector& connector);

}  // namespace carewatch
