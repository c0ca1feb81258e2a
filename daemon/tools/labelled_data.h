// Labelled texts from a file, for training and measuring: CSV with a header row (RFC 4180:
// quoted fields may hold commas, line breaks and doubled quotes), TSV with a header row (no
// quoting), or JSONL (one object a line).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/text_model.h"

namespace carewatch {

struct Dataset {  // what a file held: its examples, and what was left out
  std::vector<rules::Example> examples;
  size_t skipped_empty_label = 0;
  std::map<std::string, size_t> skipped_rare;  // labels with too few examples, and their counts
};

// Reads `path` (".jsonl"/".ndjson": JSONL, ".tsv": TSV, anything else CSV): each row's `text_field`, and its
// `label_field` (rows with an empty label are counted in skipped_empty_label). With an empty
// `label_field` every row is kept, with an empty label. false with `error` naming the file, the
// line and what was wrong.
bool load_data(const std::string& path, const std::string& text_field, const std::string& label_field, Dataset& data,
               std::string& error);

// Whitespace trimmed from both ends.
std::string trim(std::string_view s);

}  // namespace carewatch
