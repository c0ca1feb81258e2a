// The Redis side of the CSV export (GET /v1/export.csv): every stored mention in a range of
// posted time, a page at a time, on the queue store's pool (QueueStore::pool()).
//
//   {P}:mentions:posted         sorted set  every stored mention's uid, scored by posted_at
//                                           (seen_at when unknown); enqueue.lua adds it in the
//                                           same script that stores the hash
//   {P}:mentions:posted:swept   string      the rank the sweep (lua/export_sweep.lua) goes on from
//
// A mention hash expires queues.dedup_ttl after it was stored (or resolved); its member stays in
// the index until the sweep (Maintenance's trimmer, hourly) finds the hash gone; a page skips
// such members. A page is read by one script (lua/export_page.lua), which starts at the cursor's
// rank in O(log N): the memory an export holds is one page, whatever the range.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "daemon/store/redis_pool.h"
#include "mention/common/time.h"

namespace carewatch {

// Where an export stands: the range and the last member examined (score and uid).
struct ExportCursor {
  TimeMs since = 0;           // posted time, inclusive
  TimeMs until = 0;           // exclusive
  std::string after_score;    // "" before the first page
  std::string after_uid;
  bool done = false;          // the range is exhausted
  size_t examined = 0;        // members looked at so far (rows, expired and filtered out ones)
};

// Filters the script applies (on hash fields); "" = any.
struct ExportFilter {
  std::string platform;
  std::string category;
};

// One mention of a page: its uid and the hash fields an export writes (redis_field names:
// json, platform, source, category, priority, queue, state, posted_at, seen_at,
// first_reply_at, resolved_at, resolved_by; a field the hash lacks is absent).
struct ExportRecord {
  std::string uid;
  std::map<std::string, std::string> fields;
};

struct ExportSweep {
  size_t examined = 0;
  size_t removed = 0;
  bool done = false;  // reached the horizon: the next call starts from the oldest again
};

class ExportStore {
 public:
  // `prefix` without braces ("cw"), as QueueStoreOptions::prefix.
  ExportStore(RedisPool& pool, const std::string& prefix);

  // The next page of `cursor`'s range: up to `limit` members examined, those still held and
  // passing `filter` returned in posted-time order. Moves the cursor on; sets cursor.done at the
  // end (an empty page with done false is possible: every member examined was filtered out).
  std::vector<ExportRecord> next_page(ExportCursor& cursor, const ExportFilter& filter, size_t limit);

  // One bounded step of the sweep: up to `budget` members scored below `horizon` examined, those
  // whose mention hash is gone removed.
  ExportSweep sweep_step(TimeMs horizon, size_t budget);
  // Steps until the sweep reaches the horizon or `max_examined` members were looked at.
  ExportSweep sweep(TimeMs horizon, size_t budget = 1000, size_t max_examined = 2'000'000);

  // Members of the index (for tests and metrics).
  std::int64_t indexed();

 private:
  RedisPool& pool_;
  std::string kp_;      // "{prefix}"
  std::string events_;  // "{prefix}:events" (routes the scripts to the team's slot)
  RedisScript page_, sweep_;
};

}  // namespace carewatch
