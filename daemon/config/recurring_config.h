// detectors.recurring: recurring issues, complaints grouped by what they share (see
// daemon/store/group_store.h and rules/complaint_groups.h); each option's description is in
// config/schema/config.schema.json.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <cstddef>

#include "daemon/config/config_report.h"
#include "daemon/store/group_store.h"

namespace carewatch {

struct RecurringConfig {
  bool enabled = true;
  std::chrono::milliseconds window{std::chrono::hours(2)};
  size_t min_mentions = 5;   // N
  size_t min_authors = 3;    // M
  int bands = 32;            // LSH bands of a complaint's MinHash signature
  int rows = 2;              // MinHash values per band
  int min_band_hits = 2;     // shared bands to join a group
};

// Reads the "recurring" object of "detectors" (already checked against the schema); errors name
// their path ("detectors.recurring.window: ...").
void read_recurring(const rapidjson::Value& recurring, RecurringConfig& out, ConfigReport& report);

// The group store's options of this configuration (window, N, M, band hits).
GroupStoreOptions group_store_options(const RecurringConfig& c);

}  // namespace carewatch
