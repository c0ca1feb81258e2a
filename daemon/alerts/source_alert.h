// The alerts of the source watch: what a source_down, source_silent or source_recovered alert
// says (title, detail, facts), from the source's health and the transition decided. Pure.
#pragma once

#include <string>

#include "daemon/alerts/alert.h"
#include "daemon/alerts/source_health.h"

namespace carewatch {

// `type`: the source's connector type (also the alert's platform, what routes filter on).
Alert source_alert(const std::string& source, const std::string& type, const SourceHealth& health,
                   const SourceTransition& t, TimeMs now);

}  // namespace carewatch
