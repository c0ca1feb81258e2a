#include "connectors/reddit/oauth.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>

#include "connectors/common/json_fetch.h"
#include "connectors/common/json_text.h"
#include "mention/common/url.h"

namespace carewatch::reddit {

using text::json_string;

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string refused_token_hint() {
  return "Reddit refused a token it had just issued: check that options.client_id and options.client_secret are "
         "those of an app of type \"script\" (https://www.reddit.com/prefs/apps), that options.username is one of "
         "its developers, and that the account may read what is asked (a private or banned subreddit answers 403)";
}

TokenSource::TokenSource(Credentials credentials, std::shared_ptr<HttpClient> http)
    : c_(std::move(credentials)), http_(std::move(http)) {}

std::uint64_t TokenSource::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

TokenResult TokenSource::get(TimeMs now, const std::string& refused) {
  std::lock_guard lock(mutex_);
  const bool expiring = now + margin_ >= expires_at_;
  if (!token_.empty() && !expiring && (refused.empty() || refused != token_)) return TokenResult{token_, false, {}};
  return fetch(now);
}

TokenResult TokenSource::fetch(TimeMs now) {
  TokenResult r;
  token_.clear();
  expires_at_ = 0;
  HttpRequest req;
  req.method = "POST";
  req.url = c_.auth_url + "/api/v1/access_token";
  req.timeout = c_.timeout;
  req.headers.emplace_back("Authorization", "Basic " + base64(c_.client_id + ":" + c_.client_secret));
  req.headers.emplace_back("User-Agent", c_.user_agent);
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.body = encode_query({{"grant_type", "password"}, {"username", c_.username}, {"password", c_.password}});
  ++requests_;
  JsonAnswer answer;
  const std::string label = "reddit token";
  if (auto failure = fetch_json(*http_, req, label, answer, now)) {
    if (failure->status == 401 || failure->status == 403)
      failure->error.message += " (Reddit refused options.client_id / options.client_secret: use the id and secret "
                                "of an app of type \"script\" from https://www.reddit.com/prefs/apps)";
    else if (failure->error.kind == PollError::Kind::fatal)
      failure->error.message += " (is options.auth_url Reddit's, e.g. \"https://www.reddit.com\"?)";
    r.error = std::move(failure->error);
    return r;
  }
  const auto& d = answer.doc;
  const std::string where = label + ": POST " + req.url;
  if (d.IsObject()) {
    if (const auto e = d.FindMember("error"); e != d.MemberEnd() && e->value.IsString()) {
      const std::string code = json_string(e->value);
      std::string fix;
      if (code == "invalid_grant")
        fix = "check options.username and options.password (an account with two-factor authentication cannot use "
              "the password grant)";
      else if (code == "unauthorized_client" || code == "unsupported_grant_type")
        fix = "the app must be of type \"script\" to use the password grant (https://www.reddit.com/prefs/apps)";
      else
        fix = "check options.client_id, options.client_secret, options.username and options.password";
      r.error = PollError{PollError::Kind::fatal, where + ": Reddit refused the password grant (" + code + "): " + fix,
                          std::nullopt};
      return r;
    }
  }
  const auto tok = d.IsObject() ? d.FindMember("access_token") : d.MemberEnd();
  if (!d.IsObject() || tok == d.MemberEnd() || !tok->value.IsString() || tok->value.GetStringLength() == 0) {
    r.error = PollError{PollError::Kind::retry, where + ": access_token: expected a string in the answer", std::nullopt};
    return r;
  }
  double expires_in = 3600;  // when Reddit does not say: the shortest it has used
  if (const auto e = d.FindMember("expires_in"); e != d.MemberEnd() && e->value.IsNumber())
    expires_in = std::clamp(e->value.GetDouble(), 0.0, 365.0 * 86400);
  token_ = json_string(tok->value);
  const auto lifetime = static_cast<TimeMs>(std::llround(expires_in * 1000));
  expires_at_ = now + lifetime;
  margin_ = std::min<TimeMs>(std::chrono::duration_cast<std::chrono::milliseconds>(kRefreshMargin).count(), lifetime / 2);
  r.token = token_;
  r.fresh = true;
  return r;
}

}  // namespace carewatch::reddit
