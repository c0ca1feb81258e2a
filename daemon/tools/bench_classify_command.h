// `carewatch bench classify`: the full decision (sentiment + complaint model + language + a rule
// set of N rules) on realistic tweet-length texts, on one core; prints mentions/s and peak RSS,
// and the same texts through NLTK's VADER (python3-nltk) in the same run, with the ratio.
#pragma once

#include <cstddef>
#include <iosfwd>

namespace carewatch {

struct BenchClassifyOptions {
  size_t mentions = 200000;
  size_t rules = 1000;
  bool compare_nltk = true;         // skipped with a note when python3 or nltk is missing
  bool decide_only = false;         // time RuleSet::decide alone (to compare two builds quickly)
};

int run_bench_classify(const BenchClassifyOptions& options, std::ostream& out, std::ostream& err);

}  // namespace carewatch
