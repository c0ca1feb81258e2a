// Configuration "detectors.spikes": the spike detector (daemon/alerts/spike_watch.h). Every key is
// optional; an empty or missing section gives the defaults below (enabled).
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "daemon/config/config_report.h"

namespace carewatch {

struct SpikeConfig {
  bool enabled = true;
  double threshold = 1e-5;         // Poisson upper tail a window's count must fall below
  std::int64_t min_count = 10;     // mentions a window needs at least
  double min_ratio = 2;            // times the baseline a window needs at least
  std::chrono::milliseconds cooldown{std::chrono::hours(1)};           // no new spike of a series within this
  std::chrono::milliseconds history{std::chrono::hours(24 * 28)};      // weeks of counts kept (seasonal baseline)
  std::chrono::milliseconds settle{std::chrono::minutes(1)};           // wait after a bucket ends before judging it
};

// Reads the "spikes" object of "detectors" (`path` is "detectors.spikes"); values the schema
// already checked are trusted; durations are checked here (cooldown >= 5m, history >= 7d, settle
// 0 .. 1h).
void read_spike_config(const rapidjson::Value& spikes, const std::string& path, SpikeConfig& out,
                       ConfigReport& report);

}  // namespace carewatch
