// `carewatch classify`: mentions in, decisions out, no Redis — to try rules on real text.
#pragma once

#include <iosfwd>
#include <string>

#include "rules/rule_set.h"

namespace carewatch {

struct ClassifyOptions {
  // Flush `out` after every line (interactive use). Off: output goes out in 64 KB blocks.
  bool flush_each_line = false;
};

// Reads mentions as JSONL from `in` ({"id": ..., "text": ..., optional "platform", "author",
// "language", ...}; see mention/mention_json.h) and writes one JSON decision per line to `out`:
//   {"id": ..., "category": ..., "priority": N, "queue": ..., "tags": [...], "rules": [...],
//    "sentiment": {"compound", "pos", "neu", "neg"}, "complaint_score": 0..1, "language": ...,
//    "explain": {"rules": [...], "base_category": ..., "scores": {"sentiment.compound",
//                "complaint_score", "model.<name>.<label>"..., "priority": {"score", "complaint",
//                "negative", "reach", "verified", "urgent", "formula"}},
//                "complaint_words": [{"feature", "weight"}...]}}
// "id" is the mention's "id" (or its uid without the platform prefix), null if it has none.
// Blank lines are skipped. A bad line writes `line N: <error>` to `err` and
// {"id": <id or null>, "error": "..."} to `out`, and processing continues.
// Returns 0, or 1 if any line failed.
int run_classify(std::istream& in, std::ostream& out, std::ostream& err, const RuleSet& rules,
                 const ClassifyOptions& options);
// As above; flushes every line only when `out` is std::cout and standard output is a terminal.
int run_classify(std::istream& in, std::ostream& out, std::ostream& err, const RuleSet& rules);

// `carewatch classify [--config F | --rules R]`: the rules of `rules_path`, else those of the
// configuration at `config_path`, else the built-in rules. Exit 2 (with the error on `err`) when
// they cannot be loaded.
int run_classify_command(const std::string& config_path, const std::string& rules_path, std::istream& in,
                         std::ostream& out, std::ostream& err);

}  // namespace carewatch
