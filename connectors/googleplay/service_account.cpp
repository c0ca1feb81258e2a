#include "connectors/googleplay/service_account.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "connectors/common/json_fetch.h"
#include "connectors/common/json_text.h"
#include "connectors/common/jwt.h"
#include "mention/common/file.h"
#include "mention/common/url.h"

namespace carewatch::googleplay {

using text::json_string;
using text::type_name;

ServiceAccountToken::ServiceAccountToken(const GooglePlayOptions& options, std::shared_ptr<HttpClient> http)
    : opt_(options), http_(std::move(http)) {}

bool ServiceAccountToken::load_key(PollError& error) {
  if (key_loaded_) return true;
  std::string text;
  std::string option = "options.service_account_key";
  if (opt_.service_account_key) {
    text = *opt_.service_account_key;
  } else if (opt_.service_account_key_path) {
    option = "options.service_account_key_path";
    std::string why;
    if (!read_file(opt_.service_account_key_path->resolved, text, why)) {
      error = {PollError::Kind::fatal, option + ": " + why, std::nullopt};
      return false;
    }
  }
  auto fail = [&](const std::string& why) {
    error = {PollError::Kind::fatal,
             option + ": not a service-account JSON key (" + why +
                 "); download one in the Google Cloud console: IAM, Service accounts, Keys, Add key, JSON",
             std::nullopt};
    return false;
  };
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError() || !d.IsObject()) return fail("not a JSON object");
  if (d.HasMember("type") && d["type"].IsString() && json_string(d["type"]) != "service_account")
    return fail("type: expected \"service_account\"");
  for (const char* f : {"client_email", "private_key"}) {
    if (!d.HasMember(f)) return fail(std::string(f) + ": missing");
    if (!d[f].IsString() || d[f].GetStringLength() == 0)
      return fail(std::string(f) + ": expected a string, got " + type_name(d[f]));
  }
  client_email_ = json_string(d["client_email"]);
  private_key_ = json_string(d["private_key"]);
  if (d.HasMember("private_key_id") && d["private_key_id"].IsString()) private_key_id_ = json_string(d["private_key_id"]);
  std::string why;
  if (!jwt::check_private_key(jwt::Alg::RS256, private_key_, why)) {
    private_key_.clear();
    return fail("private_key: " + why);
  }
  key_loaded_ = true;
  return true;
}

std::optional<std::string> ServiceAccountToken::get(std::int64_t now_ms, PollError& error) {
  std::lock_guard lock(mutex_);
  if (!access_token_.empty() && now_ms < expires_at_ms_ - kRefreshEarlyMs) return access_token_;
  if (!load_key(error)) return std::nullopt;
  const std::int64_t now_s = now_ms / 1000;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("iss");
  w.String(client_email_.c_str(), static_cast<rapidjson::SizeType>(client_email_.size()));
  w.Key("scope");
  w.String(kScope);
  w.Key("aud");
  w.String(opt_.token_url.c_str(), static_cast<rapidjson::SizeType>(opt_.token_url.size()));
  w.Key("iat");
  w.Int64(now_s);
  w.Key("exp");
  w.Int64(now_s + kLifetimeS);
  w.EndObject();
  std::string why;
  auto assertion = jwt::sign(jwt::Alg::RS256, jwt::header(jwt::Alg::RS256, private_key_id_),
                             std::string(buffer.GetString(), buffer.GetSize()), private_key_, why);
  if (!assertion) {
    error = {PollError::Kind::fatal, "options.service_account_key: private_key: " + why, std::nullopt};
    return std::nullopt;
  }
  HttpRequest req;
  req.method = "POST";
  req.url = opt_.token_url;
  req.timeout = opt_.timeout;
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.body = encode_query({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"}, {"assertion", *assertion}});
  ++token_requests_;
  JsonAnswer answer;
  const std::string hint = "is the key of service account " + client_email_ +
                           " still valid? Keys can be deleted or disabled in the Google Cloud console";
  if (auto failure = fetch_json(*http_, req, "googleplay token", answer, now_ms, hint)) {
    error = std::move(failure->error);
    if (failure->status == 400) error.message += " (" + hint + ")";
    return std::nullopt;
  }
  const auto& d = answer.doc;
  if (!d.IsObject() || !d.HasMember("access_token") || !d["access_token"].IsString() ||
      d["access_token"].GetStringLength() == 0) {
    error = {PollError::Kind::retry,
             "googleplay token: POST " + redact_url(opt_.token_url) + ": access_token: expected a string", std::nullopt};
    return std::nullopt;
  }
  std::int64_t expires_in = 3600;
  if (d.HasMember("expires_in") && d["expires_in"].IsNumber()) expires_in = static_cast<std::int64_t>(d["expires_in"].GetDouble());
  access_token_ = json_string(d["access_token"]);
  expires_at_ms_ = now_ms + expires_in * 1000;
  return access_token_;
}

void ServiceAccountToken::invalidate() {
  std::lock_guard lock(mutex_);
  access_token_.clear();
  expires_at_ms_ = 0;
}

std::string ServiceAccountToken::client_email() const {
  std::lock_guard lock(mutex_);
  return client_email_;
}

int ServiceAccountToken::token_requests() const {
  std::lock_guard lock(mutex_);
  return token_requests_;
}

}  // namespace carewatch::googleplay
