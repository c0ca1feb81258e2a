// The bearer token of App Store Connect API requests (replies): an ES256 JWT that the API key
// signs itself, no token endpoint. Header {"alg":"ES256","kid":<key_id>,"typ":"JWT"}, claims
// {"iss":<issuer_id>,"iat":<now>,"exp":<now + 15 minutes>,"aud":"appstoreconnect-v1"} (Apple
// refuses tokens that live longer than 20 minutes). A token is reused for 10 minutes, then a new
// one is signed. The private key is read (options.private_key, or the file at
// options.private_key_path) and checked when the first token is made, so a configuration whose
// "${ENV}" is not set still passes check-config; a key that cannot sign is an error naming the
// option, never quoting the key.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "connectors/appstore/options.h"

namespace carewatch::appstore {

class ConnectToken {
 public:
  explicit ConnectToken(const AppStoreOptions& options);

  // "Bearer"-ready token valid at `now_s` (seconds since the epoch) for at least 5 minutes, or
  // nullopt with `error` naming the option at fault.
  std::optional<std::string> get(std::int64_t now_s, std::string& error);
  // Forgets the cached token (after a 401), so the next get() signs a new one.
  void reset();

  static constexpr std::int64_t kLifetime = 15 * 60;  // exp - iat
  static constexpr std::int64_t kReuse = 10 * 60;     // a token is signed again after this

 private:
  std::string issuer_id_, key_id_;
  std::optional<std::string> key_text_;
  std::optional<OptionPath> key_path_;
  std::mutex mutex_;
  std::string token_;
  std::int64_t made_at_ = 0;
};

}  // namespace carewatch::appstore
