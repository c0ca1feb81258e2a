// A fake Bluesky PDS + App View on a FakeHttpServer (loopback), speaking the XRPC shapes carewatch
// uses (lexicons com.atproto.server.*, com.atproto.repo.*, app.bsky.notification.*,
// app.bsky.feed.*), for connector and daemon tests:
//
//   POST /xrpc/com.atproto.server.createSession    {identifier, password} -> accessJwt, refreshJwt,
//                                                  did, handle (JWTs with "exp"); a wrong password:
//                                                  401 AuthenticationRequired
//   POST /xrpc/com.atproto.server.refreshSession   Bearer <refreshJwt> -> a new pair; the old
//                                                  refresh token is revoked (as the PDS rotates)
//   GET  /xrpc/app.bsky.notification.listNotifications  reasons (repeated), limit (1-100, default
//                                                  50), cursor: newest first by sort time, the
//                                                  cursor "<sort ms>::<cid>" of the last item
//   GET  /xrpc/app.bsky.feed.searchPosts           q (case-insensitive substring of the text),
//                                                  sort=latest, limit (default 25), cursor: an
//                                                  offset, as the App View's ("25")
//   GET  /xrpc/app.bsky.feed.getPosts              uris (repeated): the posts it knows
//   POST /xrpc/com.atproto.repo.createRecord       an app.bsky.feed.post in the brand's repo; rkey
//                                                  must be a TID; a taken rkey answers 500
//                                                  InternalServerError, as the PDS does
//   GET  /xrpc/com.atproto.repo.getRecord          repo, collection, rkey; 400 RecordNotFound
//
// Every request but createSession/refreshSession needs "Authorization: Bearer <accessJwt>": none
// 401 AuthenticationRequired, an unknown token 401 InvalidToken, an expired one 400 ExpiredToken.
// Every answer carries RateLimit-Limit / -Remaining / -Reset / -Policy. Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mention/common/time.h"
#include "tests/support/fake_http_server.h"

namespace carewatch::testing {

inline constexpr const char* kFakeBlueskyDid = "did:plc:acmeair4brand7x2kq3nvw5ty";
inline constexpr const char* kFakeBlueskyHandle = "acmeair.bsky.social";
inline constexpr const char* kFakeBlueskyPassword = "abcd-efgh-ijkl-mnop";

// A customer's post.
struct BlueskyPost {
  std::string handle = "dana.bsky.social";
  std::string display_name = "Dana";
  std::string text;
  std::string reply_to;            // the uri of the post it answers ("" : none)
  std::vector<std::string> langs = {"en"};
  TimeMs created_at = 0;           // 0: now
  TimeMs indexed_at = 0;           // 0: created_at + 300 ms
};

// A post the fake knows: a customer's, or one made by createRecord.
struct FakeBlueskyPost {
  std::string uri, cid, rkey, did, handle, text;
  std::string parent_uri, root_uri;  // "" when not a reply
  TimeMs created_at = 0, indexed_at = 0;
  std::string record_json;           // the record as stored
};

enum class FakeBlueskyRoute { create_session, refresh_session, notifications, search, get_posts, create_record, get_record };

class FakeBluesky {
 public:
  FakeBluesky();
  ~FakeBluesky();
  FakeBluesky(const FakeBluesky&) = delete;
  FakeBluesky& operator=(const FakeBluesky&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>": options.base_url
  FakeHttpServer& server();
  std::vector<FakeRequest> requests_to(const std::string& nsid) const;  // e.g. "app.bsky.feed.searchPosts"

  // -- accounts and sessions -------------------------------------------------------------------
  void set_password(std::string password);          // the app password createSession accepts
  void set_access_lifetime(TimeMs ms);              // of new access tokens (default 2 hours)
  void expire_access_tokens();                      // every access token so far: 400 ExpiredToken
  void revoke_refresh_tokens();                     // every refresh token so far: 400 ExpiredToken
  size_t logins() const;                            // successful createSession calls
  size_t refreshes() const;                         // successful refreshSession calls

  // -- posts and notifications -----------------------------------------------------------------
  // Adds a customer's post (searchable, readable by getPosts); returns its uri.
  std::string add_post(const BlueskyPost& post);
  // A notification of `reason` ("mention", "reply", "quote", "like", ...) about the post `uri`.
  void notify(const std::string& uri, const std::string& reason);
  std::string add_mention(const BlueskyPost& post) {
    const std::string uri = add_post(post);
    notify(uri, post.reply_to.empty() ? "mention" : "reply");
    return uri;
  }
  // A raw notification JSON object (for wrong-typed fields): served as it is, sorted at `sort_at`.
  void add_raw_notification(const std::string& json, TimeMs sort_at);
  FakeBlueskyPost post(const std::string& uri) const;  // throws when unknown

  // Records made by createRecord, in order.
  std::vector<FakeBlueskyPost> records() const;
  size_t record_count() const;

  // -- failures and hooks ----------------------------------------------------------------------
  // After `after` more requests to `route` are served, the next `n` are answered with `answer`
  // and change nothing (auth is checked first). With `made` (create_record only), the record is
  // made all the same and only the answer is lost.
  void fail_next(FakeBlueskyRoute route, size_t n, FakeResponse answer, bool made = false, size_t after = 0);
  // An XRPC error: {"error": <error>, "message": <message>}.
  static FakeResponse error_answer(int status, const std::string& error, const std::string& message,
                                   std::vector<std::pair<std::string, std::string>> headers = {});
  // RateLimit-Remaining of the next answers (counts down from it); default 2999.
  void set_rate_limit_remaining(int remaining);
  // Called after a record is made, before the answer is sent (on the server's thread).
  void on_record(std::function<void(const FakeBlueskyPost&)> hook);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace carewatch::testing
