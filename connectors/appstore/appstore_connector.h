// App Store: an app's customer reviews from the public customer-reviews feed, one stream per
// country (GET {base_url}/{country}/rss/customerreviews/page={N}/id={app_id}/sortby=mostrecent/json,
// no auth, 10 pages of 50 reviews, most recent first), and replies through the App Store Connect
// API (customerReviewResponses, an ES256 JWT signed with the team's API key).
//
// Options: options.h (AppStoreOptions, read from schema.json, and the checks the schema cannot
// express).
//
// Mapping: review_mention.h. The feed's app-metadata entry is skipped; an edited review comes in
// again as a new mention (native_id "<review id>@<updated seconds>", conversation_id the review
// id); rating and app_version are kept; no language (a storefront is not a language).
//
// Streams and the cursor (connectors/common/review_walk.h). Each country is a stream; the cursor is a JSON object
// {"<country>": {"seen": {"at": <seconds>, "ids": [...]}, "walk": {...}}}: the newest "updated"
// returned and the review ids returned at exactly that second, plus, while a read down the pages
// is in progress, its next page number and the newest and oldest review it returned. The first
// poll of a country reads page 1 only (no backfill). Later polls read pages from 1 (or where the
// walk stopped) until a page reaches a review returned before, the feed's end (page 10, or a page
// with fewer than 50 reviews), or max_pages (Batch::more then asks for an immediate next poll,
// which continues the walk). Reviews that slid to a later page while it was read are not returned
// twice (the walk's floor). A review deleted while a walk is in progress can shift an unread one
// onto a page already read: the feed has no better cursor.
//
// Errors: as every HTTP connector (connectors/common/json_fetch.h): 429, 5xx, transport errors, an
// HTML page or truncated JSON are retried (Retry-After honoured), other 4xx are fatal naming the
// country and URL. A country failing after another succeeded keeps the good countries' reviews
// and reports the failure as a warning (its cursor does not move past the pages not read). An
// entry with a missing or mistyped field is skipped with a warning naming it
// ("us reviews: entry[3].im:rating.label: expected a string, got a number").
//
// Replies (the contract is in connectors/connector.h). Only with issuer_id, key_id and the private
// key (private_key or private_key_path); a mention that is not an App Store review cannot be
// answered.
//   - The review: the feed's review id is taken as the App Store Connect customerReviews id. Both
//     are the same numeric id as far as public sources show (Apple documents no mapping and no
//     other id; the feed is not documented at all). A review the API does not know (404) fails for
//     good, naming it: answer it in App Store Connect.
//   - check_reply (no network): "empty"; "max_length": more than 5970 characters (Unicode code
//     points), App Store Connect's limit of a response.
//   - reply: POST {connect_base_url}/v1/customerReviewResponses {"data": {"type":
//     "customerReviewResponses", "attributes": {"responseBody": ...}, "relationships": {"review":
//     {"data": {"type": "customerReviews", "id": <review id>}}}}} with "Authorization: Bearer <JWT>"
//     (connect_token.h). Sent: the response's id, the app's reviews page as url, its
//     lastModifiedDate. 429, 5xx and transport errors are retried; 401 signs a new token and fails
//     for good if it happens again; other 4xx fail for good with Apple's errors[].detail.
//   - Exactly once: App Store Connect has no idempotency key, and a review has at most one
//     response (posting again replaces it). find_reply reconciles: GET
//     /v1/customerReviews/{id}/response; a response with the same text (white space collapsed) is
//     found (the reply was made); no response, or one with another text (made by someone else,
//     which the reply replaces), is not_found; a failed request is unknown.
#pragma once

#include <memory>
#include <string>

#include "connectors/appstore/options.h"
#include "connectors/connector.h"
#include "connectors/http/http_client.h"

namespace carewatch {

// Builds an appstore connector for source `source`. On a configuration problem returns nullptr
// and sets `error` ("options.countries[1]: ...").
std::unique_ptr<Connector> make_appstore_connector(const std::string& source, AppStoreOptions options,
                                                   std::shared_ptr<HttpClient> http, std::string& error);

}  // namespace carewatch
