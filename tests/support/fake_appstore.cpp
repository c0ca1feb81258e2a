#include "tests/support/fake_appstore.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>

#include "connectors/common/jwt.h"

namespace carewatch::testing {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
constexpr size_t kPerPage = 50;
constexpr int kPages = 10;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

// Apple writes times in Cupertino's offset: "2026-11-20T10:25:34-07:00".
std::string apple_time(TimeMs t) {
  const std::time_t s = static_cast<std::time_t>(t / 1000 - 7 * 3600);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S-07:00", &tm);
  return buf;
}

void label(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.StartObject();
  w.Key("label");
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  w.EndObject();
}

// Verifies an ES256 compact JWS with the public key, independently of the connector's code:
// the raw r || s signature is turned back into DER for OpenSSL.
bool verify_es256(const std::string& token, const std::string& public_pem, std::string& header, std::string& claims) {
  const size_t a = token.find('.');
  const size_t b = a == std::string::npos ? a : token.find('.', a + 1);
  if (b == std::string::npos) return false;
  auto h = jwt::base64url_decode(token.substr(0, a));
  auto c = jwt::base64url_decode(token.substr(a + 1, b - a - 1));
  auto s = jwt::base64url_decode(token.substr(b + 1));
  if (!h || !c || !s || s->size() != 64) return false;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(s->data()), 32, nullptr);
  BIGNUM* ss = BN_bin2bn(reinterpret_cast<const unsigned char*>(s->data()) + 32, 32, nullptr);
  ECDSA_SIG_set0(sig, r, ss);
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  bool ok = false;
  if (key && der_len > 0) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const std::string input = token.substr(0, b);
    ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx, der, static_cast<size_t>(der_len), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
    EVP_MD_CTX_free(ctx);
  }
  EVP_PKEY_free(key);
  OPENSSL_free(der);
  ERR_clear_error();
  header = *h;
  claims = *c;
  return ok;
}

}  // namespace

TestKeyPair make_test_ec_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!key) throw std::runtime_error("EC key generation failed");
  TestKeyPair pair;
  BIO* priv = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  pair.private_pem = bio_text(priv);
  BIO_free(priv);
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, key);
  pair.public_pem = bio_text(pub);
  BIO_free(pub);
  EVP_PKEY_free(key);
  return pair;
}

struct FakeAppStore::State {
  std::string app_id;
  std::string base_url;
  mutable std::mutex mutex;
  std::map<std::string, FakeAppReview> reviews;  // by id
  std::set<std::string> countries;
  bool metadata = true;
  std::vector<std::pair<std::string, std::string>> feed_headers;
  std::map<FakeAppStoreRoute, std::pair<size_t, FakeResponse>> failures;
  std::string public_pem, issuer_id, key_id;
  std::map<std::string, FakeAppResponse> responses;  // by review id
  size_t posts = 0;
  int next_response = 1;
  size_t fail_posts = 0;
  FakeResponse post_failure;
  bool fail_posts_posted = false;
  std::string last_header, last_claims;

  bool take_failure(FakeAppStoreRoute route, FakeResponse& out) {
    auto it = failures.find(route);
    if (it == failures.end() || it->second.first == 0) return false;
    --it->second.first;
    out = it->second.second;
    return true;
  }

  // Reviews of a country, most recently updated first.
  std::vector<const FakeAppReview*> sorted(const std::string& country) const {
    std::vector<const FakeAppReview*> out;
    for (const auto& [id, r] : reviews)
      if (r.country == country) out.push_back(&r);
    std::stable_sort(out.begin(), out.end(), [](const FakeAppReview* a, const FakeAppReview* b) {
      return a->updated != b->updated ? a->updated > b->updated : a->id > b->id;
    });
    return out;
  }

  std::string page_json(const std::string& country, int page) const {
    const auto all = sorted(country);
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    const std::string self = base_url + "/" + country + "/rss/customerreviews/page=" + std::to_string(page) + "/id=" +
                             app_id + "/sortby=mostrecent/json";
    std::vector<const FakeAppReview*> on_page;
    for (size_t i = static_cast<size_t>(page - 1) * kPerPage; i < all.size() && i < static_cast<size_t>(page) * kPerPage; ++i)
      on_page.push_back(all[i]);
    const bool meta = metadata && page == 1;
    const size_t entries = on_page.size() + (meta ? 1 : 0);
    w.StartObject();
    w.Key("feed");
    w.StartObject();
    w.Key("author");
    w.StartObject();
    label(w, "name", "iTunes Store");
    label(w, "uri", "http://www.apple.com/" + country + "/itunes/");
    w.EndObject();
    if (entries > 0) {
      w.Key("entry");
      if (entries > 1) w.StartArray();
      if (meta) {
        w.StartObject();
        label(w, "im:name", "Acme Air");
        label(w, "rights", "\xC2\xA9 Acme Air Ltd");
        label(w, "title", "Acme Air - Acme Air Ltd");
        label(w, "id", "https://apps.apple.com/" + country + "/app/acme-air/id" + app_id + "?uo=2");
        label(w, "im:artist", "Acme Air Ltd");
        label(w, "im:releaseDate", "2019-03-01T00:00:00-07:00");
        w.EndObject();
      }
      for (const FakeAppReview* r : on_page) {
        w.StartObject();
        w.Key("author");
        w.StartObject();
        label(w, "uri", "https://itunes.apple.com/" + country + "/reviews/id" + r->author_id);
        label(w, "name", r->author);
        w.Key("label");
        w.String("");
        w.EndObject();
        label(w, "updated", apple_time(r->updated));
        label(w, "im:rating", std::to_string(r->rating));
        label(w, "im:version", r->version);
        label(w, "id", r->id);
        label(w, "title", r->title);
        w.Key("content");
        w.StartObject();
        w.Key("label");
        w.String(r->content.c_str(), static_cast<rapidjson::SizeType>(r->content.size()));
        w.Key("attributes");
        w.StartObject();
        w.Key("type");
        w.String("text");
        w.EndObject();
        w.EndObject();
        w.Key("link");
        w.StartObject();
        w.Key("attributes");
        w.StartObject();
        w.Key("rel");
        w.String("related");
        w.Key("href");
        const std::string href = "https://itunes.apple.com/" + country + "/review?id=" + app_id + "&type=Purple%20Software";
        w.String(href.c_str());
        w.EndObject();
        w.EndObject();
        label(w, "im:voteSum", "0");
        label(w, "im:voteCount", "0");
        w.EndObject();
      }
      if (entries > 1) w.EndArray();
    }
    label(w, "updated", apple_time(now_ms()));
    label(w, "rights", "Copyright 2008 Apple Inc.");
    label(w, "title", "iTunes Store: Customer Reviews");
    label(w, "icon", "http://itunes.apple.com/favicon.ico");
    w.Key("link");
    w.StartArray();
    for (const auto& [rel, n] : std::vector<std::pair<const char*, int>>{
             {"first", 1}, {"last", kPages}, {"previous", std::max(1, page - 1)}, {"next", std::min(kPages, page + 1)}}) {
      w.StartObject();
      w.Key("attributes");
      w.StartObject();
      w.Key("rel");
      w.String(rel);
      w.Key("href");
      const std::string href = base_url + "/" + country + "/rss/customerreviews/page=" + std::to_string(n) + "/id=" +
                               app_id + "/sortby=mostrecent/xml?urlDesc=/customerreviews/id=" + app_id +
                               "/sortby=mostrecent/json";
      w.String(href.c_str());
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
    label(w, "id", self);
    w.EndObject();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
  }

  // Checks the bearer token; an error answer when it is not good.
  std::optional<FakeResponse> check_token(const FakeRequest& r) {
    auto it = r.headers.find("authorization");
    const std::string prefix = "Bearer ";
    if (it == r.headers.end() || it->second.rfind(prefix, 0) != 0)
      return connect_error(401, "NOT_AUTHORIZED", "Authentication credentials are missing or invalid.");
    std::string header, claims;
    if (!verify_es256(it->second.substr(prefix.size()), public_pem, header, claims))
      return connect_error(401, "NOT_AUTHORIZED", "Authentication credentials are missing or invalid.");
    last_header = header;
    last_claims = claims;
    rapidjson::Document h, c;
    h.Parse(header.c_str());
    c.Parse(claims.c_str());
    if (h.HasParseError() || c.HasParseError() || !h.IsObject() || !c.IsObject())
      return connect_error(401, "NOT_AUTHORIZED", "Authentication credentials are missing or invalid.");
    auto str = [](const rapidjson::Value& o, const char* k) {
      return o.HasMember(k) && o[k].IsString() ? std::string(o[k].GetString()) : std::string();
    };
    const std::int64_t now = now_ms() / 1000;
    if (str(h, "alg") != "ES256" || str(h, "kid") != key_id || str(h, "typ") != "JWT" || str(c, "iss") != issuer_id ||
        str(c, "aud") != "appstoreconnect-v1" || !c.HasMember("exp") || !c["exp"].IsInt64() || !c.HasMember("iat") ||
        !c["iat"].IsInt64() || c["exp"].GetInt64() <= now || c["exp"].GetInt64() - c["iat"].GetInt64() > 20 * 60)
      return connect_error(401, "NOT_AUTHORIZED", "Authentication credentials are missing or invalid.");
    return std::nullopt;
  }

  std::string response_json(const FakeAppResponse& resp) const {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("type");
    w.String("customerReviewResponses");
    w.Key("id");
    w.String(resp.id.c_str());
    w.Key("attributes");
    w.StartObject();
    w.Key("responseBody");
    w.String(resp.body.c_str(), static_cast<rapidjson::SizeType>(resp.body.size()));
    w.Key("lastModifiedDate");
    w.String(resp.last_modified.c_str());
    w.Key("state");
    w.String("PENDING_PUBLISH");
    w.EndObject();
    w.Key("links");
    w.StartObject();
    w.Key("self");
    const std::string self = base_url + "/v1/customerReviewResponses/" + resp.id;
    w.String(self.c_str());
    w.EndObject();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
  }

  FakeAppResponse& make_response(const std::string& review_id, const std::string& body) {
    FakeAppResponse& resp = responses[review_id];
    if (resp.id.empty()) resp.id = "5f0c2e1a-0000-4000-8000-" + std::to_string(100000000000 + next_response++);
    resp.review_id = review_id;
    resp.body = body;
    resp.last_modified = format_iso8601(now_ms());
    return resp;
  }

  FakeResponse post_response(const FakeRequest& r) {
    std::lock_guard lock(mutex);
    FakeResponse failure;
    if (take_failure(FakeAppStoreRoute::post_response, failure)) return failure;
    if (auto bad = check_token(r)) return *bad;
    rapidjson::Document d;
    d.Parse(r.body.c_str(), r.body.size());
    const rapidjson::Value* data = !d.HasParseError() && d.IsObject() && d.HasMember("data") ? &d["data"] : nullptr;
    if (!data || !data->IsObject() || !data->HasMember("type") || !(*data)["type"].IsString() ||
        std::string((*data)["type"].GetString()) != "customerReviewResponses" || !data->HasMember("attributes") ||
        !(*data)["attributes"].IsObject() || !(*data)["attributes"].HasMember("responseBody") ||
        !(*data)["attributes"]["responseBody"].IsString() || !data->HasMember("relationships"))
      return connect_error(422, "ENTITY_ERROR", "The request entity is not a customerReviewResponses create request.");
    const rapidjson::Value& rel = (*data)["relationships"];
    if (!rel.IsObject() || !rel.HasMember("review") || !rel["review"].IsObject() || !rel["review"].HasMember("data") ||
        !rel["review"]["data"].IsObject() || !rel["review"]["data"].HasMember("id") ||
        !rel["review"]["data"]["id"].IsString() || !rel["review"]["data"].HasMember("type") ||
        std::string(rel["review"]["data"]["type"].GetString()) != "customerReviews")
      return connect_error(422, "ENTITY_ERROR.RELATIONSHIP.INVALID", "The review relationship is missing or invalid.");
    const std::string review_id = rel["review"]["data"]["id"].GetString();
    if (!reviews.count(review_id))
      return connect_error(404, "NOT_FOUND", "There is no resource of type 'customerReviews' with id '" + review_id + "'");
    const std::string body((*data)["attributes"]["responseBody"].GetString(),
                           (*data)["attributes"]["responseBody"].GetStringLength());
    if (fail_posts > 0) {
      --fail_posts;
      if (fail_posts_posted) {
        make_response(review_id, body);
        ++posts;
      }
      return post_failure;
    }
    const FakeAppResponse& resp = make_response(review_id, body);
    ++posts;
    return FakeResponse{201, {}, "{\"data\":" + response_json(resp) + ",\"links\":{\"self\":\"" + base_url +
                                     "/v1/customerReviewResponses/" + resp.id + "\"}}"};
  }

  FakeResponse get_response(const FakeRequest& r, const std::string& review_id) {
    std::lock_guard lock(mutex);
    FakeResponse failure;
    if (take_failure(FakeAppStoreRoute::get_response, failure)) return failure;
    if (auto bad = check_token(r)) return *bad;
    if (!reviews.count(review_id))
      return connect_error(404, "NOT_FOUND", "There is no resource of type 'customerReviews' with id '" + review_id + "'");
    auto it = responses.find(review_id);
    const std::string self = "\"links\":{\"self\":\"" + base_url + "/v1/customerReviews/" + review_id + "/response\"}";
    if (it == responses.end()) return FakeResponse{200, {}, "{\"data\":null," + self + "}"};
    return FakeResponse{200, {}, "{\"data\":" + response_json(it->second) + "," + self + "}"};
  }

  FakeResponse feed(const std::string& country, int page) {
    std::lock_guard lock(mutex);
    FakeResponse failure;
    if (take_failure(FakeAppStoreRoute::feed, failure)) return failure;
    FakeResponse ok{200, feed_headers, page_json(country, page)};
    ok.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    return ok;
  }

  static FakeResponse connect_error(int status, const std::string& code, const std::string& detail) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("errors");
    w.StartArray();
    w.StartObject();
    w.Key("id");
    w.String("c2f1a3b4-0000-4000-8000-000000000001");
    w.Key("status");
    w.String(std::to_string(status).c_str());
    w.Key("code");
    w.String(code.c_str());
    w.Key("title");
    w.String(status == 401 ? "Authentication credentials are missing or invalid."
                           : status == 404 ? "The specified resource does not exist" : "The request failed.");
    w.Key("detail");
    w.String(detail.c_str());
    w.EndObject();
    w.EndArray();
    w.EndObject();
    return FakeResponse{status, {}, std::string(buffer.GetString(), buffer.GetSize())};
  }
};

FakeResponse FakeAppStore::connect_error(int status, const std::string& code, const std::string& detail) {
  return State::connect_error(status, code, detail);
}

FakeAppStore::FakeAppStore(std::string app_id) : state_(std::make_unique<State>()) {
  state_->app_id = std::move(app_id);
  server_ = std::make_unique<FakeHttpServer>();
  state_->base_url = server_->base_url();
  State* s = state_.get();
  server_->on("POST", "/v1/customerReviewResponses", [s](const FakeRequest& r) { return s->post_response(r); });
  for (const char* c : {"us", "gb", "de"}) {
    std::lock_guard lock(s->mutex);
    s->countries.insert(c);
    for (int page = 1; page <= kPages; ++page)
      server_->on("GET",
                  "/" + std::string(c) + "/rss/customerreviews/page=" + std::to_string(page) + "/id=" + s->app_id +
                      "/sortby=mostrecent/json",
                  [s, c = std::string(c), page](const FakeRequest&) { return s->feed(c, page); });
  }
}

FakeAppStore::~FakeAppStore() { server_.reset(); }

std::string FakeAppStore::base_url() const { return server_->base_url(); }
FakeHttpServer& FakeAppStore::server() { return *server_; }

std::vector<FakeRequest> FakeAppStore::requests_to_feed(const std::string& country) const {
  std::vector<FakeRequest> out;
  for (auto& r : server_->requests())
    if (r.path.rfind("/" + country + "/rss/", 0) == 0) out.push_back(r);
  return out;
}

void FakeAppStore::add_review(const FakeAppReview& review) {
  bool new_country = false;
  {
    std::lock_guard lock(state_->mutex);
    FakeAppReview r = review;
    if (r.updated == 0) r.updated = now_ms();
    const bool known = state_->reviews.count(r.id) > 0;
    state_->reviews[r.id] = r;
    new_country = state_->countries.insert(r.country).second;
    if (!known) {
      State* s = state_.get();
      const std::string id = r.id;
      server_->on("GET", "/v1/customerReviews/" + id + "/response",
                  [s, id](const FakeRequest& req) { return s->get_response(req, id); });
    }
  }
  if (new_country) {
    State* s = state_.get();
    for (int page = 1; page <= kPages; ++page)
      server_->on("GET",
                  "/" + review.country + "/rss/customerreviews/page=" + std::to_string(page) + "/id=" + s->app_id +
                      "/sortby=mostrecent/json",
                  [s, c = review.country, page](const FakeRequest&) { return s->feed(c, page); });
  }
}

void FakeAppStore::remove_review(const std::string& id) {
  std::lock_guard lock(state_->mutex);
  state_->reviews.erase(id);
}

void FakeAppStore::set_metadata_entry(bool on) {
  std::lock_guard lock(state_->mutex);
  state_->metadata = on;
}

void FakeAppStore::set_feed_headers(std::vector<std::pair<std::string, std::string>> headers) {
  std::lock_guard lock(state_->mutex);
  state_->feed_headers = std::move(headers);
}

void FakeAppStore::fail_next_feed(size_t n, FakeResponse answer) { fail_next(FakeAppStoreRoute::feed, n, std::move(answer)); }

void FakeAppStore::fail_next(FakeAppStoreRoute route, size_t n, FakeResponse answer) {
  std::lock_guard lock(state_->mutex);
  state_->failures[route] = {n, std::move(answer)};
}

std::string FakeAppStore::feed_page(const std::string& country, int page) const {
  std::lock_guard lock(state_->mutex);
  return state_->page_json(country, page);
}

void FakeAppStore::set_connect_key(std::string public_pem, std::string issuer_id, std::string key_id) {
  std::lock_guard lock(state_->mutex);
  state_->public_pem = std::move(public_pem);
  state_->issuer_id = std::move(issuer_id);
  state_->key_id = std::move(key_id);
}

std::vector<FakeAppResponse> FakeAppStore::responses() const {
  std::lock_guard lock(state_->mutex);
  std::vector<FakeAppResponse> out;
  for (const auto& [id, r] : state_->responses) out.push_back(r);
  return out;
}

size_t FakeAppStore::post_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->posts;
}

void FakeAppStore::set_response(const std::string& review_id, const std::string& body) {
  std::lock_guard lock(state_->mutex);
  state_->make_response(review_id, body);
}

void FakeAppStore::fail_next_posts(size_t n, FakeResponse answer, bool posted) {
  std::lock_guard lock(state_->mutex);
  state_->fail_posts = n;
  state_->post_failure = std::move(answer);
  state_->fail_posts_posted = posted;
}

std::string FakeAppStore::last_token_claims() const {
  std::lock_guard lock(state_->mutex);
  return state_->last_claims;
}

std::string FakeAppStore::last_token_header() const {
  std::lock_guard lock(state_->mutex);
  return state_->last_header;
}

}  // namespace carewatch::testing
