// `carewatch classify`: mentions in, decisions out, no Redis — to try rules on real text.
#pragma once

#include <iosfwd>

#include "rules/rule_set.h"

namespace carewatch {

// Reads mentions as JSONL from `in` ({"id": ..., "text": ..., optional "platform", "author",
// "language", ...}; see mention/mention_json.h) and writes one JSON decision per line to `out`:
//   {"id": ..., "category": ..., "priority": N, "queue": ..., "tags": [...], "rules": [...]}
// "id" is the mention's "id" (or its uid without the platform prefix), null if it has none.
// Blank lines are skipped. A bad line writes `line N: <error>` to `err` and
// {"id": <id or null>, "error": "..."} to `out`, and processing continues.
// Returns 0, or 1 if any line failed.
int run_classify(std::istream& in, std::ostream& out, std::ostream& err, const RuleSet& rules);

}  // namespace carewatch
