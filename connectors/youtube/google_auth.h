// Google's side of the YouTube connector: the reason in Google's error answers, and OAuth access
// tokens from a refresh token (for replies).
//
// Google's API errors: {"error": {"code": 403, "message": "...", "errors": [{"reason":
// "quotaExceeded", "domain": "youtube.quota", "message": "..."}]}}; the reason says what to do.
// The token endpoint (options.token_url): POST grant_type=refresh_token&client_id&client_secret&
// refresh_token (a form), answered {"access_token": "...", "expires_in": 3599, "token_type":
// "Bearer", "scope": "..."}, or {"error": "invalid_grant", "error_description": "Token has been
// expired or revoked."} (400) / {"error": "invalid_client"} (401).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "connectors/http/http_client.h"
#include "mention/common/time.h"

namespace carewatch::youtube {

// error.errors[0].reason of a Google error body ("quotaExceeded", "commentsDisabled", "keyInvalid",
// "forbidden", ...); empty when the body has none.
std::string google_reason(const std::string& body);

// What getting an access token came to.
struct TokenResult {
  enum class Kind { ok, retry, permanent } kind = Kind::retry;
  std::string token;                                     // kind == ok
  std::string error;                                     // otherwise; names the option to fix
  std::optional<std::chrono::milliseconds> retry_after;  // kind == retry, from Retry-After
};

// An access token from the refresh token, refreshed a minute before it expires (expires_in) or
// when the API refused it (invalidate). Thread-safe; never logs or returns a secret in an error.
class AccessToken {
 public:
  AccessToken(std::string token_url, std::string client_id, std::string client_secret, std::string refresh_token,
              std::chrono::milliseconds timeout);

  // The current token, or a new one when there is none or it expires within a minute.
  TokenResult get(HttpClient& http, TimeMs now);
  // Forgets the current token (the API answered 401): the next get asks for a new one.
  void invalidate();
  // How many times a token was asked for (tests, metrics).
  int refreshes() const;

 private:
  const std::string url_, client_id_, client_secret_, refresh_token_;
  const std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::string token_;
  TimeMs expires_at_ = 0;
  int refreshes_ = 0;
};

}  // namespace carewatch::youtube
