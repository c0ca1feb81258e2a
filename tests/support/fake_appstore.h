// A fake App Store on a FakeHttpServer (loopback), serving the real shapes of what carewatch asks:
//
//   GET  /{country}/rss/customerreviews/page={N}/id={app}/sortby=mostrecent/json
//        the public customer-reviews feed as JSON (the shape of the recorded
//        ../shared/fixtures/appstore/appvox_itunes_rss_reviews.json): {"feed": {"author", "entry",
//        "updated", "rights", "title", "icon", "link": [...], "id"}}, most recently updated first,
//        50 reviews a page, pages 1 to 10 (a page past the reviews has no "entry"; a page of one
//        entry has "entry" as an object). Page 1 starts with the app-metadata entry (im:name, no
//        im:rating) unless turned off. Every value is {"label": "..."}.
//   POST /v1/customerReviewResponses          App Store Connect: create or replace the response to a
//                                             review (201 with the customerReviewResponses resource)
//   GET  /v1/customerReviews/{id}/response    the review's response ({"data": null} when none)
//
// App Store Connect requests must carry "Authorization: Bearer <JWT>": ES256, verified with the
// public key given (a wrong signature, alg, kid, iss, aud, or an exp more than 20 minutes after
// iat or in the past answers 401 NOT_AUTHORIZED in Apple's {"errors": [...]} shape). A review id
// it does not know answers 404. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mention/common/time.h"
#include "tests/support/fake_http_server.h"

namespace carewatch::testing {

// A key pair made with OpenSSL for a test: PEM text (PKCS#8 private key, SubjectPublicKeyInfo
// public key). Never a real credential.
struct TestKeyPair {
  std::string private_pem;
  std::string public_pem;
};
// A new EC P-256 key pair (an App Store Connect .p8 key is one).
TestKeyPair make_test_ec_key();

struct FakeAppReview {
  std::string id;                 // numeric, e.g. "9100000001"
  std::string country = "us";
  std::string author = "frequent flyer";
  std::string author_id = "700000001";
  int rating = 1;
  std::string version = "4.2.0";
  std::string title;
  std::string content;
  TimeMs updated = 0;             // written as ISO 8601 with a -07:00 offset, as Apple does
};

struct FakeAppResponse {
  std::string id;                 // the customerReviewResponses id
  std::string review_id;
  std::string body;
  std::string last_modified;      // ISO 8601
};

enum class FakeAppStoreRoute { feed, post_response, get_response };

class FakeAppStore {
 public:
  // `app_id`: the app whose feed it serves.
  explicit FakeAppStore(std::string app_id = "1234567890");
  ~FakeAppStore();
  FakeAppStore(const FakeAppStore&) = delete;
  FakeAppStore& operator=(const FakeAppStore&) = delete;

  std::string base_url() const;
  FakeHttpServer& server();
  std::vector<FakeRequest> requests_to_feed(const std::string& country) const;

  // -- the feed --------------------------------------------------------------------------------
  // Adds a review (or replaces the one with its id: an edit, which moves it up by its new time).
  void add_review(const FakeAppReview& review);
  void remove_review(const std::string& id);
  void set_metadata_entry(bool on);  // default on
  // Extra headers on every feed answer (e.g. rate-limit headers a proxy adds).
  void set_feed_headers(std::vector<std::pair<std::string, std::string>> headers);
  // The next `n` feed requests are answered with `answer`.
  void fail_next_feed(size_t n, FakeResponse answer);
  // The JSON of one feed page as served.
  std::string feed_page(const std::string& country, int page) const;

  // -- App Store Connect -----------------------------------------------------------------------
  // The key the tokens must be signed with, and what they must say.
  void set_connect_key(std::string public_pem, std::string issuer_id, std::string key_id);
  std::vector<FakeAppResponse> responses() const;     // current responses, by review
  size_t post_count() const;                          // POSTs that made or replaced a response
  // Sets a response directly (as if written in App Store Connect's web pages).
  void set_response(const std::string& review_id, const std::string& body);
  // The next `n` POSTs are answered with `answer`; with `posted` the response is made all the same.
  void fail_next_posts(size_t n, FakeResponse answer, bool posted = false);
  void fail_next(FakeAppStoreRoute route, size_t n, FakeResponse answer);
  // The claims of the last token verified (JSON), for tests.
  std::string last_token_claims() const;
  std::string last_token_header() const;

  static FakeResponse connect_error(int status, const std::string& code, const std::string& detail);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace carewatch::testing
