// The alert outbox in Redis (the lua/alert_*.lua scripts; layout in lua/alert_raise.lua):
//   {P}:al:e:<id>          hash    one alert for one channel (AF fields of redis_fields.def)
//   {P}:al:q:<channel>     zset    the channel's entries, scored by when each is due (ms)
//   {P}:al:k:<ch>:<key>    string  SET NX EX dedup_ttl: an alert key is stored once per channel
//   {P}:al:seq             counter entry ids
// An entry stays until it is delivered (or fails for good): a restart loses none. A sender takes
// entries with a sending lease (like the reply outbox): several daemons on one Redis never hold
// the same entry at once, and an entry whose sender died is taken again after the lease. The
// store knows alerts only as JSON text (daemon/alerts/alert_json.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/store/redis_pool.h"
#include "mention/common/time.h"

namespace carewatch {

struct TakenAlert {
  std::string id;
  std::string json;
  std::int64_t attempts = 0;  // counting this one
  TimeMs raised_at = 0;
  bool retaken = false;       // an earlier sender held it and its lease ran out
};

class AlertStore {
 public:
  // `prefix` as QueueStoreOptions::prefix ("cw"; keys are "{cw}:al:...").
  AlertStore(RedisPool& pool, std::string prefix, std::chrono::seconds dedup_ttl);

  // Stores `json` once per channel under `key`. One flag per channel, in order: true when
  // stored, false when that channel already had the key (deduplicated). Throws
  // RedisUnavailable when Redis is away.
  std::vector<bool> raise(const std::string& key, const std::string& json, const std::vector<std::string>& channels);

  // Takes up to `max` due entries of `channel`, oldest first, for `token`.
  std::vector<TakenAlert> take(const std::string& channel, const std::string& token,
                               std::chrono::milliseconds sending_lease, size_t max);
  // Delivered, folded into a delivered digest, or failed for good: removed. Returns how many of
  // `ids` were still held by `token`.
  size_t finish(const std::string& channel, const std::string& token, const std::vector<std::string>& ids);
  // Due again after `wait` with `error`; `attempted` false: the attempt is not counted.
  size_t retry(const std::string& channel, const std::string& token, const std::vector<std::string>& ids,
               std::chrono::milliseconds wait, const std::string& error, bool attempted = true);

  std::int64_t depth(const std::string& channel);  // entries waiting or being sent

 private:
  RedisReply run(RedisScript& s, std::vector<std::string> args);
  size_t done(const std::string& channel, const std::string& token, const char* outcome, std::chrono::milliseconds wait,
              const std::string& error, const std::vector<std::string>& ids);

  RedisPool& pool_;
  std::string kp_;  // "{prefix}"
  std::chrono::seconds dedup_ttl_;
  RedisScript raise_, take_, done_;
};

}  // namespace carewatch
