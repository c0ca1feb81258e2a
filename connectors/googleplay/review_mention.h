// One review of androidpublisher v3 reviews.list / reviews.get into a Mention.
//
// A review is {"reviewId", "authorName", "comments": [{"userComment": {"text", "lastModified":
// {"seconds": "<int64 as a string>", "nanos"}, "starRating", "reviewerLanguage", "appVersionName",
// "device", ...}}, {"developerComment": {"text", "lastModified"}}]}: the first comment with a
// userComment is the review, a developerComment is the developer's reply.
//
// The Mention: native_id "<reviewId>@<lastModified seconds>" (an edited review has a new
// lastModified and comes in again as a new mention: an update), conversation_id the reviewId (the
// same for every version; replies go to it), text the userComment's text (white space at the
// ends trimmed; a tab between a title and the text becomes a line break), author handle and
// display name authorName (may be empty: Google leaves it out for some reviewers), rating
// starRating, app_version appVersionName, language reviewerLanguage with '-' for '_' ("en-GB"),
// posted_at lastModified, url https://play.google.com/store/apps/details?id=<package>&reviewId=<id>,
// raw the review's JSON.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mention/mention.h"

namespace carewatch::googleplay {

using Warn = std::function<void(std::string)>;

struct PlayReview {
  Mention mention;
  std::string review_id;
  std::int64_t modified = 0;             // lastModified, whole seconds
  std::optional<std::string> developer_reply;  // the developerComment's text, when answered
};

// The review at `path` ("reviews[3]"), or nullopt after warning why it was skipped
// ("reviews: reviews[3].comments[0].userComment.starRating: expected a number, got a string").
std::optional<PlayReview> to_review(const rapidjson::Value& review, const std::string& path, const std::string& source,
                                    const std::string& package, TimeMs now, const Warn& warn);

// The reviewId of a googleplay mention (its conversation_id, else native_id before the last '@');
// empty when none.
std::string review_id_of(const Mention& mention);

std::string review_url(const std::string& package, const std::string& review_id);

}  // namespace carewatch::googleplay
