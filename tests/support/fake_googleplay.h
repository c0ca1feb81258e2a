// A fake Google Play Developer API and Google OAuth token endpoint on a FakeHttpServer (loopback),
// serving the real shapes (androidpublisher v3, https://developers.google.com/android-publisher):
//
//   POST /token                                           OAuth 2.0 JWT bearer grant: the form's
//        assertion must be an RS256 JWT verified with the service account's public key, with
//        iss = the client email, scope androidpublisher, aud = <base_url>/token, exp - iat <= 3600
//        and exp in the future; answers {"access_token", "expires_in", "token_type": "Bearer"}, or
//        400 {"error": "invalid_grant", "error_description": ...}
//   GET  /androidpublisher/v3/applications/{pkg}/reviews  reviews.list: reviews modified in the
//        last week, most recently modified first, maxResults a page (default 10 here), linked by
//        tokenPagination.nextPageToken; translationLanguage recorded
//   GET  /androidpublisher/v3/applications/{pkg}/reviews/{reviewId}        reviews.get
//   POST /androidpublisher/v3/applications/{pkg}/reviews/{reviewId}:reply  reviews.reply
//        {"replyText"} (at most 350 characters, else 400): sets the developerComment and answers
//        {"result": {"replyText", "lastEdited"}}
//
// API requests need "Authorization: Bearer <a token it issued and has not expired>", else 401 in
// Google's {"error": {"code", "message", "status": "UNAUTHENTICATED"}} shape; without the
// permission (set_permission(false)) 403 PERMISSION_DENIED. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mention/common/time.h"
#include "tests/support/fake_appstore.h"  // TestKeyPair
#include "tests/support/fake_http_server.h"

namespace carewatch::testing {

// A new RSA 2048 key pair (a Google service account key is one).
TestKeyPair make_test_rsa_key();

inline constexpr const char* kFakeServiceAccount = "carewatch-reviews@acme-air-test.iam.gserviceaccount.com";

struct FakePlayReview {
  std::string id;                     // e.g. "gp:AOqpTOGm4x0001"
  std::string author = "Dana K.";     // empty: no authorName
  std::string text;
  int rating = 1;
  std::string language = "en_US";
  std::string version = "4.2.0";
  TimeMs modified = 0;                // lastModified; 0: now
  std::string reply;                  // the developerComment's text, empty: none
};

enum class FakePlayRoute { token, list, get, reply };

class FakeGooglePlay {
 public:
  FakeGooglePlay(std::string package = "com.acmeair.app");
  ~FakeGooglePlay();
  FakeGooglePlay(const FakeGooglePlay&) = delete;
  FakeGooglePlay& operator=(const FakeGooglePlay&) = delete;

  std::string base_url() const;
  std::string token_url() const;  // base_url() + "/token"
  FakeHttpServer& server();
  std::vector<FakeRequest> requests_to(const std::string& path) const;
  std::string reviews_path() const;  // "/androidpublisher/v3/applications/<pkg>/reviews"

  // The service account's JSON key (as the Cloud console writes it) for `key`, and makes the fake
  // accept tokens signed by it.
  std::string service_account_json(const TestKeyPair& key);

  void add_review(const FakePlayReview& review);  // or replace the one with its id (an edit)
  void set_page_size(size_t n);                   // the most a page holds whatever maxResults says
  void set_expires_in(int seconds);               // the tokens' expires_in (default 3599)
  void expire_tokens();                           // every token issued so far answers 401 from now
  void set_permission(bool granted);              // false: the API answers 403
  void fail_next(FakePlayRoute route, size_t n, FakeResponse answer);
  // The next `skip` requests to `route` are answered as usual, then `n` with `answer`.
  void fail_later(FakePlayRoute route, size_t skip, size_t n, FakeResponse answer);
  // The next `n` replies are answered with `answer`; with `posted` the reply is made all the same.
  void fail_next_replies(size_t n, FakeResponse answer, bool posted = false);

  size_t token_count() const;        // tokens issued
  size_t reply_count() const;        // replies made
  std::string reply_of(const std::string& review_id) const;
  std::string last_assertion_claims() const;

  static FakeResponse google_error(int status, const std::string& status_name, const std::string& message,
                                   std::vector<std::pair<std::string, std::string>> headers = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace carewatch::testing
