#include "daemon/store/stats_store.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <string_view>
#include <unordered_map>

namespace carewatch {

extern const char* const kLuaEventsRecord;

namespace {

constexpr std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  const std::int64_t r = t % step;
  return r < 0 ? t - r - step : t - r;
}
constexpr std::int64_t ceil_to(std::int64_t t, std::int64_t step) {
  const std::int64_t f = floor_to(t, step);
  return f == t ? t : f + step;
}

bool parse_ll(std::string_view s, long long& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

int measure_index(char m) {
  switch (m) {
    case 'd': return 0;
    case 'w': return 1;
    case 'f': return 2;
    case 'r': return 3;
  }
  return -1;
}

}  // namespace

StatsStore::StatsStore(RedisPool& pool, const std::string& prefix)
    : pool_(pool), kp_("{" + prefix + "}"), record_("events_record", kLuaEventsRecord) {}

std::pair<std::int64_t, std::int64_t> StatsStore::align(std::int64_t since, std::int64_t until, std::int64_t now) {
  auto step_for = [&](std::int64_t t) {
    if (t < now - (kHourRetention - kDay)) return kDay;
    if (t < now - (kMinuteRetention - kDay)) return kHour;
    return kMinute;
  };
  return {floor_to(since, step_for(since)), ceil_to(until, step_for(until))};
}

std::vector<StatsStore::Block> StatsStore::blocks(std::int64_t since, std::int64_t until) {
  std::vector<Block> out;
  std::int64_t t = floor_to(since, kMinute);
  until = ceil_to(until, kMinute);
  while (t < until) {
    if (t % kDay == 0 && t + kDay <= until) {
      out.push_back({'d', t});
      t += kDay;
    } else if (t % kHour == 0 && t + kHour <= until) {
      out.push_back({'h', t});
      t += kHour;
    } else {
      out.push_back({'m', t});
      t += kMinute;
    }
  }
  return out;
}

std::string StatsStore::key(const Block& b, const std::string& dim) const {
  std::string k = kp_ + ":fig:";
  k += b.level;
  k += ':' + std::to_string(b.start) + ':' + dim;
  return k;
}

std::map<std::string, StatsStore::Cells> StatsStore::read(const std::string& dim, std::int64_t since,
                                                          std::int64_t until) {
  const std::vector<Block> bs = blocks(since, until);
  std::map<std::string, Cells> out;
  if (bs.empty()) return out;
  // group -> its cells, found without building a string per field
  std::unordered_map<std::string, Cells*, StringHash, std::equal_to<>> index;
  pool_.with_connection([&](RedisConnection& c) {
    for (const Block& b : bs) c.append({"HGETALL", key(b, dim)});
    // One block's reply at a time: merged, then dropped.
    for (size_t i = 0; i < bs.size(); ++i) {
      const RedisReply r = c.read_reply();
      RedisPool::check(c, r, "figures");
      const auto& e = r.elements;
      Cells* last_cells = nullptr;
      std::string_view last_group;
      for (size_t j = 0; j + 1 < e.size(); j += 2) {
        const std::string_view name = e[j].str;
        long long n = 0;
        if (!parse_ll(e[j + 1].str, n) || n == 0) continue;
        std::string_view group;
        int m = -1;
        long long bucket = 0;
        std::string_view type;
        if (!name.empty() && name[0] == '#') {
          const size_t bar = name.find('|');
          if (bar == std::string_view::npos) continue;
          type = name.substr(1, bar - 1);
          group = name.substr(bar + 1);
        } else {
          if (name.size() < 4 || name[1] != '|') continue;
          m = measure_index(name[0]);
          const size_t bar = name.find('|', 2);
          if (m < 0 || bar == std::string_view::npos || !parse_ll(name.substr(2, bar - 2), bucket)) continue;
          group = name.substr(bar + 1);
        }
        if (!last_cells || group != last_group) {
          auto it = index.find(group);
          if (it == index.end()) {
            Cells* cells = &out.emplace(std::string(group), Cells{}).first->second;
            it = index.emplace(std::string(group), cells).first;
          }
          last_cells = it->second;
          last_group = group;
        }
        if (m >= 0)
          last_cells->histograms[static_cast<size_t>(m)][bucket] += n;
        else
          last_cells->counts[std::string(type)] += n;
      }
    }
  });
  // Cells left with nothing (samples moved away) are not groups.
  for (auto it = out.begin(); it != out.end();) {
    bool any = false;
    for (const auto& h : it->second.histograms)
      for (const auto& [b, n] : h) any = any || n > 0;
    for (const auto& [t, n] : it->second.counts) any = any || n > 0;
    it = any ? std::next(it) : out.erase(it);
  }
  return out;
}

void StatsStore::record(const std::vector<std::vector<std::string>>& events, size_t chunk) {
  if (chunk == 0) chunk = 1;
  size_t sent = 0;
  pool_.with_connection([&](RedisConnection& c) {
    const std::string sha = pool_.sha_of(c, record_);
    std::vector<std::string> argv;
    for (size_t i = 0; i < events.size(); i += chunk) {
      argv = {"EVALSHA", sha, "1", kp_ + ":events", kp_};
      for (size_t j = i; j < std::min(events.size(), i + chunk); ++j) {
        argv.push_back(std::to_string(events[j].size()));
        argv.insert(argv.end(), events[j].begin(), events[j].end());
      }
      c.append(argv);
      ++sent;
    }
    for (size_t i = 0; i < sent; ++i) RedisPool::check(c, c.read_reply(), "events_record");
  });
}

}  // namespace carewatch
