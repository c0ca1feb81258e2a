// detectors.sources: alerts on silent and broken sources (daemon/alerts/source_watch.h).
//
//   "detectors": {"sources": {
//     "enabled": true,          // false: no source alerts at all
//     "down_after": "15m",      // polls failing (or paused: Redis away) this long: source_down
//     "silent_factor": 6,       // silent after this many times its usual gap without a new mention
//     "silent_floor": "2h",     // ... but never sooner than this
//     "min_history": 20,        // gaps learnt (over at least a day) before silence can alarm
//     "overrides": {"appstore-us": {"silent_after": "3d"}, "replay": {"enabled": false}}
//   }}
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config/config_report.h"

namespace carewatch {

// One source's own settings (detectors.sources.overrides.<source>).
struct SourceWatchOverride {
  std::optional<bool> enabled;
  std::optional<std::chrono::milliseconds> down_after;
  std::optional<std::chrono::milliseconds> silent_after;  // fixed, instead of the learnt limit
};

struct SourceWatchConfig {
  bool enabled = true;
  std::chrono::milliseconds down_after{std::chrono::minutes(15)};
  double silent_factor = 6;
  std::chrono::milliseconds silent_floor{std::chrono::hours(2)};
  std::size_t min_history = 20;
  std::map<std::string, SourceWatchOverride> overrides;  // by source name
};

// Reads the section at `path` ("detectors.sources"), already checked against the schema (invalid
// members were dropped and reported). `source_names`: the configured sources, which overrides
// must name. Errors go to `report` as "path: expected ..., got ...".
void read_source_watch(const rapidjson::Value& section, const std::string& path,
                       const std::vector<std::string>& source_names, SourceWatchConfig& out, ConfigReport& report);

}  // namespace carewatch
