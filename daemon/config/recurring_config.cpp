#include "daemon/config/recurring_config.h"

#include <string>

#include "mention/common/duration.h"

namespace carewatch {

namespace {

const char* const kPath = "detectors.recurring";

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string path_of(const char* key) { return std::string(kPath) + "." + key; }

}  // namespace

void read_recurring(const rapidjson::Value& r, RecurringConfig& out, ConfigReport& report) {
  if (const auto* v = member(r, "enabled"); v && v->IsBool()) out.enabled = v->GetBool();
  if (const auto* v = member(r, "window"); v && v->IsString()) {
    const auto d = parse_duration(std::string_view(v->GetString(), v->GetStringLength()));
    if (!d || *d < std::chrono::minutes(1))
      report.add(path_of("window"), "expected a duration of at least 1m like \"2h\", got " +
                                        report.shown(*v, path_of("window")));
    else
      out.window = *d;
  }
  if (const auto* v = member(r, "min_mentions"); v && v->IsUint()) out.min_mentions = v->GetUint();
  if (const auto* v = member(r, "min_authors"); v && v->IsUint()) out.min_authors = v->GetUint();
  if (const auto* v = member(r, "bands"); v && v->IsInt()) out.bands = v->GetInt();
  if (const auto* v = member(r, "rows"); v && v->IsInt()) out.rows = v->GetInt();
  if (const auto* v = member(r, "min_band_hits"); v && v->IsInt()) out.min_band_hits = v->GetInt();
  if (out.min_authors > out.min_mentions)
    report.add(path_of("min_authors"), "expected at most min_mentions (" + std::to_string(out.min_mentions) +
                                           "), got " + std::to_string(out.min_authors));
  if (out.min_band_hits > out.bands)
    report.add(path_of("min_band_hits"),
               "expected at most bands (" + std::to_string(out.bands) + "), got " + std::to_string(out.min_band_hits));
}

GroupStoreOptions group_store_options(const RecurringConfig& c) {
  GroupStoreOptions o;
  o.window = c.window;
  o.min_mentions = c.min_mentions;
  o.min_authors = c.min_authors;
  o.min_band_hits = c.min_band_hits;
  return o;
}

}  // namespace carewatch
