// A fake Mastodon instance on a FakeHttpServer (loopback), serving the real API shapes of what
// carewatch asks a Mastodon instance, for connector and daemon tests:
//
//   GET  /api/v1/notifications              the notifications added (types[] filters by type;
//                                           min_id: only newer ones, the page just above it;
//                                           limit, default 40), newest first, with a Link header
//   POST /api/v1/statuses                   a new status by the brand account "acmeair", with
//                                           Mastodon's Idempotency-Key (the same key answers the
//                                           status it made, and posts nothing)
//   GET  /api/v1/statuses/:id               a status it knows (a customer's or one it posted)
//   GET  /api/v1/statuses/:id/context       ancestors and descendants (the statuses in reply to
//                                           :id, nested replies too, oldest first)
//   GET  /api/v1/accounts/verify_credentials  the brand account
//
// A status id it does not know answers 404. With a token (the constructor's, or set_token), a
// request without "Authorization: Bearer <token>" answers 401 {"error": "The access token is
// invalid"}. Everything is thread-safe: the server answers on its own threads.
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

// The brand account: the token's account, the author of every status the fake posts.
inline constexpr const char* kFakeBrandAccountId = "109300000000000001";
inline constexpr const char* kFakeBrandAcct = "acmeair";

// A customer's status mentioning the brand, delivered as a mention notification.
struct CustomerPost {
  std::string notification_id;        // the notification's id, e.g. "48213"
  std::string status_id;              // the status's id, e.g. "113552000000000620"
  std::string acct = "dan";           // "dan" (an account of this instance) or "kim@mas.example"
  std::string text;                   // plain text, rendered into "content" as Mastodon does
                                      // (paragraphs, links, mentions as h-card links)
  std::string visibility = "public";  // "public", "unlisted", "private" or "direct"
  std::string in_reply_to_id;         // empty: null
  TimeMs created_at = 0;              // 0: now
};

// A status the fake made.
struct FakeStatus {
  std::string id;               // increasing: each new status has a larger id
  std::string url;              // "<base_url>/@acmeair/<id>"
  std::string created_at;       // ISO 8601, when it was made
  TimeMs created_at_ms = 0;
  std::string in_reply_to_id;   // empty: none
  std::string text;             // the "status" it was posted with
  std::string visibility;       // the form's visibility, "public" without one
  std::string idempotency_key;  // the request's Idempotency-Key, empty without one
  std::string account_id;       // kFakeBrandAccountId, or another account's (add_reply)
  std::string json;             // the status as served
};

enum class FakeMastodonRoute { notifications, post_status, status, context, verify_credentials };

class FakeMastodon {
 public:
  // `token`: the access token requests must carry; empty: any request is accepted.
  explicit FakeMastodon(std::string token = "");
  ~FakeMastodon();
  FakeMastodon(const FakeMastodon&) = delete;
  FakeMastodon& operator=(const FakeMastodon&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>": options.instance
  FakeHttpServer& server();      // to add handlers, or read every request (server().requests())
  std::vector<FakeRequest> requests() const;
  // The requests to one path, e.g. "/api/v1/statuses" (every method).
  std::vector<FakeRequest> requests_to(const std::string& path) const;

  // Requests must carry "Authorization: Bearer <token>" from now on (empty: accept any), e.g. to
  // revoke the token a connector was built with.
  void set_token(std::string token);

  // -- notifications -------------------------------------------------------------------------
  // The notification JSON of a customer's mention (type "mention", account and status in
  // Mastodon's shapes).
  std::string mention_notification(const CustomerPost& post) const;
  // Adds a notification (any JSON object with a string "id") to GET /api/v1/notifications; a
  // "status" object in it becomes a status the fake knows.
  void add_notification(const std::string& notification_json);
  void add_mention(const CustomerPost& post) { add_notification(mention_notification(post)); }
  void clear_notifications();

  // -- statuses ------------------------------------------------------------------------------
  // New statuses made by POST /api/v1/statuses (a repeated Idempotency-Key makes none).
  size_t post_count() const;
  std::vector<FakeStatus> posts() const;  // in order made
  // A reply made outside carewatch (shows in the context of `in_reply_to_id`; not a post):
  // by the brand account, or by another account ("carol") when `by_brand` is false.
  FakeStatus add_reply(const std::string& in_reply_to_id, const std::string& text, bool by_brand = true);
  // Forgets every Idempotency-Key, as Mastodon does after an hour: the same key posts again.
  void forget_idempotency_keys();

  // -- failures and hooks --------------------------------------------------------------------
  // The next `n` requests to `route` are answered with `answer` and change nothing.
  void fail_next(FakeMastodonRoute route, size_t n, FakeResponse answer);
  // The next `n` posts are answered with `answer`. With `posted`, each is made all the same (its
  // status recorded, the hook called) and only the answer is lost: a proxy's 504 after the
  // instance wrote it.
  void fail_next_posts(size_t n, FakeResponse answer, bool posted = false);
  // A Mastodon error answer: {"error": "<error>"} with `status` and `headers` (e.g.
  // {{"Retry-After", "30"}}).
  static FakeResponse error_answer(int status, const std::string& error,
                                   std::vector<std::pair<std::string, std::string>> headers = {});

  // Called with the request and the new status after a post is recorded and before the answer is
  // sent (not for a repeated Idempotency-Key), on the server's thread: a test can kill -9 a daemon
  // there. Empty: none.
  using PostHook = std::function<void(const FakeRequest&, const FakeStatus&)>;
  void on_post(PostHook hook);

 private:
  struct State;
  std::unique_ptr<State> state_;  // declared before the server: the server's threads stop first
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace carewatch::testing
