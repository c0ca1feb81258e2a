// Recurring issues -> alerts. Ingest groups complaints (daemon/pipeline/ingest.h) and the group
// store records a group that reaches min_mentions complaints from min_authors authors as an
// announcement ({P}:groups:announce); the pipeline cannot raise alerts itself (layering), so this
// watch takes the announcements, raises one recurring_issue alert per group into the sink and
// forgets each announcement only once raise() returned (stored: a crash in between raises again,
// and the alert's key makes that harmless).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "daemon/alerts/alert.h"
#include "daemon/store/group_store.h"
#include "daemon/store/queue_store.h"

namespace carewatch {

struct RecurringWatchOptions {
  std::string instance_id;   // lease token of this daemon; "" takes no lease (tests, one daemon)
  std::chrono::milliseconds lease{std::chrono::seconds(30)};
  size_t samples = 5;        // sample mentions per alert
  size_t top_terms = 3;      // terms in the title
  size_t per_tick = 50;      // announcements handled per tick
  // An announcement is taken once it is this old, so that the batch that made it is stored and
  // its newest mention is among the samples.
  std::chrono::milliseconds settle{std::chrono::seconds(5)};
};

// The alert of a group: key "recurring:<group id>", title "Recurring issue: 14 complaints from
// 11 people about "refund, cancelled flight"", facts (complaints, authors, window, platforms,
// terms) and the sample mentions (newest first). Pure.
Alert recurring_alert(const GroupSummary& group, const std::vector<Mention>& samples, std::chrono::milliseconds window,
                      TimeMs now, size_t top_terms = 3);

// The terms of a title: the most counted first, skipping a word already in a chosen bigram and a
// hashtag whose word is chosen (or the reverse). Pure.
std::vector<std::string> title_terms(const std::vector<std::pair<std::string, std::int64_t>>& terms, size_t n);

class RecurringWatch {
 public:
  RecurringWatch(GroupStore& groups, QueueStore& store, AlertSink& sink, RecurringWatchOptions options = {});
  // Raises the alerts of the groups announced since the last tick (under the lease "recurring",
  // when instance_id is set); returns how many it raised. Call it every few seconds. Throws
  // RedisUnavailable when Redis is away (nothing is lost: the announcements stay).
  size_t tick(TimeMs now);

 private:
  GroupStore& groups_;
  QueueStore& store_;
  AlertSink& sink_;
  RecurringWatchOptions options_;
};

}  // namespace carewatch
