// Reddit OAuth2 for a "script" app (the password grant):
//   POST <auth_url>/api/v1/access_token
//   Authorization: Basic base64(<client_id>:<client_secret>)
//   grant_type=password&username=<username>&password=<password>
// answers {"access_token": "...", "token_type": "bearer", "expires_in": 86400, "scope": "*"}.
// Reddit answers a wrong password with 200 {"error": "invalid_grant"}, an app that is not a
// script with {"error": "unauthorized_client"}, and a wrong client id or secret with 401.
//
// TokenSource keeps the token: fetched on first use, fetched anew kRefreshMargin before it
// expires (half its lifetime before, for a token that lives less than twice the margin) and when the API refused it (401/403); thread-safe (polls and replies share it). A
// token request is never answered from a message: the secrets, the password and the token are
// never part of one.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "mention/common/time.h"

namespace carewatch::reddit {

inline constexpr std::chrono::minutes kRefreshMargin{5};

std::string base64(std::string_view bytes);

struct Credentials {
  std::string auth_url;  // no trailing '/'
  std::string client_id, client_secret, username, password, user_agent;
  std::chrono::milliseconds timeout{10000};
};

// A token to use, or why there is none.
struct TokenResult {
  std::string token;                  // set on success
  bool fresh = false;                 // fetched by this call
  std::optional<PollError> error;     // fatal: names what to fix; retry: the token endpoint failed
};

class TokenSource {
 public:
  TokenSource(Credentials credentials, std::shared_ptr<HttpClient> http);

  // The current token, fetched anew when there is none, when it expires within kRefreshMargin
  // of `now`, or when `refused` is the token the API just refused.
  TokenResult get(TimeMs now, const std::string& refused = "");

  // Token requests made (for tests and the README's cost figures).
  std::uint64_t requests() const;

 private:
  TokenResult fetch(TimeMs now);

  const Credentials c_;
  std::shared_ptr<HttpClient> http_;
  mutable std::mutex mutex_;
  std::string token_;
  TimeMs expires_at_ = 0;
  TimeMs margin_ = 0;  // refreshed this long before expires_at_
  std::uint64_t requests_ = 0;
};

// "<what is wrong>: check ..." for an API answer 401/403 to a token that was just fetched.
std::string refused_token_hint();

}  // namespace carewatch::reddit
