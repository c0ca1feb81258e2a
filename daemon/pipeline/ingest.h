// Ingest: what happens to a batch a connector delivered, before its cursor may be stored.
// Decide every mention with the rules, enqueue the batch (one pipelined round trip), then record
// replies made natively by the brand's own accounts as first responses.
#pragma once

#include <string>
#include <vector>

#include "daemon/store/queue_store.h"
#include "mention/mention.h"
#include "rules/rule_set.h"

namespace carewatch {

struct IngestCounts {
  size_t queued = 0;
  size_t stored = 0;
  size_t duplicates = 0;
  size_t brand_replies = 0;   // native replies recorded as first responses
};

// True when the mention was written by one of the brand's own accounts (case-insensitive; a
// handle without "@instance" matches any instance).
bool is_brand_author(const Mention& m, const std::vector<std::string>& brand_handles);

// Throws RedisUnavailable (from the store) when Redis is away; nothing is half-done in a way
// that loses data: replaying the same batch later is harmless (dedup).
IngestCounts ingest_batch(std::vector<Mention>& batch, const RuleSet& rules, QueueStore& store,
                          const std::vector<std::string>& brand_handles);

}  // namespace carewatch
