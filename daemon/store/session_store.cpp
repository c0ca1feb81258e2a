#include "daemon/store/session_store.h"

#include <stdexcept>

namespace carewatch {

extern const char* const kLuaSessionOpen;
extern const char* const kLuaSessionTouch;

namespace {

// A token hash is 64 lower-case hex digits; anything else would let a caller pick the key.
void check_hash(const std::string& h) {
  bool ok = h.size() == 64;
  for (char c : h) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!ok) throw std::invalid_argument("session store: a token hash must be 64 lower-case hex digits");
}

}  // namespace

SessionStore::SessionStore(RedisPool& pool, const std::string& prefix, std::chrono::milliseconds idle)
    : pool_(pool),
      kp_("{" + prefix + "}"),
      events_(kp_ + ":events"),
      idle_(idle),
      open_("session_open", kLuaSessionOpen),
      touch_("session_touch", kLuaSessionTouch) {
  if (prefix.empty() || prefix.find_first_of("{}") != std::string::npos)
    throw std::invalid_argument("session store: prefix must be non-empty and contain no braces");
  if (idle.count() <= 0) throw std::invalid_argument("session store: the idle time must be above 0");
}

std::string SessionStore::key(const std::string& token_hash) const { return kp_ + ":session:" + token_hash; }

TimeMs SessionStore::open(const std::string& token_hash, const std::string& agent, const std::string& csrf) {
  check_hash(token_hash);
  const RedisReply r = pool_.run(open_, {events_}, {kp_, token_hash, agent, csrf, std::to_string(idle_.count())});
  return reply_int(r);
}

std::optional<StoredSession> SessionStore::touch(const std::string& token_hash) {
  check_hash(token_hash);
  const RedisReply r = pool_.run(touch_, {events_}, {kp_, token_hash, std::to_string(idle_.count())});
  if (r.elements.size() < 3) return std::nullopt;
  StoredSession s;
  s.agent = r.elements[0].str;
  s.csrf = r.elements[1].str;
  s.created_at = std::stoll(r.elements[2].str);
  return s;
}

bool SessionStore::end(const std::string& token_hash) {
  check_hash(token_hash);
  return reply_int(pool_.command({"DEL", key(token_hash)})) > 0;
}

}  // namespace carewatch
