// Labelled texts for a tiny issue-type model ("billing", "onboard") that tests train on the spot.
#pragma once

#include <string>
#include <vector>

#include "rules/text_model.h"

namespace carewatch::testing {

inline std::vector<rules::Example> issue_examples() {
  std::vector<rules::Example> examples;
  for (int i = 0; i < 20; ++i) {
    examples.push_back({"I was billed twice on my invoice and the charge is wrong " + std::to_string(i), "billing"});
    examples.push_back({"the seat was dirty and the crew was slow on board " + std::to_string(i), "onboard"});
  }
  return examples;
}

}  // namespace carewatch::testing
