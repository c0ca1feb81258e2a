// A fake YouTube Data API v3 and Google OAuth token endpoint on a FakeHttpServer (loopback),
// serving the real shapes (those of ../shared/fixtures/youtube/, recorded from the API) of what
// carewatch asks:
//
//   GET  /youtube/v3/commentThreads   allThreadsRelatedToChannelId=<the channel>, part=snippet,replies,
//                                     order=time, textFormat, maxResults (default 20, at most 100),
//                                     pageToken, key. Threads newest first: by their latest activity
//                                     (the newest of the top-level comment and its replies), or by
//                                     the top-level comment's time (order_by_creation). Each thread
//                                     carries at most 5 replies inline (its oldest) and
//                                     totalReplyCount. Page tokens are offsets, as opaque text: a
//                                     thread added while a client pages moves the others down a place.
//   GET  /youtube/v3/comments         parentId=<thread id>: its replies, newest first, maxResults,
//                                     pageToken; with key= or a valid "Authorization: Bearer"
//   POST /youtube/v3/comments         part=snippet, {"snippet": {"parentId", "textOriginal"}}: a reply
//                                     by the brand channel; needs a valid, unexpired Bearer token
//   POST /token                       grant_type=refresh_token with client_id, client_secret and
//                                     refresh_token (a form): {"access_token", "expires_in",
//                                     "token_type", "scope"}; invalid_grant (400) / invalid_client (401)
//
// Errors come in Google's shape {"error": {"code", "message", "errors": [{"message", "domain",
// "reason"}]}}: a wrong key is 400 keyInvalid; a missing or expired token 401 authError; a thread
// it does not know 404 commentNotFound; and with a quota set (set_quota), a request that would
// pass it 403 quotaExceeded (list calls cost 1 unit, an insert 50). Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mention/common/time.h"
#include "tests/support/fake_http_server.h"

namespace carewatch::testing {

// The brand channel (options.channel_id) and the fake's credentials.
inline constexpr const char* kFakeYoutubeChannel = "UCacmeAir0000000000000AA";
inline constexpr const char* kFakeYoutubeKey = "AIzaFakeKey-never-shown-0001";
inline constexpr const char* kFakeYoutubeClientId = "1234-acme.apps.googleusercontent.com";
inline constexpr const char* kFakeYoutubeClientSecret = "GOCSPX-fake-client-secret";
inline constexpr const char* kFakeYoutubeRefreshToken = "1//fake-refresh-token-never-shown";

// A comment to add: a thread's top-level comment, or a reply.
struct YoutubeComment {
  std::string id;                 // a top-level comment's id is its thread's; empty: made up
  std::string author = "@dan";    // authorDisplayName (YouTube shows handles)
  std::string author_channel;     // authorChannelId.value; empty: made up from the author
  std::string text;
  TimeMs published = 0;           // 0: now; served with whole seconds, as YouTube does
};

// A reply the fake made (POST /youtube/v3/comments).
struct YoutubePosted {
  std::string id;
  std::string parent_id;
  std::string text;
  std::string access_token;       // the Bearer token it was made with
};

enum class FakeYoutubeRoute { threads, comments, insert, token };

class FakeYoutube {
 public:
  FakeYoutube();
  ~FakeYoutube();
  FakeYoutube(const FakeYoutube&) = delete;
  FakeYoutube& operator=(const FakeYoutube&) = delete;

  std::string base_url() const;   // options.base_url: "http://127.0.0.1:<port>/youtube/v3"
  std::string token_url() const;  // options.token_url: "http://127.0.0.1:<port>/token"
  FakeHttpServer& server();
  // The requests to one route so far.
  std::vector<FakeRequest> requests_to(FakeYoutubeRoute route) const;

  // -- comments ------------------------------------------------------------------------------
  // Adds a thread on `video` (a video of the channel); returns its id.
  std::string add_thread(const std::string& video, YoutubeComment top);
  // Adds a reply to `thread` (by the brand channel when `author_channel` is kFakeYoutubeChannel);
  // returns its id ("<thread>.<reply>").
  std::string add_reply(const std::string& thread, YoutubeComment reply);
  // Threads listed by their top-level comment's time rather than their latest activity.
  void order_by_creation(bool on);

  // -- replies and tokens --------------------------------------------------------------------
  std::vector<YoutubePosted> posts() const;
  // Access tokens live `seconds` (expires_in); default 3599.
  void set_token_lifetime(int seconds);
  // Every access token given so far is refused from now on (as if expired or revoked early).
  void expire_tokens();
  // The refresh token is revoked: the token endpoint answers invalid_grant.
  void revoke_refresh_token();
  int tokens_issued() const;

  // -- quota and failures --------------------------------------------------------------------
  // Units the project may still spend (list 1, insert 50); past it 403 quotaExceeded. -1: no limit.
  void set_quota(long long units);
  long long units_spent() const;
  // The next `n` requests to `route` are answered with `answer` (and change nothing).
  void fail_next(FakeYoutubeRoute route, size_t n, FakeResponse answer);
  // The next `n` inserts are answered with `answer`; with `posted` the reply is made all the same
  // (only the answer is lost, as behind a proxy's 504).
  void fail_next_posts(size_t n, FakeResponse answer, bool posted);
  // A Google error answer: {"error": {"code": status, "message", "errors": [{"reason", ...}]}}.
  static FakeResponse google_error(int status, const std::string& reason, const std::string& message);

  // Called with each new reply after it is recorded and before the answer is sent.
  void on_post(std::function<void(const YoutubePosted&)> hook);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace carewatch::testing
