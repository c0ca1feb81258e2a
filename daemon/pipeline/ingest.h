// Ingest: what happens to a batch a connector delivered, before its cursor may be stored.
// Decide every mention with the rules, enqueue the batch (one pipelined round trip), then record
// the replies made natively by the brand's own accounts (QueueStore::record_native_reply): the
// earliest reply to a mention is its first response, whatever order replies and mentions come in.
#pragma once

#include <string>
#include <vector>

#include "daemon/store/group_store.h"
#include "daemon/store/queue_store.h"
#include "daemon/store/volume_store.h"
#include "mention/mention.h"
#include "rules/complaint_signature.h"
#include "rules/rule_set.h"

namespace carewatch {

struct IngestCounts {
  size_t queued = 0;
  size_t stored = 0;
  size_t duplicates = 0;
  // Native replies by the brand's accounts recorded by this batch: applied to their mention, or kept
  // until it arrives. Not counted: posts carewatch made itself, replies recorded before (a replayed page).
  size_t brand_replies = 0;
  // Of those, the ones that became their mention's first response (or replaced a later one).
  size_t brand_first_responses = 0;
  // What became of each mention of the batch, in order (duplicate for a mention stored before).
  std::vector<EnqueueOutcome> outcomes;
  // Recurring issues (with a ComplaintGrouping): complaints put in a group, and groups this batch
  // made reach their thresholds (announced for daemon/alerts/recurring_watch.h).
  size_t grouped = 0;
  size_t groups_announced = 0;
};

// Recurring issues at ingest: the complaints of a batch are grouped (one round trip) after the
// rules decided them and before they are stored, so the stored mention carries its cluster (id,
// size, authors) and the rules, run again on grouped complaints, see cluster.size.
struct ComplaintGrouping {
  GroupStore* groups = nullptr;     // nullptr: no grouping
  rules::SignatureParams signature;
};

// The brand's own terms, never counted as words of the marketing figures: the handles' local
// parts, lowercase ("@Acme@mastodon.social" -> "acme").
std::vector<std::string> brand_terms(const std::vector<std::string>& brand_handles);
// What the marketing figures count of a decided mention beyond its fields: the sentiment band
// by the rules' threshold, the words (without `brand_terms`) and hashtags of its text.
VolumeFacts volume_facts(const Mention& m, const RuleSet& rules, const std::vector<std::string>& brand_terms);

// True when the mention was written by one of the brand's own accounts (case-insensitive; a
// handle without "@instance" matches any instance).
bool is_brand_author(const Mention& m, const std::vector<std::string>& brand_handles);

// Throws RedisUnavailable (from the store) when Redis is away; nothing is half-done in a way
// that loses data: replaying the same batch later is harmless (dedup). Every brand reply of the
// batch is recorded, also one whose own enqueue was a duplicate (a crash between the enqueue and
// the recording of a replayed batch loses nothing; each reply is recorded once).
IngestCounts ingest_batch(std::vector<Mention>& batch, const RuleSet& rules, QueueStore& store,
                          const std::vector<std::string>& brand_handles);
// The same, grouping complaints into recurring issues first (when grouping.groups is set).
// Without grouping the rules decide each chunk while Redis stores the previous one; with it the
// whole batch is decided and grouped before the enqueue (the cluster must be in what is stored).
IngestCounts ingest_batch(std::vector<Mention>& batch, const RuleSet& rules, QueueStore& store,
                          const std::vector<std::string>& brand_handles, const ComplaintGrouping& grouping);

}  // namespace carewatch
