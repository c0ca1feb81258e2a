// A fake X API v2 on a FakeHttpServer (loopback), serving the real shapes of what carewatch asks
// X (as in X's documentation and the recorded answers in ../shared/fixtures/twitter/), for
// connector and daemon tests:
//
//   GET  /2/users/<brand>/mentions     posts that mention the brand account
//   GET  /2/tweets/search/recent       posts whose text contains `query` (letter case ignored;
//                                      only posts that are indexed, see XPost::indexed)
//   GET  /2/users/<brand>/tweets       the brand account's posts (the replies it made)
//   POST /2/tweets                     a new post by the brand account, in reply to
//                                      reply.in_reply_to_tweet_id
//
// Reads: newest first, since_id (only newer posts), max_results (5..100 for the user timelines,
// 10..100 for search, else 400), pagination_token (search: next_token too) from meta.next_token;
// {"data": [...], "includes": {"users": [...]}, "meta": {"newest_id", "oldest_id",
// "result_count", "next_token"}}, only {"meta": {"result_count": 0}} when nothing matches; an
// author it does not know gives X's partial error ({"errors": [{"title": "Not Found Error", ...}]}).
// Every answer carries x-rate-limit-limit / -remaining / -reset; each read takes one from its
// endpoint's window (set_rate_limit), and at 0 a read answers 429. A read without
// "Authorization: Bearer <bearer>" answers 401 as X does ({"title": "Unauthorized", ...}).
// A post without a well-formed OAuth 1.0a header signed with the fake's four credentials answers
// 401; a reply to a post it does not know, 403; the same text as a post the brand made, X's 403
// "duplicate content". Thread-safe: the server answers on its own threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mention/common/time.h"
#include "tests/support/fake_http_server.h"

namespace carewatch::testing {

inline constexpr const char* kFakeXBrandId = "1590000000000000001";
inline constexpr const char* kFakeXBrandUsername = "AcmeAir";
inline constexpr const char* kFakeXBearer = "AAAAfake-bearer%2Btoken";
inline constexpr const char* kFakeXConsumerKey = "acme-consumer-key";
inline constexpr const char* kFakeXConsumerSecret = "acme-consumer-secret";
inline constexpr const char* kFakeXAccessToken = "1590000000000000001-acmeAccessToken";
inline constexpr const char* kFakeXAccessTokenSecret = "acme-access-token-secret";

// A customer (an X user the fake knows).
struct XUser {
  std::string id;
  std::string username;
  std::string name;
  int followers = 0;
  bool verified = false;
};

// A post on the fake.
struct XPost {
  std::string id;               // empty: the fake makes one from created_at (a snowflake)
  std::string author_id;        // a user added with add_user (else X's partial error for it)
  std::string text;             // as X serves it: & < > as &amp; &lt; &gt;
  TimeMs created_at = 0;        // 0: now (and after every post added before)
  std::string lang = "en";
  std::string in_reply_to;      // the replied_to post id, empty: none
  std::string conversation_id;  // empty: in_reply_to's, else its own id
  bool mentions_brand = true;   // shows in the brand's mentions
  bool repost = false;          // a repost ("RT @...", referenced_tweets "retweeted")
  bool indexed = true;          // false: search does not see it yet (index_post)
};

enum class FakeXRoute { mentions, search, user_tweets, post };

class FakeX {
 public:
  FakeX();
  ~FakeX();
  FakeX(const FakeX&) = delete;
  FakeX& operator=(const FakeX&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>": options.base_url
  FakeHttpServer& server();
  std::vector<FakeRequest> requests() const;
  std::vector<FakeRequest> requests_to(const std::string& path) const;
  void clear_requests();

  // A snowflake id of the instant `t` with sequence `seq`.
  static std::string snowflake(TimeMs t, unsigned seq = 0);

  void add_user(const XUser& user);
  // Adds a post; returns its id.
  std::string add_post(XPost post);
  // Adds `n` posts by `author_id` mentioning the brand (text "@AcmeAir <prefix> <i>"), each a
  // millisecond newer than every post before it; returns their ids, oldest first.
  std::vector<std::string> add_posts(size_t n, const std::string& author_id, const std::string& prefix = "post");
  // Makes a post search did not see (indexed = false) visible to it.
  void index_post(const std::string& id);

  // The posts made by POST /2/tweets, in order.
  struct Made {
    std::string id, text, in_reply_to;
  };
  std::vector<Made> posts_made() const;
  // A post by the brand made outside carewatch (shows in its timeline; not in posts_made).
  std::string add_brand_post(const std::string& text, const std::string& in_reply_to);

  // The x-rate-limit-remaining of each read endpoint's window from now (default 450); at 0 a
  // read answers 429 with x-rate-limit-reset `reset_in_s` seconds ahead.
  void set_rate_limit(int remaining, int reset_in_s = 900);
  // The next `n` requests to `route` get `answer` and change nothing (posts: with `posted`, the
  // post is made all the same and only the answer is lost).
  void fail_next(FakeXRoute route, size_t n, FakeResponse answer, bool posted = false);
  // An X problem answer: {"title", "detail", "type", "status"} with `headers`.
  static FakeResponse problem(int status, const std::string& title, const std::string& detail,
                              std::vector<std::pair<std::string, std::string>> headers = {});
  // Called after a post is made and before the answer is sent, on the server's thread.
  void on_post(std::function<void(const Made&)> hook);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace carewatch::testing
