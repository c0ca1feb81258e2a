#include "daemon/telemetry/volume_series.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>

namespace carewatch {

namespace {

constexpr TimeMs floor_to(TimeMs t, TimeMs step) {
  const TimeMs r = t % step;
  return r < 0 ? t - r - step : t - r;
}
constexpr TimeMs ceil_to(TimeMs t, TimeMs step) {
  const TimeMs f = floor_to(t, step);
  return f == t ? t : f + step;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_time(Writer& w, const char* key, TimeMs t) {
  w.Key(key);
  write_string(w, format_iso8601(t));
}

void write_counts(Writer& w, const char* key, const char* name, const std::vector<TopCount>& list) {
  w.Key(key);
  w.StartArray();
  for (const TopCount& c : list) {
    w.StartObject();
    w.Key(name);
    write_string(w, c.name);
    w.Key("count");
    w.Int64(c.count);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::optional<VolumeBy> volume_by_from_string(std::string_view s) {
  if (s == "platform") return VolumeBy::platform;
  if (s == "category") return VolumeBy::category;
  if (s == "sentiment") return VolumeBy::sentiment;
  if (s == "language") return VolumeBy::language;
  if (s == "tag") return VolumeBy::tag;
  return std::nullopt;
}

const char* to_string(VolumeBy by) {
  switch (by) {
    case VolumeBy::platform: return "platform";
    case VolumeBy::category: return "category";
    case VolumeBy::sentiment: return "sentiment";
    case VolumeBy::language: return "language";
    case VolumeBy::tag: return "tag";
  }
  return "platform";
}

bool parse_volume_field(std::string_view field, bool tagged, VolumeCell& out) {
  std::string_view* parts[] = {&out.platform, &out.category, &out.sentiment, &out.language, &out.tag};
  const size_t n = tagged ? 5 : 4;
  out.tag = {};
  for (size_t i = 0; i < n; ++i) {
    const size_t bar = field.find('|');
    const bool last = i + 1 == n;
    if (last != (bar == std::string_view::npos)) return false;
    *parts[i] = field.substr(0, bar);
    if (!last) field.remove_prefix(bar + 1);
  }
  return true;
}

bool VolumeFilter::matches(const VolumeCell& c) const {
  return (!platform || *platform == c.platform) && (!category || *category == c.category) &&
         (!sentiment || *sentiment == c.sentiment) && (!language || *language == c.language) &&
         (!tag || *tag == c.tag);
}

std::pair<TimeMs, TimeMs> volume_window(TimeMs since, TimeMs until, TimeMs now) {
  auto unit = [&](TimeMs t) {
    return t < now - VolumeStore::kHoursReliable ? VolumeStore::kDay : VolumeStore::kHour;
  };
  return {floor_to(since, unit(since)), ceil_to(until, unit(until))};
}

std::vector<VolumeStore::Block> volume_blocks(TimeMs since, TimeMs until, bool whole_days) {
  std::vector<VolumeStore::Block> out;
  TimeMs t = floor_to(since, VolumeStore::kHour);
  until = ceil_to(until, VolumeStore::kHour);
  while (t < until) {
    if (whole_days && t % VolumeStore::kDay == 0 && t + VolumeStore::kDay <= until) {
      out.push_back({'d', t});
      t += VolumeStore::kDay;
    } else {
      out.push_back({'h', t});
      t += VolumeStore::kHour;
    }
  }
  return out;
}

std::vector<TimeMs> volume_days(TimeMs since, TimeMs until) {
  std::vector<TimeMs> out;
  for (TimeMs d = floor_to(since, VolumeStore::kDay); d < until; d += VolumeStore::kDay) out.push_back(d);
  return out;
}

VolumeSeriesBuilder::VolumeSeriesBuilder(VolumeBy by, VolumeFilter filter, TimeMs since, TimeMs until, TimeMs step)
    : by_(by), filter_(std::move(filter)), step_(step), first_(floor_to(since, step)) {
  points_ = until > first_ ? static_cast<size_t>((until - first_ + step - 1) / step) : 0;
}

void VolumeSeriesBuilder::add(TimeMs start, std::string_view field, long long n) {
  VolumeCell c;
  if (!parse_volume_field(field, tagged(), c) || !filter_.matches(c) || start < first_) return;
  const size_t at = static_cast<size_t>((start - first_) / step_);
  if (at >= points_) return;
  std::string_view key;
  switch (by_) {
    case VolumeBy::platform: key = c.platform; break;
    case VolumeBy::category: key = c.category; break;
    case VolumeBy::sentiment: key = c.sentiment; break;
    case VolumeBy::language: key = c.language; break;
    case VolumeBy::tag: key = c.tag; break;
  }
  auto it = counts_.find(key);
  if (it == counts_.end()) it = counts_.emplace(std::string(key), std::vector<long long>(points_)).first;
  it->second[at] += n;
}

std::vector<VolumeSeries> VolumeSeriesBuilder::series() const {
  std::vector<VolumeSeries> out;
  for (const auto& [key, counts] : counts_) {
    VolumeSeries s;
    s.key = key;
    s.points.reserve(counts.size());
    for (size_t i = 0; i < counts.size(); ++i) {
      s.points.emplace_back(first_ + static_cast<TimeMs>(i) * step_, counts[i]);
      s.total += counts[i];
    }
    if (s.total != 0) out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const VolumeSeries& a, const VolumeSeries& b) { return a.total > b.total; });
  return out;
}

bool volume_spike_taken(const SpikeStore::Mark& spike, const VolumeFilter& filter) {
  if (filter.sentiment || filter.language) return false;
  auto names = [](const std::optional<std::string>& want, const std::string& has) {
    return !want || (!has.empty() && VolumeStore::field_part(has) == *want);
  };
  return names(filter.platform, spike.platform) && names(filter.category, spike.category) &&
         names(filter.tag, spike.tag);
}

std::string volume_json(const std::vector<VolumeSeries>& series, VolumeBy by, TimeMs since, TimeMs until,
                        TimeMs step, const std::vector<SpikeStore::Mark>& spikes) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  write_time(w, "since", since);
  write_time(w, "until", until);
  w.Key("step_s");
  w.Int64(step / 1000);
  w.Key("by");
  w.String(to_string(by));
  w.Key("series");
  w.StartArray();
  for (const VolumeSeries& s : series) {
    w.StartObject();
    w.Key("key");
    write_string(w, s.key);
    w.Key("total");
    w.Int64(s.total);
    w.Key("points");
    w.StartArray();
    for (const auto& [t, n] : s.points) {
      w.StartArray();
      w.Int64(t);
      w.Int64(n);
      w.EndArray();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("spikes");
  w.StartArray();
  for (const SpikeStore::Mark& m : spikes) {
    w.StartObject();
    write_time(w, "at", m.at);
    write_time(w, "until", m.until);
    w.Key("key");
    write_string(w, m.series);
    w.Key("kind");
    w.String("spike");
    for (const auto& [k, v] : {std::pair<const char*, const std::string&>{"platform", m.platform},
                               {"category", m.category}, {"tag", m.tag}}) {
      if (v.empty()) continue;
      w.Key(k);
      write_string(w, v);
    }
    w.Key("count");
    w.Int64(m.count);
    w.Key("expected");
    w.Double(std::round(m.expected * 10.0) / 10.0);
    if (m.ended) write_time(w, "ended", *m.ended);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

std::string top_json(const TopFigures& t) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  write_time(w, "since", t.since);
  write_time(w, "until", t.until);
  write_time(w, "lists_since", t.lists_since);
  write_time(w, "lists_until", t.lists_until);
  w.Key("total");
  w.Int64(t.total);
  w.Key("complaints");
  w.Int64(t.complaints);
  w.Key("complaint_share");
  if (t.total > 0)
    w.Double(static_cast<double>(t.complaints) / static_cast<double>(t.total));
  else
    w.Null();
  write_counts(w, "words", "word", t.lists.words);
  write_counts(w, "hashtags", "tag", t.lists.hashtags);
  w.Key("authors");
  w.StartArray();
  for (const TopAuthor& a : t.lists.authors) {
    w.StartObject();
    w.Key("platform");
    write_string(w, a.platform);
    w.Key("handle");
    write_string(w, a.handle);
    w.Key("display_name");
    write_string(w, a.display_name);
    w.Key("followers");
    w.Int64(a.followers);
    w.Key("mentions");
    w.Int64(a.mentions);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

}  // namespace carewatch
