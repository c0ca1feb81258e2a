// A Bluesky session: the app password exchanged for tokens, kept in memory and refreshed.
//
//   - com.atproto.server.createSession {identifier, password} -> accessJwt (about 2 hours),
//     refreshJwt (about 2 months), did, handle. The PDS allows 30 logins per 5 minutes per
//     account (and 300 a day), so carewatch logs in only when it has no session or its refresh
//     token is refused, and itself never more than kMaxLoginsPer5Min times in 5 minutes.
//   - com.atproto.server.refreshSession (Authorization: Bearer <refreshJwt>) -> a new pair. Done
//     when the access token expires within a minute (its "exp" claim, read from the JWT's payload
//     without verifying it: only the PDS can), or when a request was refused with
//     ExpiredToken / InvalidToken (refused()).
//   - A refused refresh (400 ExpiredToken, 401) logs in again; a refresh that failed otherwise
//     (429, 5xx, no answer) is a failure to retry, and the session is kept.
//
// Failures are JsonFailures (connectors/common/json_fetch.h): createSession's 401 is fatal and
// names options.identifier and options.app_password. The password never appears in a message.
// Thread-safe: polls and reply workers share one session.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/common/json_fetch.h"
#include "connectors/http/http_client.h"
#include "mention/common/time.h"

namespace carewatch::bluesky {

inline constexpr size_t kMaxLoginsPer5Min = 10;

// The "exp" claim of a JWT (seconds since the epoch) as ms, read from its base64url payload without
// verifying it; nullopt when it has none or cannot be read.
std::optional<TimeMs> jwt_expiry(std::string_view jwt);

// The XRPC error name of an answer's body ({"error": "ExpiredToken", "message": ...}), or "".
std::string xrpc_error(const std::string& body);

// Whether an answer refuses the access token: 401, or 400 with ExpiredToken / InvalidToken.
bool refuses_token(const HttpResponse& response);

// What a request needs from the session.
struct Credentials {
  std::string access_jwt;
  std::string did;     // the account's DID (the repo replies are written to)
  std::string handle;  // as the PDS knows it
};

class Session {
 public:
  // `base_url`: options.base_url as parse_base_url reads it (no trailing '/').
  Session(std::string base_url, std::string identifier, std::string password, std::chrono::milliseconds timeout,
          std::shared_ptr<HttpClient> http);

  // Credentials valid for a minute at least: the session's, refreshed or made as needed. `now`:
  // the wall clock. On failure, what went wrong (its message starts "session: ").
  std::optional<JsonFailure> credentials(Credentials& out, TimeMs now);

  // The PDS refused `access_jwt` as expired or invalid: the next credentials() refreshes.
  void refused(const std::string& access_jwt);
  // Forget the session: the next credentials() logs in (after a refresh did not help).
  void drop();

  // Remaining calls of the last login/refresh answer's rate limit, when it said.
  std::optional<double> rate_limit_remaining() const;
  std::size_t logins() const;     // createSession calls made
  std::size_t refreshes() const;  // refreshSession calls made

  // `message` with the tokens and the password replaced (belt and braces).
  std::string redact(std::string message) const;

 private:
  std::optional<JsonFailure> login(TimeMs now);
  std::optional<JsonFailure> refresh(TimeMs now, bool& refused);
  std::optional<JsonFailure> adopt(const rapidjson::Value& doc, const std::string& what, TimeMs now);

  const std::string base_;
  const std::string identifier_;
  const std::string password_;
  const std::chrono::milliseconds timeout_;
  std::shared_ptr<HttpClient> http_;

  mutable std::mutex mutex_;
  std::string access_, refresh_, did_, handle_;
  TimeMs access_expires_ = 0;   // 0: unknown (used until refused)
  TimeMs refresh_expires_ = 0;
  bool stale_ = false;          // the access token was refused: refresh before using it
  std::deque<TimeMs> login_times_;
  std::optional<double> rate_limit_remaining_;
  std::size_t logins_ = 0, refreshes_ = 0;
};

}  // namespace carewatch::bluesky
