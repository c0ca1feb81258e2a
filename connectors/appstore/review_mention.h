// One entry of the App Store customer-reviews feed (JSON form of the RSS feed) into a Mention.
//
// The feed is {"feed": {"entry": [...] | {...}, ...}}: "entry" is an array, a single object when
// the page has one entry, or absent when it has none. Every value is wrapped as {"label": "..."}.
// The app-metadata entry (it has "im:name" and no "im:rating"; the first entry of page 1 when the
// feed includes it) is not a review and is skipped silently. A review has id.label (the review's
// id, digits), author.name.label (the reviewer's App Store nickname), author.uri.label
// (".../reviews/id<user id>"), im:rating.label ("1".."5"), im:version.label, title.label,
// content.label (plain text), updated.label (ISO 8601 with an offset, whole seconds).
//
// The Mention: native_id "<review id>@<updated, Unix seconds>" (an edited review has a new
// "updated" and comes in again as a new mention: an update), conversation_id the review id (the
// same for every version of it; replies go to it), text title + "\n" + content, author handle
// and display name the nickname, author id the reviewer's user id, rating, app_version, posted_at
// the updated time, url the app's reviews page in that country
// (https://apps.apple.com/<country>/app/id<app>?see-all=reviews: reviews have no permalink), no
// language (a storefront country is not a language), raw the entry's JSON.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mention/mention.h"

namespace carewatch::appstore {

using Warn = std::function<void(std::string)>;

// Where a page came from, for the mentions and the warnings.
struct FeedOrigin {
  std::string source;   // the configured source's name
  std::string country;  // lower case, "us"
  std::string app_id;
  std::string label;    // "us reviews", starts warnings
};

struct FeedReview {
  Mention mention;
  std::string review_id;
  std::int64_t updated = 0;  // seconds since the epoch
};

// The entries of a feed page, in order; "" on success, else what is wrong with the page
// ("feed: expected an object, got an array").
std::string feed_entries(const rapidjson::Value& doc, std::vector<const rapidjson::Value*>& entries);

// True for the app-metadata entry.
bool is_app_metadata(const rapidjson::Value& entry);

// The review of `entry` (at "entry[3]" of the page), or nullopt after warning why it was skipped
// ("us reviews: entry[3].im:rating.label: expected a string, got a number").
std::optional<FeedReview> entry_to_review(const rapidjson::Value& entry, const std::string& path,
                                          const FeedOrigin& origin, TimeMs now, const Warn& warn);

// The review id of an appstore mention (its conversation_id, else native_id before '@'); empty when
// it has none that looks like one.
std::string review_id_of(const Mention& mention);

// https://apps.apple.com/<country>/app/id<app>?see-all=reviews
std::string reviews_page_url(const std::string& country, const std::string& app_id);

}  // namespace carewatch::appstore
