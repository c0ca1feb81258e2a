#include "rules/priority.h"

#include <algorithm>
#include <cmath>

namespace carewatch::rules {

bool has_urgent_tag(const PriorityConfig& c, const std::vector<std::string>& tags) {
  return std::any_of(tags.begin(), tags.end(), [&](const std::string& t) {
    return std::find(c.urgent_tags.begin(), c.urgent_tags.end(), t) != c.urgent_tags.end();
  });
}

PriorityScore score_priority(const PriorityConfig& c, double complaint_score, double compound,
                             std::int64_t followers, bool verified, bool urgent) {
  PriorityScore p;
  p.computed = true;
  p.complaint = c.complaint * std::clamp(complaint_score, 0.0, 1.0);
  p.negative = c.negative * std::clamp(-compound, 0.0, 1.0);
  const double reach = std::log10(1.0 + static_cast<double>(std::max<std::int64_t>(0, followers))) / 6.0;
  p.reach = c.reach * std::min(1.0, reach);
  p.verified = verified ? c.verified : 0.0;
  p.urgent = urgent ? c.urgent : 0.0;
  p.score = p.complaint + p.negative + p.reach + p.verified + p.urgent;
  p.priority = p.score >= c.p0 ? 0 : p.score >= c.p1 ? 1 : p.score >= c.p2 ? 2 : 3;
  return p;
}

}  // namespace carewatch::rules
