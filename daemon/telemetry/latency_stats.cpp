#include "daemon/telemetry/latency_stats.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

#include "daemon/store/redis_fields.h"
#include "daemon/telemetry/metric_catalogue.h"
#include "mention/mention_json.h"

namespace carewatch {
namespace {

constexpr std::array<Measure, 4> kMeasures = {Measure::detection, Measure::queue_wait,
                                              Measure::first_response, Measure::resolution};

// The sample at nearest rank ceil(percent/100 * n) of sorted `v` (n > 0), in seconds.
double nearest_rank(const std::vector<long long>& v, unsigned percent) {
  const size_t n = v.size();
  size_t rank = (percent * n + 99) / 100;  // ceil without floating point
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return static_cast<double>(v[rank - 1]) / 1000.0;
}

std::optional<long long> parse_ms(const std::string& s) {
  long long v = 0;
  const char* end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, v);
  if (r.ec != std::errc() || r.ptr != end) return std::nullopt;
  return v;
}

const std::string* find(const Event& e, const char* key) {
  auto it = e.fields.find(key);
  return it == e.fields.end() ? nullptr : &it->second;
}

std::string or_unknown(const std::string* s) { return s && !s->empty() ? *s : "unknown"; }

std::string group_of(const Event& e, GroupBy by) {
  switch (by) {
    case GroupBy::none: return "all";
    case GroupBy::queue: return or_unknown(find(e, redis_field::queue));
    case GroupBy::platform: return or_unknown(find(e, redis_field::platform));
    case GroupBy::priority: {
      const std::string* p = find(e, redis_field::priority);
      return metric::priority_label(p ? std::string_view(*p) : std::string_view());
    }
    case GroupBy::agent: return e.actor.empty() ? "unknown" : e.actor;
  }
  return "all";
}

void write_summary(rapidjson::Writer<rapidjson::StringBuffer>& w, const Summary& s) {
  w.StartObject();
  w.Key("count");
  w.Uint64(s.count);
  w.Key("p50_s");
  w.Double(s.p50);
  w.Key("p90_s");
  w.Double(s.p90);
  w.Key("p99_s");
  w.Double(s.p99);
  w.Key("max_s");
  w.Double(s.max);
  w.EndObject();
}

}  // namespace

const char* to_string(Measure m) {
  switch (m) {
    case Measure::detection: return "detection_delay";
    case Measure::queue_wait: return "queue_wait";
    case Measure::first_response: return "first_response";
    case Measure::resolution: return "resolution";
  }
  return "unknown";
}

const char* event_field(Measure m) {
  switch (m) {
    case Measure::detection: return redis_field::detect_ms;
    case Measure::queue_wait: return redis_field::wait_ms;
    case Measure::first_response: return redis_field::frt_ms;
    case Measure::resolution: return redis_field::resolve_ms;
  }
  return "";
}

const char* actor_kind(const Event& e) {
  if (e.type == "ingested" || e.type == "queued") return "source";
  const std::string* native = find(e, redis_field::native);
  if ((native && *native == "1") || e.actor.rfind("brand:", 0) == 0) return "brand";
  return "agent";
}

std::optional<GroupBy> group_by_from_string(std::string_view s) {
  if (s.empty() || s == "none") return GroupBy::none;
  if (s == "queue") return GroupBy::queue;
  if (s == "platform") return GroupBy::platform;
  if (s == "priority") return GroupBy::priority;
  if (s == "agent") return GroupBy::agent;
  return std::nullopt;
}

const char* to_string(GroupBy g) {
  switch (g) {
    case GroupBy::none: return "none";
    case GroupBy::queue: return "queue";
    case GroupBy::platform: return "platform";
    case GroupBy::priority: return "priority";
    case GroupBy::agent: return "agent";
  }
  return "none";
}

long long latency_bucket(long long ms) {
  if (ms < 100) return ms < 0 ? 0 : ms;
  long long d = 1;
  while (ms >= 100 * d) d *= 10;
  return ms / d * d;
}

Summary summarize_bucketed(const std::vector<long long>& samples_ms) {
  std::vector<long long> b;
  b.reserve(samples_ms.size());
  for (long long v : samples_ms) b.push_back(latency_bucket(v));
  return summarize(b);
}

Summary summarize_histogram(const LatencyHistogram& h) {
  Summary s;
  long long n = 0;
  for (const auto& [bucket, count] : h)
    if (count > 0) n += count;
  s.count = static_cast<size_t>(n);
  if (n == 0) return s;
  // Nearest rank ceil(percent/100 * n), as nearest_rank.
  auto at_rank = [&](unsigned percent) {
    long long rank = (static_cast<long long>(percent) * n + 99) / 100;
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    long long seen = 0;
    for (const auto& [bucket, count] : h) {
      if (count <= 0) continue;
      seen += count;
      if (seen >= rank) return static_cast<double>(bucket) / 1000.0;
    }
    return 0.0;
  };
  s.p50 = at_rank(50);
  s.p90 = at_rank(90);
  s.p99 = at_rank(99);
  for (auto it = h.rbegin(); it != h.rend(); ++it)
    if (it->second > 0) {
      s.max = static_cast<double>(it->first) / 1000.0;
      break;
    }
  return s;
}

long long* action_counter(ActionCounts& c, std::string_view event_type) {
  if (event_type == "claimed") return &c.claims;
  if (event_type == "replied") return &c.replies;
  if (event_type == "resolved") return &c.resolutions;
  if (event_type == "handed_off") return &c.handoffs;
  return nullptr;
}

Summary summarize(std::vector<long long>& samples_ms) {
  Summary s;
  s.count = samples_ms.size();
  if (samples_ms.empty()) return s;
  std::sort(samples_ms.begin(), samples_ms.end());
  s.p50 = nearest_rank(samples_ms, 50);
  s.p90 = nearest_rank(samples_ms, 90);
  s.p99 = nearest_rank(samples_ms, 99);
  s.max = static_cast<double>(samples_ms.back()) / 1000.0;
  return s;
}

const Summary& GroupStats::get(Measure m) const {
  switch (m) {
    case Measure::detection: return detection;
    case Measure::queue_wait: return queue_wait;
    case Measure::first_response: return first_response;
    case Measure::resolution: return resolution;
  }
  return detection;
}

bool FigureFilter::takes(std::string_view queue_group, std::string_view platform_group,
                         std::string_view priority_group, std::string_view kind) const {
  if (!any()) return true;
  if (kind == "source") return false;
  return (!queue || *queue == queue_group) && (!platform || *platform == platform_group) &&
         (!priority || *priority == priority_group);
}

LatencyAccumulator::LatencyAccumulator(GroupBy by, TimeMs since, TimeMs until, FigureFilter filter)
    : by_(by), filter_(by == GroupBy::agent ? std::move(filter) : FigureFilter{}), since_(since), until_(until) {
  if (by_ == GroupBy::none) groups_[{"", "all"}];  // the overall figures exist even with no samples
}

void LatencyAccumulator::add(const Event& e) {
  // Keyed by (kind, group): with GroupBy::agent a source and an agent of the same name stay apart.
  auto key_of = [&] { return Key(by_ == GroupBy::agent ? actor_kind(e) : "", group_of(e, by_)); };
  const bool taken = !filter_.any() || filter_.takes(group_of(e, GroupBy::queue), group_of(e, GroupBy::platform),
                                                      group_of(e, GroupBy::priority), actor_kind(e));
  const bool inside = e.at >= since_ && e.at <= until_;
  if (inside && taken && by_ == GroupBy::agent) {
    ActionCounts probe;
    if (action_counter(probe, e.type)) ++*action_counter(groups_[key_of()].counts, e.type);
  }
  // First response: per mention the earliest sample over all events, and where it counts.
  constexpr size_t kFirstResponse = 2;
  static_assert(kMeasures[kFirstResponse] == Measure::first_response);
  for (size_t i = 0; i < kMeasures.size(); ++i) {
    const std::string* raw = find(e, event_field(kMeasures[i]));
    if (!raw) continue;
    const auto ms = parse_ms(*raw);
    if (!ms) continue;
    if (i != kFirstResponse || e.uid.empty()) {
      if (inside && taken) groups_[key_of()].samples[i].push_back(*ms);
      continue;
    }
    auto it = earliest_.find(e.uid);
    if (it == earliest_.end())
      earliest_.emplace(e.uid, Earliest{*ms, inside && taken, key_of()});
    else if (*ms < it->second.ms)
      it->second = Earliest{*ms, inside && taken, key_of()};
  }
}

std::vector<GroupStats> LatencyAccumulator::result() const {
  std::map<Key, Acc> groups = groups_;
  for (const auto& [uid, sample] : earliest_)
    if (sample.counts) groups[sample.key].samples[2].push_back(sample.ms);
  std::vector<GroupStats> out;
  out.reserve(groups.size());
  for (auto& [key, acc] : groups) {
    GroupStats g;
    g.kind = key.first;
    g.group = key.second;
    g.detection = summarize_bucketed(acc.samples[0]);
    g.queue_wait = summarize_bucketed(acc.samples[1]);
    g.first_response = summarize_bucketed(acc.samples[2]);
    g.resolution = summarize_bucketed(acc.samples[3]);
    g.counts = acc.counts;
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<GroupStats> latency_stats(const std::vector<Event>& events, GroupBy by, TimeMs since,
                                      TimeMs until, const FigureFilter& filter) {
  LatencyAccumulator acc(by, since, until, filter);
  for (const Event& e : events) acc.add(e);
  return acc.result();
}

std::string latency_stats_json(const std::vector<GroupStats>& groups, GroupBy by, TimeMs since,
                               TimeMs until) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("window_s");
  const TimeMs window = until - since;
  if (window % 1000 == 0)
    w.Int64(window / 1000);
  else
    w.Double(static_cast<double>(window) / 1000.0);
  w.Key("since");
  w.String(format_iso8601(since).c_str());
  w.Key("until");
  w.String(format_iso8601(until).c_str());
  w.Key("by");
  w.String(to_string(by));
  w.Key("groups");
  w.StartArray();
  for (const GroupStats& g : groups) {
    w.StartObject();
    w.Key("group");
    w.String(g.group.c_str(), static_cast<rapidjson::SizeType>(g.group.size()));
    if (!g.kind.empty()) {
      w.Key("kind");
      w.String(g.kind.c_str(), static_cast<rapidjson::SizeType>(g.kind.size()));
    }
    for (Measure m : kMeasures) {
      w.Key(to_string(m));
      write_summary(w, g.get(m));
    }
    if (by == GroupBy::agent) {
      w.Key("counts");
      w.StartObject();
      w.Key("claims");
      w.Int64(g.counts.claims);
      w.Key("replies");
      w.Int64(g.counts.replies);
      w.Key("resolutions");
      w.Int64(g.counts.resolutions);
      w.Key("handoffs");
      w.Int64(g.counts.handoffs);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

}  // namespace carewatch
