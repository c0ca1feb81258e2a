// `carewatch eval-sentiment FILE.tsv`: Pearson correlation of the sentiment compound score with
// human mean ratings (a TSV with a header and columns id, mean_rating, text).
#pragma once

#include <iosfwd>
#include <string>

namespace carewatch {

int run_sentiment_eval(const std::string& tsv_path, std::ostream& out, std::ostream& err);

}  // namespace carewatch
