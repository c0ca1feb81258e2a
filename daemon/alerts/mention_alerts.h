// The alerts about one mention, built from what the mention holds (pure): an urgent mention, and
// an SLA warning or breach. Titles and details are plain text; channels escape them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/alerts/alert.h"
#include "mention/mention.h"

namespace carewatch {

// "12", "1.2k", "34k", "1.5M": a follower count as people read it.
std::string short_count(std::int64_t n);
// "14m", "2h 05m", "3d 4h", "-12m" (overdue): a span as people read it.
std::string short_span(std::int64_t ms);

// p0, or a tag of `urgent_tags`: key "urgent:<uid>". `why_tag` names the tag that made it urgent
// when the priority did not.
Alert urgent_alert(const Mention& m, std::optional<std::int64_t> sla_remaining_ms, TimeMs now,
                   const std::string& why_tag = "");

// An SLA threshold passed: kind sla_warning (fraction < 1) or sla_breach. `target` names the SLA
// target ("first_response", "next_response", "resolution"), `target_ms` its length. Key
// "sla:<uid>:<target>:<fraction>".
Alert sla_alert(const Mention& m, const std::string& queue, int priority, const std::string& target,
                double fraction, std::int64_t target_ms, std::optional<std::int64_t> sla_remaining_ms, TimeMs now);

}  // namespace carewatch
