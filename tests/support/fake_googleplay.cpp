#include "tests/support/fake_googleplay.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>

#include "connectors/common/jwt.h"
#include "mention/common/url.h"

namespace carewatch::testing {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
constexpr std::int64_t kWeekMs = 7LL * 24 * 3600 * 1000;
constexpr const char* kScope = "https://www.googleapis.com/auth/androidpublisher";

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

// Verifies an RS256 compact JWS with the public key (OpenSSL directly, not the connector's code).
bool verify_rs256(const std::string& token, const std::string& public_pem, std::string& header, std::string& claims) {
  const size_t a = token.find('.');
  const size_t b = a == std::string::npos ? a : token.find('.', a + 1);
  if (b == std::string::npos) return false;
  auto h = jwt::base64url_decode(token.substr(0, a));
  auto c = jwt::base64url_decode(token.substr(a + 1, b - a - 1));
  auto s = jwt::base64url_decode(token.substr(b + 1));
  if (!h || !c || !s) return false;
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  bool ok = false;
  if (key) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const std::string input = token.substr(0, b);
    ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(s->data()), s->size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    EVP_MD_CTX_free(ctx);
  }
  EVP_PKEY_free(key);
  ERR_clear_error();
  header = *h;
  claims = *c;
  return ok;
}

void timestamp(Writer& w, const char* key, TimeMs t) {
  w.Key(key);
  w.StartObject();
  w.Key("seconds");
  w.String(std::to_string(t / 1000).c_str());
  w.Key("nanos");
  w.Int(static_cast<int>((t % 1000) * 1000000));
  w.EndObject();
}

}  // namespace

TestKeyPair make_test_rsa_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  if (!key) throw std::runtime_error("RSA key generation failed");
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

FakeResponse FakeGooglePlay::google_error(int status, const std::string& status_name, const std::string& message,
                                          std::vector<std::pair<std::string, std::string>> headers) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.Int(status);
  w.Key("message");
  w.String(message.c_str());
  w.Key("status");
  w.String(status_name.c_str());
  w.EndObject();
  w.EndObject();
  return FakeResponse{status, std::move(headers), std::string(buffer.GetString(), buffer.GetSize())};
}

struct FakeGooglePlay::State {
  std::string package, base_url;
  mutable std::mutex mutex;
  std::string public_pem;
  std::map<std::string, FakePlayReview> reviews;
  size_t page_size = 10;
  int expires_in = 3599;
  std::map<std::string, TimeMs> tokens;  // issued token -> expiry
  std::set<std::string> expired;
  size_t token_count = 0;
  bool permission = true;
  struct Failure {
    size_t skip = 0, n = 0;
    FakeResponse answer;
  };
  std::map<FakePlayRoute, Failure> failures;
  size_t fail_replies = 0;
  FakeResponse reply_failure;
  bool fail_replies_posted = false;
  size_t replies = 0;
  std::string last_claims;

  bool take_failure(FakePlayRoute route, FakeResponse& out) {
    auto it = failures.find(route);
    if (it == failures.end() || it->second.n == 0) return false;
    if (it->second.skip > 0) {
      --it->second.skip;
      return false;
    }
    --it->second.n;
    out = it->second.answer;
    return true;
  }

  std::optional<FakeResponse> check_auth(const FakeRequest& r) {
    auto it = r.headers.find("authorization");
    const std::string prefix = "Bearer ";
    if (it == r.headers.end() || it->second.rfind(prefix, 0) != 0)
      return google_error(401, "UNAUTHENTICATED", "Request is missing required authentication credential.");
    const std::string token = it->second.substr(prefix.size());
    auto t = tokens.find(token);
    if (t == tokens.end() || expired.count(token) || t->second <= now_ms())
      return google_error(401, "UNAUTHENTICATED",
                          "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                          "or other valid authentication credential.");
    if (!permission)
      return google_error(403, "PERMISSION_DENIED",
                          "The caller does not have permission");
    return std::nullopt;
  }

  FakeResponse token(const FakeRequest& r) {
    std::lock_guard lock(mutex);
    FakeResponse failure;
    if (take_failure(FakePlayRoute::token, failure)) return failure;
    auto bad = [](const std::string& description) {
      return FakeResponse{400, {}, "{\"error\":\"invalid_grant\",\"error_description\":\"" + description + "\"}"};
    };
    auto form = parse_query(r.body);
    if (!form) return bad("Bad request");
    std::string grant, assertion;
    for (const auto& [k, v] : *form) {
      if (k == "grant_type") grant = v;
      if (k == "assertion") assertion = v;
    }
    if (grant != "urn:ietf:params:oauth:grant-type:jwt-bearer")
      return FakeResponse{400, {}, R"({"error":"unsupported_grant_type","error_description":"Invalid grant_type: "})"};
    std::string header, claims;
    if (!verify_rs256(assertion, public_pem, header, claims)) return bad("Invalid JWT Signature.");
    last_claims = claims;
    rapidjson::Document h, c;
    h.Parse(header.c_str());
    c.Parse(claims.c_str());
    auto str = [](const rapidjson::Value& o, const char* k) {
      return o.IsObject() && o.HasMember(k) && o[k].IsString() ? std::string(o[k].GetString()) : std::string();
    };
    const std::int64_t now = now_ms() / 1000;
    if (str(h, "alg") != "RS256" || str(h, "typ") != "JWT") return bad("Invalid JWT header.");
    if (str(c, "iss") != kFakeServiceAccount || str(c, "scope") != kScope || str(c, "aud") != base_url + "/token")
      return bad("Invalid JWT: iss, scope or aud.");
    if (!c.HasMember("iat") || !c["iat"].IsInt64() || !c.HasMember("exp") || !c["exp"].IsInt64() ||
        c["exp"].GetInt64() <= now || c["exp"].GetInt64() - c["iat"].GetInt64() > 3600)
      return bad("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
    ++token_count;
    const std::string token = "ya29.fake-access-token-" + std::to_string(token_count);
    tokens[token] = now_ms() + expires_in * 1000LL;
    return FakeResponse{200, {}, "{\"access_token\":\"" + token + "\",\"expires_in\":" + std::to_string(expires_in) +
                                     ",\"token_type\":\"Bearer\"}"};
  }

  void review_json(Writer& w, const FakePlayReview& r) const {
    w.StartObject();
    w.Key("reviewId");
    w.String(r.id.c_str());
    if (!r.author.empty()) {
      w.Key("authorName");
      w.String(r.author.c_str());
    }
    w.Key("comments");
    w.StartArray();
    w.StartObject();
    w.Key("userComment");
    w.StartObject();
    w.Key("text");
    const std::string text = "\t" + r.text;  // Google starts the text with a tab
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    timestamp(w, "lastModified", r.modified);
    w.Key("starRating");
    w.Int(r.rating);
    w.Key("reviewerLanguage");
    w.String(r.language.c_str());
    w.Key("device");
    w.String("a52q");
    w.Key("androidOsVersion");
    w.Int(34);
    w.Key("appVersionCode");
    w.Int(4200);
    w.Key("appVersionName");
    w.String(r.version.c_str());
    w.Key("thumbsUpCount");
    w.Int(0);
    w.Key("thumbsDownCount");
    w.Int(0);
    w.Key("deviceMetadata");
    w.StartObject();
    w.Key("productName");
    w.String("a52q (Galaxy A52)");
    w.Key("manufacturer");
    w.String("Samsung");
    w.EndObject();
    w.EndObject();
    w.EndObject();
    if (!r.reply.empty()) {
      w.StartObject();
      w.Key("developerComment");
      w.StartObject();
      w.Key("text");
      w.String(r.reply.c_str(), static_cast<rapidjson::SizeType>(r.reply.size()));
      timestamp(w, "lastModified", now_ms());
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }

  FakeResponse list(const FakeRequest& r) {
    std::lock_guard lock(mutex);
    FakeResponse failure;
    if (take_failure(FakePlayRoute::list, failure)) return failure;
    if (auto bad = check_auth(r)) return *bad;
    std::vector<const FakePlayReview*> recent;
    const TimeMs week_ago = now_ms() - kWeekMs;
    for (const auto& [id, rv] : reviews)
      if (rv.modified >= week_ago) recent.push_back(&rv);
    std::stable_sort(recent.begin(), recent.end(), [](const FakePlayReview* a, const FakePlayReview* b) {
      return a->modified != b->modified ? a->modified > b->modified : a->id > b->id;
    });
    size_t per_page = page_size;
    if (auto m = r.query.find("maxResults"); m != r.query.end()) per_page = std::min(per_page, std::stoul(m->second));
    size_t offset = 0;
    if (auto t = r.query.find("token"); t != r.query.end()) {
      if (t->second.rfind("CgQI", 0) != 0) return google_error(400, "INVALID_ARGUMENT", "Invalid pagination token.");
      offset = std::stoul(t->second.substr(4));
    }
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    if (offset < recent.size()) {
      w.Key("reviews");
      w.StartArray();
      for (size_t i = offset; i < recent.size() && i < offset + per_page; ++i) review_json(w, *recent[i]);
      w.EndArray();
    }
    w.Key("pageInfo");
    w.StartObject();
    w.Key("totalResults");
    w.Int(static_cast<int>(recent.size()));
    w.Key("resultPerPage");
    w.Int(static_cast<int>(per_page));
    w.Key("startIndex");
    w.Int(static_cast<int>(offset));
    w.EndObject();
    if (offset + per_page < recent.size()) {
      w.Key("tokenPagination");
      w.StartObject();
      w.Key("nextPageToken");
      w.String(("CgQI" + std::to_string(offset + per_page)).c_str());
      w.EndObject();
    }
    w.EndObject();
    return FakeResponse{200, {}, std::string(buffer.GetString(), buffer.GetSize())};
  }

  FakeResponse get(const FakeRequest& r, const std::string& id) {
    std::lock_guard lock(mutex);
    FakeResponse failure;
    if (take_failure(FakePlayRoute::get, failure)) return failure;
    if (auto bad = check_auth(r)) return *bad;
    auto it = reviews.find(id);
    if (it == reviews.end()) return google_error(404, "NOT_FOUND", "Review not found.");
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    review_json(w, it->second);
    return FakeResponse{200, {}, std::string(buffer.GetString(), buffer.GetSize())};
  }

  FakeResponse reply(const FakeRequest& r, const std::string& id) {
    std::lock_guard lock(mutex);
    FakeResponse failure;
    if (take_failure(FakePlayRoute::reply, failure)) return failure;
    if (auto bad = check_auth(r)) return *bad;
    auto it = reviews.find(id);
    if (it == reviews.end()) return google_error(404, "NOT_FOUND", "Review not found.");
    rapidjson::Document d;
    d.Parse(r.body.c_str(), r.body.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("replyText") || !d["replyText"].IsString())
      return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. replyText is required.");
    const std::string text(d["replyText"].GetString(), d["replyText"].GetStringLength());
    size_t chars = 0;
    for (unsigned char c : text)
      if ((c & 0xC0) != 0x80) ++chars;
    if (chars > 350) return google_error(400, "INVALID_ARGUMENT", "Reply text is too long (max 350 characters).");
    if (fail_replies > 0) {
      --fail_replies;
      if (fail_replies_posted) {
        it->second.reply = text;
        ++replies;
      }
      return reply_failure;
    }
    it->second.reply = text;
    ++replies;
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("result");
    w.StartObject();
    w.Key("replyText");
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    timestamp(w, "lastEdited", now_ms());
    w.EndObject();
    w.EndObject();
    return FakeResponse{200, {}, std::string(buffer.GetString(), buffer.GetSize())};
  }
};

FakeGooglePlay::FakeGooglePlay(std::string package) : state_(std::make_unique<State>()) {
  state_->package = std::move(package);
  server_ = std::make_unique<FakeHttpServer>();
  state_->base_url = server_->base_url();
  State* s = state_.get();
  server_->on("POST", "/token", [s](const FakeRequest& r) { return s->token(r); });
  server_->on("GET", reviews_path(), [s](const FakeRequest& r) { return s->list(r); });
}

FakeGooglePlay::~FakeGooglePlay() { server_.reset(); }

std::string FakeGooglePlay::base_url() const { return server_->base_url(); }
std::string FakeGooglePlay::token_url() const { return server_->base_url() + "/token"; }
FakeHttpServer& FakeGooglePlay::server() { return *server_; }
std::string FakeGooglePlay::reviews_path() const {
  return "/androidpublisher/v3/applications/" + state_->package + "/reviews";
}

std::vector<FakeRequest> FakeGooglePlay::requests_to(const std::string& path) const {
  std::vector<FakeRequest> out;
  for (auto& r : server_->requests())
    if (r.path == path) out.push_back(r);
  return out;
}

std::string FakeGooglePlay::service_account_json(const TestKeyPair& key) {
  {
    std::lock_guard lock(state_->mutex);
    state_->public_pem = key.public_pem;
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("type");
  w.String("service_account");
  w.Key("project_id");
  w.String("acme-air-test");
  w.Key("private_key_id");
  w.String("0123456789abcdef0123456789abcdef01234567");
  w.Key("private_key");
  w.String(key.private_pem.c_str());
  w.Key("client_email");
  w.String(kFakeServiceAccount);
  w.Key("client_id");
  w.String("100000000000000000001");
  w.Key("auth_uri");
  w.String("https://accounts.google.com/o/oauth2/auth");
  w.Key("token_uri");
  w.String("https://oauth2.googleapis.com/token");
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void FakeGooglePlay::add_review(const FakePlayReview& review) {
  std::lock_guard lock(state_->mutex);
  FakePlayReview r = review;
  if (r.modified == 0) r.modified = now_ms();
  const bool known = state_->reviews.count(r.id) > 0;
  state_->reviews[r.id] = r;
  if (known) return;
  State* s = state_.get();
  const std::string id = r.id;
  for (const std::string& form : {id, percent_encode(id)}) {
    server_->on("GET", reviews_path() + "/" + form, [s, id](const FakeRequest& req) { return s->get(req, id); });
    server_->on("POST", reviews_path() + "/" + form + ":reply",
                [s, id](const FakeRequest& req) { return s->reply(req, id); });
  }
}

void FakeGooglePlay::set_page_size(size_t n) {
  std::lock_guard lock(state_->mutex);
  state_->page_size = n;
}

void FakeGooglePlay::set_expires_in(int seconds) {
  std::lock_guard lock(state_->mutex);
  state_->expires_in = seconds;
}

void FakeGooglePlay::expire_tokens() {
  std::lock_guard lock(state_->mutex);
  for (const auto& [t, e] : state_->tokens) state_->expired.insert(t);
}

void FakeGooglePlay::set_permission(bool granted) {
  std::lock_guard lock(state_->mutex);
  state_->permission = granted;
}

void FakeGooglePlay::fail_next(FakePlayRoute route, size_t n, FakeResponse answer) {
  fail_later(route, 0, n, std::move(answer));
}

void FakeGooglePlay::fail_later(FakePlayRoute route, size_t skip, size_t n, FakeResponse answer) {
  std::lock_guard lock(state_->mutex);
  state_->failures[route] = {skip, n, std::move(answer)};
}

void FakeGooglePlay::fail_next_replies(size_t n, FakeResponse answer, bool posted) {
  std::lock_guard lock(state_->mutex);
  state_->fail_replies = n;
  state_->reply_failure = std::move(answer);
  state_->fail_replies_posted = posted;
}

size_t FakeGooglePlay::token_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->token_count;
}

size_t FakeGooglePlay::reply_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->replies;
}

std::string FakeGooglePlay::reply_of(const std::string& review_id) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->reviews.find(review_id);
  return it == state_->reviews.end() ? std::string() : it->second.reply;
}

std::string FakeGooglePlay::last_assertion_claims() const {
  std::lock_guard lock(state_->mutex);
  return state_->last_claims;
}

}  // namespace carewatch::testing
