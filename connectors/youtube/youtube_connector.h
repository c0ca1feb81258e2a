// YouTube (Data API v3): every comment thread on the brand's channel and its videos
// (commentThreads.list with allThreadsRelatedToChannelId, order=time, textFormat=plainText), the
// replies in them (inline, and comments.list?parentId= beyond the inline ones), read with an API
// key; replies posted with comments.insert under an OAuth refresh token.
//
// Options: options.h (YoutubeOptions, read from schema.json, and the checks the schema cannot
// express).
//
// The cursor (cursor.h): the newest publishedAt read with the ids published at that second, the
// page token of pages in progress, the comments returned while they are read, the reply counts of
// threads with more replies than the list carries inline, and the day's quota.
//   - The first poll reads the newest page of threads only (no backfill): their top-level comments
//     and inline replies.
//   - Later polls read from the newest page down, until a page holds a thread with nothing newer
//     than the cursor (or there is no next page), at most max_pages pages a poll; Batch::more says
//     more are waiting, and the next poll goes on from the page token kept in the cursor. The
//     cursor moves up to the newest comment read only when the pages in progress are all read, so
//     a restart between polls neither skips nor repeats a page; comments returned while pages
//     are in progress are remembered ("seen"), so a thread pushed to a later page by new ones is
//     not returned twice.
//   - order=time lists threads by time, and a new reply can bring an old thread up: a thread is
//     new when its top-level comment or any of its replies is newer than the cursor. A thread's
//     replies are looked at when its totalReplyCount differs from what was seen; when it has more
//     than the inline ones (YouTube inlines a few), they are listed with comments.list?parentId=
//     (1 unit a page, at most 5 pages of 100). Only threads on the pages read are looked at: a
//     reply to an old thread that YouTube does not list among the newest is not seen.
//   - A page token that YouTube refuses (400 invalidPageToken: it expired) starts the pages in
//     progress again from the newest, with Batch::more; the floor has not moved and the comments
//     returned are remembered, so nothing is skipped or returned twice. (If YouTube's tokens are
//     offsets, a thread deleted above the page being read while the pages are read can move one
//     thread past a page boundary unread; a thread added moves one back, which "seen" drops.)
//
// Quota (connectors/common/daily_budget.h): each list call costs 1 unit, each reply 50, counted
// in the cursor per UTC day against options.quota_per_day; units are counted when the request is
// sent, failed ones too (Google charges invalid requests). When the day's units are spent the poll
// stops with a warning and Batch::retry_after until 00:00 UTC; SourceUsage carries budget_used and
// budget_remaining. YouTube itself resets a project's quota at midnight Pacific time: a 403
// quotaExceeded pauses the source until the next 08:00 UTC (Pacific midnight in winter, 01:00 in
// summer), with the units of the day marked spent.
//
// Errors: 400 keyInvalid (and 400/401/403 on the key) are fatal naming options.api_key; 403
// forbidden / commentsDisabled / 404 channelNotFound on the thread list are fatal naming
// options.channel_id; 403 rateLimitExceeded, 429, 5xx, transport errors, HTML pages and truncated
// JSON are retried. A failure after pages were read keeps what was read (a warning, the cursor at
// the page that failed). A thread or comment with a missing or mistyped field is skipped with a
// warning naming it ("channel UC...: items[3].snippet.topLevelComment.id: expected a string, got
// a number"); a thread whose replies cannot be listed (403/404: deleted or disabled) keeps its
// inline replies, with a warning.
//
// Replies (the contract is in connectors/connector.h). Only with the three oauth_* options.
//   - check_reply (no network): "empty"; "max_length": more than options.max_characters (10,000,
//     YouTube's) code points.
//   - reply: POST comments?part=snippet {"snippet": {"parentId": <thread id>, "textOriginal":
//     text}} with "Authorization: Bearer <access token>". A reply to a reply goes to its thread
//     (YouTube threads are one level deep). The access token comes from options.token_url with the
//     refresh token, refreshed a minute before expires_in and once on a 401; a 401 after that, or
//     a refused refresh token, is permanent naming options.oauth_refresh_token. 50 units: refused
//     (retry, nothing posted) when the day's budget cannot cover them. 403 quotaExceeded and 429
//     are retried with nothing posted; 5xx and transport errors are retried and may have posted;
//     other 4xx are permanent, naming Google's reason.
//   - Exactly once: YouTube has no idempotency key, so find_reply reconciles: it lists the
//     thread's replies (comments.list?parentId=, with the access token, 1 unit a page) and takes
//     the reply by options.channel_id whose text equals the text (white space collapsed); none is
//     not_found, a thread gone (404) is not_found, a failure is unknown.
#pragma once

#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/youtube/options.h"

namespace carewatch {

// Builds a YouTube connector for source `source`. On a configuration problem returns nullptr and
// sets `error` ("options.oauth_client_secret: replies need all three ..."). Touches no network.
std::unique_ptr<Connector> make_youtube_connector(const std::string& source, YoutubeOptions options,
                                                  std::shared_ptr<HttpClient> http, std::string& error);

}  // namespace carewatch
