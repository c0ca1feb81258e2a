#include "daemon/config/sla_config.h"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <string>

#include "daemon/config/json_schema.h"
#include "mention/common/duration.h"

namespace carewatch {
namespace {

using rapidjson::Value;
using std::chrono::milliseconds;

constexpr std::array<const char*, 7> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::string str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// A positive duration at obj[key] (a string the schema checked), or nullopt (reported when bad).
std::optional<milliseconds> duration_member(const Value& obj, const char* key, const std::string& path,
                                            ConfigReport& report) {
  const Value* v = json_member(&obj, key);
  if (!v || !v->IsString()) return std::nullopt;
  const std::string p = child_path(path, key);
  auto d = parse_duration(str(*v));
  if (!d) {
    report.add(p, "expected a duration like \"30s\", got " + report.shown(*v, p));
    return std::nullopt;
  }
  if (d->count() <= 0) {
    report.add(p, "expected a duration above 0, got " + report.shown(*v, p));
    return std::nullopt;
  }
  return d;
}

// Warning fractions (the schema checked each is a number in (0, 1)), sorted, without repeats.
std::optional<std::vector<double>> fractions(const Value* v) {
  if (!v || !v->IsArray()) return std::nullopt;
  std::set<double> s;
  for (const auto& f : v->GetArray())
    if (f.IsNumber() && f.GetDouble() > 0 && f.GetDouble() < 1) s.insert(f.GetDouble());
  return std::vector<double>(s.begin(), s.end());
}

// A calendar from an object holding time_zone, hours and holidays (any may be absent), or
// nullopt when it names none of them or has an error (reported).
std::optional<std::shared_ptr<const BusinessCalendar>> calendar_at(const Value& obj, const std::string& path,
                                                                   const std::string& fallback_zone,
                                                                   ConfigReport& report) {
  const Value* zone = json_member(&obj, "time_zone");
  const Value* hours = json_member(&obj, "hours");
  const Value* holidays = json_member(&obj, "holidays");
  if (!zone && !hours && !holidays) return std::nullopt;
  bool ok = true;
  std::string zone_name = fallback_zone;
  if (zone && zone->IsString()) {
    const std::string p = child_path(path, "time_zone");
    zone_name = str(*zone);
    if (!BusinessCalendar::known_zone(zone_name)) {
      report.add(p, "expected an IANA time zone like \"Europe/Berlin\", got " + report.shown(*zone, p));
      ok = false;
    }
  }
  std::array<std::vector<OpenInterval>, 7> week;
  if (hours && hours->IsObject()) {
    const std::string hp = child_path(path, "hours");
    size_t open = 0;
    for (size_t d = 0; d < kDays.size(); ++d) {
      const Value* day = json_member(hours, kDays[d]);
      if (!day || !day->IsArray()) continue;
      const std::string dp = child_path(hp, kDays[d]);
      for (rapidjson::SizeType i = 0; i < day->Size(); ++i) {
        const Value& r = (*day)[i];
        if (!r.IsString()) continue;
        const std::string ip = index_path(dp, i);
        if (auto interval = parse_open_interval(str(r))) {
          week[d].push_back(*interval);
          ++open;
        } else {
          report.add(ip, "expected opening hours like \"09:00-17:00\" (or overnight \"22:00-06:00\"), got " +
                             report.shown(r, ip));
          ok = false;
        }
      }
    }
    bool dropped = false;  // a member the schema rejected (reported): no second error about it
    for (const auto& r : report.removed) dropped = dropped || r.rfind(hp + ".", 0) == 0;
    if (ok && open == 0 && !dropped) {
      report.add(hp, "expected at least one open interval in the week, got none");
      ok = false;
    }
  } else {
    for (auto& d : week) d.push_back({0, 24 * 60});  // open all day, holidays aside
  }
  std::set<int> days;
  if (holidays && holidays->IsArray()) {
    const std::string hp = child_path(path, "holidays");
    for (rapidjson::SizeType i = 0; i < holidays->Size(); ++i) {
      const Value& h = (*holidays)[i];
      if (!h.IsString()) continue;
      const std::string ip = index_path(hp, i);
      if (auto day = parse_local_date(str(h))) {
        days.insert(*day);
      } else {
        report.add(ip, "expected a date like \"2026-12-25\", got " + report.shown(h, ip));
        ok = false;
      }
    }
  }
  if (!ok) return std::nullopt;
  try {
    return std::make_shared<const BusinessCalendar>(zone_name, week, days);
  } catch (const std::invalid_argument&) {
    return std::nullopt;  // the zone: reported above
  }
}

// {p0: "15m", ...} into one kind of target.
void per_priority(const Value* obj, const std::string& path, std::optional<milliseconds> SlaTargets::*kind,
                  std::array<SlaTargets, 4>& targets, ConfigReport& report) {
  if (!obj || !obj->IsObject()) return;
  for (int p = 0; p <= 3; ++p) {
    const std::string key{'p', static_cast<char>('0' + p)};
    if (auto d = duration_member(*obj, key.c_str(), path, report)) targets[static_cast<size_t>(p)].*kind = *d;
  }
}

}  // namespace

SlaPolicies read_sla_policies(const Value* queues, const std::map<int, milliseconds>& first_response, double warn_at,
                              ConfigReport& report) {
  SlaPolicies out = first_response_policies(first_response, warn_at);
  SlaPolicy& base = out.fallback;
  if (!queues || !queues->IsObject()) return out;

  if (auto w = fractions(json_member(queues, "sla_warnings"))) base.warnings = *w;
  per_priority(json_member(queues, "sla_next_response"), "queues.sla_next_response", &SlaTargets::next_response,
               base.targets, report);
  per_priority(json_member(queues, "sla_resolution"), "queues.sla_resolution", &SlaTargets::resolution,
               base.targets, report);
  std::string base_zone = "UTC";
  if (const Value* bh = json_member(queues, "business_hours"); bh && bh->IsObject()) {
    if (auto cal = calendar_at(*bh, "queues.business_hours", "UTC", report)) {
      base.calendar = *cal;
      base_zone = (*cal)->zone_name();
    }
  }

  const Value* policies = json_member(queues, "policies");
  if (!policies || !policies->IsObject()) return out;
  for (auto it = policies->MemberBegin(); it != policies->MemberEnd(); ++it) {
    if (!it->value.IsObject()) continue;
    const std::string name = str(it->name);
    const std::string path = child_path("queues.policies", name);
    const Value& q = it->value;
    SlaPolicy policy = base;
    if (auto cal = calendar_at(q, path, base_zone, report)) policy.calendar = *cal;
    if (auto w = fractions(json_member(&q, "warnings"))) policy.warnings = *w;
    if (const Value* targets = json_member(&q, "targets"); targets && targets->IsObject()) {
      const std::string tp = child_path(path, "targets");
      for (int p = 0; p <= 3; ++p) {
        const std::string key{'p', static_cast<char>('0' + p)};
        const Value* t = json_member(targets, key.c_str());
        if (!t || !t->IsObject()) continue;
        const std::string pp = child_path(tp, key);
        SlaTargets& st = policy.targets[static_cast<size_t>(p)];
        if (auto d = duration_member(*t, "first_response", pp, report)) st.first_response = *d;
        if (auto d = duration_member(*t, "next_response", pp, report)) st.next_response = *d;
        if (auto d = duration_member(*t, "resolution", pp, report)) st.resolution = *d;
      }
    }
    out.queues[name] = std::move(policy);
  }
  return out;
}

}  // namespace carewatch
