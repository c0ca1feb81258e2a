#include "daemon/config/spike_config.h"

#include "daemon/config/json_schema.h"
#include "mention/common/duration.h"

namespace carewatch {

namespace {

using std::chrono::milliseconds;

std::string text_of(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// Reads the duration `key` into `out` when present and within [min, max]; reports otherwise.
void duration(const rapidjson::Value& obj, const char* key, const std::string& path, milliseconds min,
              milliseconds max, const char* range, milliseconds& out, ConfigReport& report) {
  const rapidjson::Value* v = json_member(&obj, key);
  if (!v || !v->IsString()) return;
  const std::string p = child_path(path, key);
  const auto d = parse_duration(text_of(*v));
  if (!d) {
    report.add(p, "expected a duration like \"1h\", got " + report.shown(*v, p));
  } else if (*d < min || *d > max) {
    report.add(p, std::string("expected a duration ") + range + ", got " + report.shown(*v, p));
  } else {
    out = *d;
  }
}

}  // namespace

void read_spike_config(const rapidjson::Value& spikes, const std::string& path, SpikeConfig& out,
                       ConfigReport& report) {
  if (!spikes.IsObject()) return;
  if (const auto* v = json_member(&spikes, "enabled"); v && v->IsBool()) out.enabled = v->GetBool();
  if (const auto* v = json_member(&spikes, "threshold"); v && v->IsNumber()) out.threshold = v->GetDouble();
  if (const auto* v = json_member(&spikes, "min_count"); v && v->IsInt64()) out.min_count = v->GetInt64();
  if (const auto* v = json_member(&spikes, "min_ratio"); v && v->IsNumber()) out.min_ratio = v->GetDouble();
  using namespace std::chrono;
  duration(spikes, "cooldown", path, minutes(5), hours(24 * 7), "from 5m to 7d", out.cooldown, report);
  duration(spikes, "history", path, hours(24 * 7), hours(24 * 7 * 12), "from 7d to 84d", out.history, report);
  duration(spikes, "settle", path, milliseconds(0), hours(1), "from 0s to 1h", out.settle, report);
}

}  // namespace carewatch
