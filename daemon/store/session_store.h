// Console sessions in Redis (lua/session_*.lua), on the queue store's pool (QueueStore::pool()).
//
//   {P}:session:<token hash>   hash {agent, csrf, created_at, last_seen} (redis_fields.def), with
//                              a PEXPIRE of the idle time renewed on each use: a session unused
//                              for that long is gone (logged out), one in use lasts
//
// The store is given the hash of the session's token (lower-case hex SHA-256), never the token:
// what Redis holds cannot be presented as a cookie. Making tokens and hashing them is the API's
// (daemon/api/session_token.h).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "daemon/store/redis_pool.h"
#include "mention/common/time.h"

namespace carewatch {

struct StoredSession {
  std::string agent;
  std::string csrf;
  TimeMs created_at = 0;
};

class SessionStore {
 public:
  // `prefix` without braces ("cw"), as QueueStoreOptions::prefix; `idle`: the idle expiry (> 0).
  SessionStore(RedisPool& pool, const std::string& prefix, std::chrono::milliseconds idle);

  // A new session for `agent` under `token_hash`; returns its created_at (Redis time).
  TimeMs open(const std::string& token_hash, const std::string& agent, const std::string& csrf);
  // The session, its idle expiry renewed; nullopt when it expired or was ended.
  std::optional<StoredSession> touch(const std::string& token_hash);
  // Ends the session; false when there was none.
  bool end(const std::string& token_hash);

  std::chrono::milliseconds idle() const { return idle_; }
  // "{P}:session:<token hash>"
  std::string key(const std::string& token_hash) const;

 private:
  RedisPool& pool_;
  std::string kp_;      // "{P}"
  std::string events_;  // "{P}:events": KEYS[1] of every script (the team's slot)
  std::chrono::milliseconds idle_;
  RedisScript open_, touch_;
};

}  // namespace carewatch
