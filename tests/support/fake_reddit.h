// A fake Reddit on a FakeHttpServer (loopback), serving the real shapes of what carewatch asks
// Reddit (the same server is both options.auth_url and options.base_url):
//
//   POST /api/v1/access_token        the password grant of a "script" app: HTTP Basic
//                                    client_id:client_secret (else 401 {"message": "Unauthorized",
//                                    "error": 401}), grant_type=password&username=&password= (a
//                                    wrong one: 200 {"error": "invalid_grant"}); answers
//                                    {"access_token", "token_type": "bearer", "expires_in", "scope"}
//   GET  /r/{sub}/comments           the subreddit's comments   } Listings, newest first:
//   GET  /r/{sub}/new                the subreddit's posts      } {"kind": "Listing", "data":
//   GET  /search?q=&sort=new&type=link  posts whose title or   } {"after", "before", "dist",
//                                    text has q (any case)     }  "children": [{"kind", "data"}]}}
//   GET  /message/mentions           comments naming u/<username>, as inbox items (no permalink:
//                                    "context", "type": "username_mention", "new")
//   GET  /user/{username}/comments   the account's comments
//   POST /api/comment                api_type=json, thing_id, text: a comment by the account;
//                                    {"json": {"errors": [], "data": {"things": [{"kind": "t1",
//                                    "data": {...}}]}}}, or errors: THREAD_LOCKED (a locked
//                                    thing), DELETED_COMMENT (a removed one)
//
// Listings take limit (default 25, at most 100), after=<fullname> (older than it) and
// before=<fullname> (the page just newer than it); a removed item vanishes from every listing,
// and after/before naming it answer an empty listing, as Reddit's do. Text is escaped as
// Reddit's JSON does (&amp; &lt; &gt;). Every API request needs "Authorization: bearer <token>"
// with a token the fake issued that has not expired (else 401); every API answer carries
// X-Ratelimit-Used / -Remaining / -Reset (seconds to the end of a 60 s window), and a request
// past the limit gets 429. Thread-safe: the server answers on its own threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace carewatch::testing {

inline constexpr const char* kFakeRedditClientId = "acme-client-1d";
inline constexpr const char* kFakeRedditClientSecret = "acme-s3cret-never-shown";
inline constexpr const char* kFakeRedditUsername = "acmecare";
inline constexpr const char* kFakeRedditPassword = "hunter2-pa55word-never-shown";
inline constexpr std::int64_t kFakeRedditEpoch = 1764000000;  // created_utc of the first item

enum class FakeRedditRoute { token, comments, posts, search, mentions, user_comments, post_comment };

class FakeReddit {
 public:
  FakeReddit();
  ~FakeReddit();
  FakeReddit(const FakeReddit&) = delete;
  FakeReddit& operator=(const FakeReddit&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>": options.base_url and auth_url
  FakeHttpServer& server();
  std::vector<FakeRequest> requests() const;
  std::vector<FakeRequest> requests_to(const std::string& path) const;
  // Options for a connector of this fake: the credentials and user agent, plus `extra` members
  // (",\"subreddits\": [\"acmeair\"]").
  std::string options(const std::string& extra) const;

  // -- content (created 0: kFakeRedditEpoch + 10 s per item made so far) -----------------------
  // A post in r/<sub>; its fullname.
  std::string add_post(const std::string& sub, const std::string& author, const std::string& title,
                       const std::string& selftext, std::int64_t created = 0);
  // A comment in r/<sub> on `parent` ("t3_..." or "t1_..."); one naming u/<username> also goes to
  // the account's mentions. Its fullname.
  std::string add_comment(const std::string& sub, const std::string& author, const std::string& parent,
                          const std::string& body, std::int64_t created = 0);
  // Removed (by its author or a moderator): gone from every listing.
  void remove(const std::string& fullname);
  // Replies to it are refused with THREAD_LOCKED.
  void lock(const std::string& fullname);
  // Comments made through POST /api/comment, in order.
  std::vector<std::string> posted_comments() const;
  std::string body_of(const std::string& fullname) const;  // as stored (not escaped)
  std::string parent_of(const std::string& fullname) const;

  // -- auth --------------------------------------------------------------------------------------
  void set_expires_in(int seconds);  // of tokens issued from now on (default 86400)
  void expire_tokens();              // every token issued so far is refused from now on
  size_t token_requests() const;
  std::string last_token() const;

  // -- rate limit ----------------------------------------------------------------------------------
  // Requests allowed in a window of `window_seconds` (default 100 in 60); starts a new window.
  void set_rate_limit(int limit, int window_seconds = 60);

  // -- failures ------------------------------------------------------------------------------------
  // The next `n` requests to `route` are answered with `answer` and change nothing; with
  // `posted` (post_comment only) the comment is made all the same and only the answer is lost.
  void fail_next(FakeRedditRoute route, size_t n, FakeResponse answer, bool posted = false);
  // Reddit's JSON error answer of /api/comment: {"json": {"errors": [[code, message, field]]}}
  // (with "ratelimit": seconds for RATELIMIT).
  static FakeResponse comment_error(const std::string& code, const std::string& message, const std::string& field,
                                    double ratelimit_seconds = 0);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<FakeHttpServer> server_;
  void route_subreddit(const std::string& sub);
};

}  // namespace carewatch::testing
