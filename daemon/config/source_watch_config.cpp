#include "daemon/config/source_watch_config.h"

#include <algorithm>

#include "daemon/config/json_schema.h"
#include "daemon/config/redaction.h"
#include "mention/common/duration.h"

namespace carewatch {

namespace {

using rapidjson::Value;
using std::chrono::milliseconds;

// A duration member of at least `min`; reports and returns nullopt otherwise.
std::optional<milliseconds> duration_member(const Value& obj, const char* key, const std::string& path, milliseconds min,
                                            const char* min_text, ConfigReport& report) {
  const Value* v = json_member(&obj, key);
  if (!v || !v->IsString()) return std::nullopt;  // absent, or dropped after a schema error
  const std::string p = child_path(path, key);
  auto d = parse_duration(std::string_view(v->GetString(), v->GetStringLength()));
  if (!d) {
    report.add(p, "expected a duration like \"15m\", got " + report.shown(*v, p));
    return std::nullopt;
  }
  if (*d < min) {
    report.add(p, std::string("expected a duration of at least ") + min_text + ", got " + report.shown(*v, p));
    return std::nullopt;
  }
  return d;
}

}  // namespace

void read_source_watch(const Value& section, const std::string& path, const std::vector<std::string>& source_names,
                       SourceWatchConfig& out, ConfigReport& report) {
  if (!section.IsObject()) return;
  const milliseconds minute = std::chrono::minutes(1);
  const milliseconds second = std::chrono::seconds(1);  // down_after and silent_after: short in tests
  if (const Value* e = json_member(&section, "enabled"); e && e->IsBool()) out.enabled = e->GetBool();
  if (auto d = duration_member(section, "down_after", path, second, "1s", report)) out.down_after = *d;
  if (auto d = duration_member(section, "silent_floor", path, minute, "1m", report)) out.silent_floor = *d;
  if (const Value* f = json_member(&section, "silent_factor"); f && f->IsNumber()) out.silent_factor = f->GetDouble();
  if (const Value* h = json_member(&section, "min_history"); h && h->IsUint()) out.min_history = h->GetUint();
  const Value* overrides = json_member(&section, "overrides");
  if (!overrides || !overrides->IsObject()) return;
  const std::string overrides_path = child_path(path, "overrides");
  for (auto it = overrides->MemberBegin(); it != overrides->MemberEnd(); ++it) {
    const std::string name(it->name.GetString(), it->name.GetStringLength());
    const std::string p = child_path(overrides_path, name);
    if (std::find(source_names.begin(), source_names.end(), name) == source_names.end()) {
      std::string known;
      for (const auto& n : source_names) known += (known.empty() ? "" : ", ") + json_quoted(n);
      report.add(p, "expected the name of a configured source (" + (known.empty() ? std::string("none") : known) +
                        "), got " + json_quoted(name));
      continue;
    }
    const Value& o = it->value;
    if (!o.IsObject()) continue;  // dropped after a schema error
    SourceWatchOverride ov;
    if (const Value* e = json_member(&o, "enabled"); e && e->IsBool()) ov.enabled = e->GetBool();
    ov.down_after = duration_member(o, "down_after", p, second, "1s", report);
    ov.silent_after = duration_member(o, "silent_after", p, second, "1s", report);
    out.overrides[name] = ov;
  }
}

}  // namespace carewatch
