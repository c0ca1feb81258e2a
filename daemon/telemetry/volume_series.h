// The marketing screen's figures from the volume aggregates (daemon/store/volume_store.h): the
// series of GET /v1/stats/volume and the JSON of it and of GET /v1/stats/top. Pure: the store
// reads, this counts.
//
// Every filter combination is answered: each counted field names all of a mention's dimensions
// (platform, category, sentiment, language and, in the per-tag hashes, one tag), so any filter
// and any `by` select and group the same fields. Only a tag (as `by` or as a filter) needs the
// per-tag hashes, where a mention counts once per tag.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/spike_store.h"
#include "daemon/store/volume_store.h"
#include "mention/common/time.h"

namespace carewatch {

enum class VolumeBy { platform, category, sentiment, language, tag };
std::optional<VolumeBy> volume_by_from_string(std::string_view s);
const char* to_string(VolumeBy by);

// One counted field split into its parts; tag is empty in the base hashes.
struct VolumeCell {
  std::string_view platform, category, sentiment, language, tag;
};
// False for a field that is not "<platform>|<category>|<sentiment>|<language>" (tagged: plus
// "|<tag>"; the tag may itself hold no '|', every part is written without one).
bool parse_volume_field(std::string_view field, bool tagged, VolumeCell& out);

// The filters of /v1/stats/volume, as written in the figures (VolumeStore::field_part); unset: any.
struct VolumeFilter {
  std::optional<std::string> platform, category, sentiment, language, tag;
  bool needs_tags() const { return tag.has_value(); }
  bool matches(const VolumeCell& c) const;
};

struct VolumeSeries {
  std::string key;
  long long total = 0;
  std::vector<std::pair<TimeMs, long long>> points;  // every point of the window, zeros included
};

// The window a volume query is answered for, from what the aggregates hold at `now`: since rounded
// down and until up to the hour, to the day where that end is older than
// VolumeStore::kHoursReliable (its hours may be gone).
std::pair<TimeMs, TimeMs> volume_window(TimeMs since, TimeMs until, TimeMs now);
// The fewest hour and day blocks that cover [since, until) (aligned to hours); a day only where
// `whole_days` (each day then falls in one point: the step is a multiple of a day), in time order.
std::vector<VolumeStore::Block> volume_blocks(TimeMs since, TimeMs until, bool whole_days);
// The UTC days [since, until) touches, their starts in order.
std::vector<TimeMs> volume_days(TimeMs since, TimeMs until);

// The series of a window [since, until) (aligned: volume_window) in points of `step` ms (a
// multiple of an hour). Points are aligned to multiples of the step since the epoch (UTC), the
// first at or before since; a block counts in the point its start falls in.
class VolumeSeriesBuilder {
 public:
  VolumeSeriesBuilder(VolumeBy by, VolumeFilter filter, TimeMs since, TimeMs until, TimeMs step);
  bool tagged() const { return by_ == VolumeBy::tag || filter_.needs_tags(); }
  size_t points() const { return points_; }
  TimeMs first() const { return first_; }
  // A field of the block starting at `start` counted `n` times.
  void add(TimeMs start, std::string_view field, long long n);
  // Most mentions first, then by key.
  std::vector<VolumeSeries> series() const;

 private:
  VolumeBy by_;
  VolumeFilter filter_;
  TimeMs step_, first_;
  size_t points_;
  std::map<std::string, std::vector<long long>, std::less<>> counts_;
};

// The spikes a volume chart with `filter` marks: a spike counts a platform and category or a
// tag, so it is taken when every filter given names what it counts (a filter on a dimension it
// lacks, like sentiment or language, does not take it: the same rule as alert routes).
bool volume_spike_taken(const SpikeStore::Mark& spike, const VolumeFilter& filter);

std::string volume_json(const std::vector<VolumeSeries>& series, VolumeBy by, TimeMs since, TimeMs until,
                        TimeMs step, const std::vector<SpikeStore::Mark>& spikes = {});

// GET /v1/stats/top: the mentions and complaints of the window and the top lists of its days.
struct TopFigures {
  TimeMs since = 0, until = 0;            // the window of total and complaints
  TimeMs lists_since = 0, lists_until = 0;  // the whole days of the lists
  long long total = 0, complaints = 0;
  TopLists lists;
};
std::string top_json(const TopFigures& t);

}  // namespace carewatch
