#include "daemon/store/stats_store.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <stdexcept>
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

long long StatsStore::bucket_index(long long b) {
  if (b < 0) return -1;
  if (b < 100) return b;
  long long d = 1, decade = 0;
  while (b / d >= 100) {
    d *= 10;
    ++decade;
  }
  if (b % d != 0) return -1;
  return 100 + 90 * (decade - 1) + (b / d - 10);
}

long long StatsStore::bucket_at(long long index) {
  if (index < 100) return index;
  long long d = 10;
  for (long long k = (index - 100) / 90; k > 0; --k) d *= 10;
  return (10 + (index - 100) % 90) * d;
}

namespace {

// One block's figures as its hash holds them, per group: (bucket index -> samples) per measure
// and the counted event types. Only for blocks read from their hash.
struct BlockGroup {
  std::array<std::map<long long, long long>, 4> histograms;
  std::map<std::string, long long, std::less<>> counts;
};
using BlockFigures = std::map<std::string, BlockGroup, std::less<>>;

// The fields of one block's hash (HGETALL: name, value, ...). A field that does not parse is
// left out, as are counts at or below 0 (the scripts delete those).
BlockFigures parse_hash(const std::vector<RedisReply>& e) {
  BlockFigures out;
  BlockGroup* last = nullptr;
  std::string_view last_group;
  for (size_t j = 0; j + 1 < e.size(); j += 2) {
    const std::string_view name = e[j].str;
    long long n = 0;
    if (!parse_ll(e[j + 1].str, n) || n <= 0) continue;
    std::string_view group;
    int m = -1;
    long long index = 0;
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
      long long bucket = 0;
      if (m < 0 || bar == std::string_view::npos || !parse_ll(name.substr(2, bar - 2), bucket)) continue;
      index = StatsStore::bucket_index(bucket);
      if (index < 0) continue;
      group = name.substr(bar + 1);
    }
    if (!last || group != last_group) {
      auto it = out.find(group);
      if (it == out.end()) it = out.emplace(std::string(group), BlockGroup{}).first;
      last = &it->second;
      last_group = it->first;
    }
    if (m >= 0)
      last->histograms[static_cast<size_t>(m)][index] += n;
    else
      last->counts[std::string(type)] += n;
  }
  return out;
}

constexpr char kSealVersion = 1;

void put_varint(std::string& out, unsigned long long v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void put_text(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

// The sealed copy of a block (stats_store.h: "Sealed copy format").
std::string seal(const BlockFigures& block) {
  std::string out(1, kSealVersion);
  for (const auto& [group, g] : block) {
    put_text(out, group);
    put_varint(out, g.counts.size());
    for (const auto& [type, n] : g.counts) {
      put_text(out, type);
      put_varint(out, static_cast<unsigned long long>(n));
    }
    for (const auto& h : g.histograms) {
      put_varint(out, h.size());
      long long previous = 0;
      for (const auto& [index, n] : h) {
        put_varint(out, static_cast<unsigned long long>(index - previous));
        put_varint(out, static_cast<unsigned long long>(n));
        previous = index;
      }
    }
  }
  return out;
}

// The window's figures, summed over its blocks: per group, samples per measure by bucket index.
struct Sum {
  std::array<std::vector<long long>, 4> by_index;
  std::map<std::string, long long> counts;
};
using Sums = std::unordered_map<std::string, Sum, StringHash, std::equal_to<>>;

class Unpacker {
 public:
  explicit Unpacker(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}
  bool done() const { return p_ == end_; }
  bool varint(unsigned long long& v) {
    v = 0;
    for (int shift = 0; shift < 64 && p_ != end_; shift += 7) {
      const auto byte = static_cast<unsigned char>(*p_++);
      v |= static_cast<unsigned long long>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  }
  bool text(std::string_view& s) {
    unsigned long long n = 0;
    if (!varint(n) || n > static_cast<unsigned long long>(end_ - p_)) return false;
    s = std::string_view(p_, n);
    p_ += n;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

// Adds a sealed copy to `sums` (every group under `as` when it is not empty). False, with
// `sums` partly added to, when the copy does not parse: check first with add_sealed(.., nullptr).
bool add_sealed(std::string_view packed, Sums* sums, std::string_view as, const StatsStore::GroupMap& map = {}) {
  if (packed.empty() || packed[0] != kSealVersion) return false;
  Unpacker u(packed.substr(1));
  constexpr unsigned long long kMaxIndex = 100 + 90 * 17;  // buckets up to 10^19
  while (!u.done()) {
    std::string_view group;
    unsigned long long types = 0;
    if (!u.text(group) || !u.varint(types)) return false;
    Sum* sum = nullptr;
    std::string_view name = as.empty() ? group : as;
    if (sums && (!map || map(group, name))) {
      auto it = sums->find(name);
      if (it == sums->end()) it = sums->emplace(std::string(name), Sum{}).first;
      sum = &it->second;
    }
    for (unsigned long long t = 0; t < types; ++t) {
      std::string_view type;
      unsigned long long n = 0;
      if (!u.text(type) || !u.varint(n)) return false;
      if (sum) sum->counts[std::string(type)] += static_cast<long long>(n);
    }
    for (size_t m = 0; m < 4; ++m) {
      unsigned long long pairs = 0;
      if (!u.varint(pairs)) return false;
      unsigned long long index = 0;
      for (unsigned long long i = 0; i < pairs; ++i) {
        unsigned long long step = 0, n = 0;
        if (!u.varint(step) || !u.varint(n)) return false;
        index += step;
        if (index > kMaxIndex) return false;
        if (sum) {
          auto& v = sum->by_index[m];
          if (v.size() <= index) v.resize(index + 1, 0);
          v[index] += static_cast<long long>(n);
        }
      }
    }
  }
  return true;
}

std::int64_t reply_time_ms(const RedisReply& r) {
  long long s = 0, us = 0;
  if (r.elements.size() != 2 || !parse_ll(r.elements[0].str, s) || !parse_ll(r.elements[1].str, us))
    throw std::runtime_error("figures: TIME gave an unexpected reply: " + r.text());
  return s * 1000 + us / 1000;
}

}  // namespace

std::map<std::string, StatsStore::Cells> StatsStore::read(const std::string& dim, std::int64_t since,
                                                          std::int64_t until, const GroupMap& map) {
  if (dim != "all" && dim != "q" && dim != "pl" && dim != "pr" && dim != "ag" && dim != "ax")
    throw std::invalid_argument("figures: no dimension \"" + dim + "\" (expected all, q, pl, pr, ag or ax)");
  const std::string stored = dim == "all" ? "pr" : dim;
  const std::string_view as = dim == "all" ? "all" : "";
  const std::vector<Block> bs = blocks(since, until);
  std::map<std::string, Cells> out;
  if (bs.empty()) return out;
  const auto level_of = [](char letter) {
    for (const Level& l : kLevels)
      if (l.letter == letter) return l;
    return kLevels[0];
  };
  Sums sums;
  pool_.with_connection([&](RedisConnection& c) {
    // 1. Redis's time and every block's sealed copy.
    c.append({"TIME"});
    for (const Block& b : bs) c.append({"GET", key(b, stored) + ":s"});
    const RedisReply time = c.read_reply();
    RedisPool::check(c, time, "figures");
    const std::int64_t now = reply_time_ms(time);
    std::vector<size_t> missing;
    for (size_t i = 0; i < bs.size(); ++i) {
      const RedisReply r = c.read_reply();
      RedisPool::check(c, r, "figures");
      if (r.type == RedisReply::Type::string && add_sealed(r.str, nullptr, as))
        add_sealed(r.str, &sums, as, map);
      else
        missing.push_back(i);
    }
    if (missing.empty()) return;
    // 2. The hashes of the others; those that have ended are watched, to be sealed.
    std::vector<std::string> watch = {"WATCH"};
    std::vector<bool> sealing(missing.size());
    for (size_t j = 0; j < missing.size(); ++j) {
      const Block& b = bs[missing[j]];
      const Level l = level_of(b.level);
      sealing[j] = b.start + l.length <= now - kSealAfter && b.start + l.retention > now + kSealAfter;
      if (sealing[j]) watch.push_back(key(b, stored));
    }
    const bool any_sealing = watch.size() > 1;
    try {
      if (any_sealing) c.append(watch);
      for (const size_t i : missing) c.append({"HGETALL", key(bs[i], stored)});
      if (any_sealing) RedisPool::check(c, c.read_reply(), "figures");
      std::vector<std::string> sealed(missing.size());
      for (size_t j = 0; j < missing.size(); ++j) {
        const RedisReply r = c.read_reply();
        RedisPool::check(c, r, "figures");
        sealed[j] = seal(parse_hash(r.elements));
        add_sealed(sealed[j], &sums, as, map);
      }
      if (!any_sealing) return;
      // 3. The copies, only if no watched hash changed since it was read.
      c.append({"MULTI"});
      size_t queued = 0;
      for (size_t j = 0; j < missing.size(); ++j) {
        if (!sealing[j]) continue;
        const Block& b = bs[missing[j]];
        c.append({"SET", key(b, stored) + ":s", sealed[j], "PXAT", std::to_string(b.start + level_of(b.level).retention)});
        ++queued;
      }
      c.append({"EXEC"});
      for (size_t j = 0; j < queued + 1; ++j) RedisPool::check(c, c.read_reply(), "figures");
      RedisPool::check(c, c.read_reply(), "figures");  // EXEC: nil when a hash changed (sealed next time)
    } catch (...) {
      try {
        c.command({"UNWATCH"});
      } catch (...) {
      }
      throw;
    }
  });
  for (auto& [group, sum] : sums) {
    Cells cells;
    bool any = false;
    for (size_t m = 0; m < 4; ++m) {
      const auto& v = sum.by_index[m];
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == 0) continue;
        cells.histograms[m].emplace(bucket_at(static_cast<long long>(i)), v[i]);
        any = true;
      }
    }
    for (const auto& [type, n] : sum.counts) {
      if (n == 0) continue;
      cells.counts.emplace(type, n);
      any = true;
    }
    // A group left with nothing (its samples moved away) is not a group.
    if (any) out.emplace(group, std::move(cells));
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
