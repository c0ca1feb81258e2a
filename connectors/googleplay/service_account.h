// Google service-account auth (OAuth 2.0 for server-to-server, the JWT bearer grant): the JSON key
// ("client_email", "private_key", "private_key_id") signs an RS256 JWT {"iss": client_email,
// "scope": "https://www.googleapis.com/auth/androidpublisher", "aud": token_url, "iat": now,
// "exp": now + 3600} (header "kid": private_key_id), which POST token_url
// (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<jwt>) exchanges for
// {"access_token", "expires_in"}. The access token is kept and used until 5 minutes before it
// expires, then a new one is asked for; invalidate() drops it (after a 401).
//
// The key is read (options.service_account_key, or the file at service_account_key_path) and
// checked on the first token request: a key that is not a service-account JSON key, or whose
// private key cannot sign, is a fatal error naming the option; the token endpoint refusing the
// grant (400 invalid_grant, 401) is fatal naming the service account; 429, 5xx and transport
// errors are retried. No message quotes the key, the JWT or the access token.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "connectors/connector.h"
#include "connectors/googleplay/options.h"
#include "connectors/http/http_client.h"

namespace carewatch::googleplay {

inline constexpr const char* kScope = "https://www.googleapis.com/auth/androidpublisher";

class ServiceAccountToken {
 public:
  ServiceAccountToken(const GooglePlayOptions& options, std::shared_ptr<HttpClient> http);

  // An access token valid at `now_ms` for at least 5 minutes, or nullopt with `error` (fatal or
  // retry, see above).
  std::optional<std::string> get(std::int64_t now_ms, PollError& error);
  // Drops the cached token: the next get() asks for a new one.
  void invalidate();
  // The service account's email (the key's client_email) once the key was read, else "".
  std::string client_email() const;
  // Token requests made (for tests and metrics).
  int token_requests() const;

  static constexpr std::int64_t kLifetimeS = 3600;     // the JWT's exp - iat
  static constexpr std::int64_t kRefreshEarlyMs = 5 * 60 * 1000;

 private:
  bool load_key(PollError& error);

  const GooglePlayOptions opt_;
  std::shared_ptr<HttpClient> http_;
  mutable std::mutex mutex_;
  bool key_loaded_ = false;
  std::string client_email_, private_key_, private_key_id_;
  std::string access_token_;
  std::int64_t expires_at_ms_ = 0;
  int token_requests_ = 0;
};

}  // namespace carewatch::googleplay
