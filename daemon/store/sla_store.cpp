#include "daemon/store/sla_store.h"

#include <rapidjson/document.h>

#include <cstdlib>
#include <stdexcept>

#include "daemon/store/redis_fields.h"

namespace carewatch {

extern const char* const kLuaSlaTake;
extern const char* const kLuaSlaUpdate;
extern const char* const kLuaSlaAtRisk;
extern const char* const kLuaSlaBreaches;

namespace {

std::string fmt(long long v) { return std::to_string(v); }

std::map<std::string, std::string> hash_of(const RedisReply& flat) {
  std::map<std::string, std::string> h;
  for (size_t i = 0; i + 1 < flat.elements.size(); i += 2) h[flat.elements[i].str] = flat.elements[i + 1].str;
  return h;
}

}  // namespace

SlaStore::SlaStore(RedisPool& pool, const std::string& prefix)
    : pool_(pool),
      kp_("{" + prefix + "}"),
      events_(kp_ + ":events"),
      take_("sla_take", kLuaSlaTake),
      update_("sla_update", kLuaSlaUpdate),
      at_risk_("sla_at_risk", kLuaSlaAtRisk),
      breaches_("sla_breaches", kLuaSlaBreaches) {
  if (prefix.empty() || prefix.find_first_of("{}") != std::string::npos)
    throw std::invalid_argument("sla store: prefix must be non-empty and contain no braces");
}

std::vector<SlaDue> SlaStore::take_due(TimeMs now, size_t limit, std::chrono::milliseconds hold) {
  const RedisReply r = pool_.run(take_, {events_}, {kp_, fmt(now), fmt(static_cast<long long>(limit)), fmt(hold.count())});
  std::vector<SlaDue> out;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) out.push_back({r.elements[i].str, hash_of(r.elements[i + 1])});
  return out;
}

std::vector<bool> SlaStore::update(const std::string& uid, const std::string& queue, TimeMs now,
                                   std::optional<TimeMs> next_look, std::optional<TimeMs> due,
                                   const std::vector<SlaFire>& fires) {
  std::vector<std::string> args{kp_, uid, queue, fmt(now), next_look ? fmt(*next_look) : std::string(),
                                due ? fmt(*due) : std::string()};
  for (const auto& f : fires) {
    args.push_back(f.breach ? "breach" : "warning");
    args.push_back(f.target);
    args.push_back(f.fraction);
    args.push_back(fmt(f.at));
    args.push_back(fmt(f.target_ms));
    args.push_back(fmt(f.elapsed_ms));
    args.push_back(f.response_clock ? "response" : "resolution");
  }
  const RedisReply r = pool_.run(update_, {events_}, args);
  std::vector<bool> out;
  for (const auto& e : r.elements) out.push_back(e.integer == 1);
  out.resize(fires.size(), false);
  return out;
}

std::vector<SlaRiskRow> SlaStore::at_risk(const std::vector<std::string>& queues, size_t limit) {
  if (queues.empty() || limit == 0) return {};
  std::vector<std::string> args{kp_, fmt(static_cast<long long>(limit))};
  args.insert(args.end(), queues.begin(), queues.end());
  const RedisReply r = pool_.run(at_risk_, {events_}, args);
  std::vector<SlaRiskRow> out;
  for (size_t i = 0; i + 3 < r.elements.size(); i += 4) {
    SlaRiskRow row;
    row.uid = r.elements[i].str;
    row.queue = r.elements[i + 1].str;
    row.deadline = static_cast<TimeMs>(std::stod(r.elements[i + 2].str));
    row.state = hash_of(r.elements[i + 3]);
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<SlaBreach> SlaStore::breaches(const std::string& queue, TimeMs since, size_t limit) {
  if (limit == 0) return {};
  const RedisReply r = pool_.run(breaches_, {events_}, {kp_, queue, fmt(since), fmt(static_cast<long long>(limit))});
  std::vector<SlaBreach> out;
  for (size_t i = 0; i + 2 < r.elements.size(); i += 3) {
    rapidjson::Document d;
    d.Parse(r.elements[i].str.c_str(), r.elements[i].str.size());
    if (d.HasParseError() || !d.IsObject()) continue;
    const auto text = [&d](const char* name) {
      const auto it = d.FindMember(name);
      return it != d.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                         : std::string();
    };
    const auto number = [&](const char* name) { return std::atoll(text(name).c_str()); };
    SlaBreach b;
    b.uid = text(redis_field::uid);
    b.queue = text(redis_field::queue);
    b.platform = text(redis_field::platform);
    b.target = text(redis_field::target);
    b.priority = static_cast<int>(number(redis_field::priority));
    b.target_ms = number(redis_field::target_ms);
    b.elapsed_ms = number(redis_field::elapsed_ms);
    b.at = static_cast<TimeMs>(std::stod(r.elements[i + 1].str));
    b.mention_json = r.elements[i + 2].str;
    out.push_back(std::move(b));
  }
  return out;
}

std::int64_t SlaStore::open_count() { return reply_int(pool_.command({"ZCARD", kp_ + ":sla:open"})); }

}  // namespace carewatch
