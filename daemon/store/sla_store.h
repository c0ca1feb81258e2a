// The Redis side of SLA timers (lua/sla_*.lua), on the queue store's pool (QueueStore::pool()).
//
//   {P}:sla:open           sorted set  queued mentions whose SLA clocks the watch looks at, scored
//                                      by when to look next (enqueue.lua adds each queued mention,
//                                      due at once); a mention leaves when no clock of it runs
//   {P}:sla:due:<queue>    sorted set  mentions with a running clock, scored by the breach instant
//                                      of the nearest (the response clock while it runs): the
//                                      at-risk list; a mention leaves when no clock runs
//   MF.sla_fired (in {P}:m:<uid>)      the thresholds already written as events (exactly once)
//   {P}:sla:breaches       sorted set  every breach written (sla_update.lua, in the script that
//   {P}:sla:breaches:<queue>           writes its event), scored by the breach instant; each
//                                      member a JSON object (uid, queue, priority, platform,
//                                      target, target_ms, elapsed_ms); the newest 10000 of the
//                                      last 31 days of each set are kept
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/store/redis_pool.h"
#include "mention/common/time.h"

namespace carewatch {

struct SlaDue {
  std::string uid;
  std::map<std::string, std::string> state;  // the mention hash
};

// A threshold to write as an event (sla_update.lua).
struct SlaFire {
  bool breach = false;       // sla_breached; else sla_warning
  std::string target;        // first_response | next_response | resolution
  std::string fraction;      // "0.5"; "1" for a breach
  TimeMs at = 0;             // the instant it was reached
  long long target_ms = 0;
  long long elapsed_ms = 0;
  bool response_clock = true;  // false: the resolution clock (stops at resolved_at only)
};

struct SlaRiskRow {
  std::string uid;
  std::string queue;
  TimeMs deadline = 0;       // the score: the breach instant as the watch last computed it
  std::map<std::string, std::string> state;
};

// A breach as sla_update.lua kept it, with the mention's JSON when it is still held.
struct SlaBreach {
  std::string uid, queue, platform, target;
  int priority = 0;
  TimeMs at = 0;             // the instant the target was breached
  long long target_ms = 0;
  long long elapsed_ms = 0;  // business time elapsed when the watch wrote it
  std::string mention_json;  // "" once the mention has expired
};

class SlaStore {
 public:
  // `prefix` without braces ("cw"), as QueueStoreOptions::prefix.
  SlaStore(RedisPool& pool, const std::string& prefix);

  // Up to `limit` mentions due at `now`, each held for `hold` (another watch skips it meanwhile).
  std::vector<SlaDue> take_due(TimeMs now, size_t limit, std::chrono::milliseconds hold);

  // Writes the thresholds' events (each once per mention, target and fraction; a reply that
  // raced in wins), then reschedules the mention: next look at `next_look` (nullopt: it leaves
  // the open set), at-risk deadline `due` (nullopt: it leaves its queue's at-risk set). Returns,
  // per threshold, whether this call wrote it.
  std::vector<bool> update(const std::string& uid, const std::string& queue, TimeMs now, std::optional<TimeMs> next_look,
                           std::optional<TimeMs> due, const std::vector<SlaFire>& fires);

  // The `limit` most urgent members of each of `queues`' at-risk sets, with their hashes (not
  // merged, not re-evaluated).
  std::vector<SlaRiskRow> at_risk(const std::vector<std::string>& queues, size_t limit);

  // The newest `limit` breaches at or after `since` of `queue` ("" = every queue), newest first.
  std::vector<SlaBreach> breaches(const std::string& queue, TimeMs since, size_t limit);

  // Members of {P}:sla:open (for metrics).
  std::int64_t open_count();

 private:
  RedisPool& pool_;
  std::string kp_;      // "{prefix}"
  std::string events_;  // "{prefix}:events"
  RedisScript take_, update_, at_risk_, breaches_;
};

}  // namespace carewatch
