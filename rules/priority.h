// The priority formula: how urgent a mention is from its scores, its author's reach and the
// urgency tags rules gave it. Configured by the "priority" object of a rules file:
//
//   score = complaint * complaint_score
//         + negative  * max(0, -sentiment.compound)
//         + reach     * min(1, log10(1 + followers) / 6)     (1 at a million followers)
//         + verified  * (author verified ? 1 : 0)
//         + urgent    * (one of urgent_tags present ? 1 : 0)
//   p0 if score >= p0, p1 if score >= p1, p2 if score >= p2, else p3.
//
// Rule "priority" actions and "escalate" apply after the formula (see rule_set.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mention/mention.h"

namespace carewatch::rules {

struct PriorityConfig {
  // Weights.
  double complaint = 0.6;
  double negative = 0.3;
  double reach = 0.2;
  double verified = 0.1;
  double urgent = 0.6;
  // Thresholds, p0 >= p1 >= p2.
  double p0 = 1.0;
  double p1 = 0.7;
  double p2 = 0.4;
  std::vector<std::string> urgent_tags;
};

// True if one of `tags` is one of the config's urgent_tags.
bool has_urgent_tag(const PriorityConfig& config, const std::vector<std::string>& tags);

// The formula; `urgent`: the mention has an urgent tag (has_urgent_tag of its tags, which a rule
// set knows per rule from its tags when it loads).
PriorityScore score_priority(const PriorityConfig& config, double complaint_score, double compound,
                             std::int64_t followers, bool verified, bool urgent);

}  // namespace carewatch::rules
