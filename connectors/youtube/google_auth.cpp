#include "connectors/youtube/google_auth.h"

#include <rapidjson/document.h>

#include "connectors/common/json_fetch.h"
#include "connectors/common/json_text.h"
#include "connectors/http/retry_policy.h"
#include "mention/common/url.h"

namespace carewatch::youtube {

using text::json_string;

std::string google_reason(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) return {};
  const auto e = d.FindMember("error");
  if (e == d.MemberEnd() || !e->value.IsObject()) return {};
  const auto errors = e->value.FindMember("errors");
  if (errors == e->value.MemberEnd() || !errors->value.IsArray() || errors->value.Empty()) return {};
  const auto& first = errors->value[0];
  if (!first.IsObject()) return {};
  const auto reason = first.FindMember("reason");
  return reason != first.MemberEnd() && reason->value.IsString() ? json_string(reason->value) : std::string();
}

AccessToken::AccessToken(std::string token_url, std::string client_id, std::string client_secret,
                         std::string refresh_token, std::chrono::milliseconds timeout)
    : url_(std::move(token_url)),
      client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)),
      refresh_token_(std::move(refresh_token)),
      timeout_(timeout) {}

void AccessToken::invalidate() {
  std::lock_guard lock(mutex_);
  token_.clear();
  expires_at_ = 0;
}

int AccessToken::refreshes() const {
  std::lock_guard lock(mutex_);
  return refreshes_;
}

TokenResult AccessToken::get(HttpClient& http, TimeMs now) {
  std::lock_guard lock(mutex_);
  TokenResult r;
  if (!token_.empty() && now + 60'000 < expires_at_) {
    r.kind = TokenResult::Kind::ok;
    r.token = token_;
    return r;
  }
  ++refreshes_;
  HttpRequest req;
  req.method = "POST";
  req.url = url_;
  req.timeout = timeout_;
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.headers.emplace_back("Accept", "application/json");
  req.body = encode_query({{"grant_type", "refresh_token"},
                           {"client_id", client_id_},
                           {"client_secret", client_secret_},
                           {"refresh_token", refresh_token_}});
  const HttpResponse resp = http.send(req);
  const Verdict v = classify_response(req, resp, now);
  const std::string where = "youtube OAuth token: POST " + redact_url(url_);
  if (v.outcome == Outcome::retry) {
    r.kind = TokenResult::Kind::retry;
    r.error = where + ": " + (resp.status ? std::to_string(resp.status) : "no answer: " + resp.error);
    r.retry_after = v.retry_after;
    return r;
  }
  if (v.outcome == Outcome::fatal) {
    // 400 invalid_grant: the refresh token was revoked or expired (or is for another client);
    // 401 invalid_client: the client id or secret is wrong.
    rapidjson::Document d;
    d.Parse(resp.body.c_str(), resp.body.size());
    std::string code;
    if (!d.HasParseError() && d.IsObject() && d.HasMember("error") && d["error"].IsString())
      code = json_string(d["error"]);
    r.kind = TokenResult::Kind::permanent;
    const std::string detail = error_detail(resp.body);
    r.error = where + ": " + std::to_string(resp.status) + (detail.empty() ? "" : ": " + detail) +
              (code == "invalid_client" || code == "unauthorized_client"
                   ? " (are options.oauth_client_id and options.oauth_client_secret right?)"
                   : " (is options.oauth_refresh_token valid? a revoked or expired refresh token must be "
                     "made again for the channel's account)");
    return r;
  }
  rapidjson::Document d;
  d.Parse(resp.body.c_str(), resp.body.size());
  const bool good = !d.HasParseError() && d.IsObject() && d.HasMember("access_token") && d["access_token"].IsString() &&
                    d["access_token"].GetStringLength() > 0;
  if (!good) {
    r.kind = TokenResult::Kind::retry;
    r.error = where + ": " + std::to_string(resp.status) +
              (looks_like_html(resp) ? " with an HTML page" : " without an access_token") + " (retried)";
    return r;
  }
  token_ = json_string(d["access_token"]);
  std::int64_t expires_in = 3600;
  if (d.HasMember("expires_in") && d["expires_in"].IsInt64()) expires_in = d["expires_in"].GetInt64();
  expires_at_ = now + expires_in * 1000;
  r.kind = TokenResult::Kind::ok;
  r.token = token_;
  return r;
}

}  // namespace carewatch::youtube
