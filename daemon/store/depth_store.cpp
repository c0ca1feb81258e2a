#include "daemon/store/depth_store.h"

#include <algorithm>
#include <charconv>
#include <tuple>

namespace carewatch {

extern const char* const kLuaDepthSample;

namespace {

constexpr std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  const std::int64_t r = t % step;
  return r < 0 ? t - r - step : t - r;
}
constexpr std::int64_t ceil_to(std::int64_t t, std::int64_t step) {
  const std::int64_t f = floor_to(t, step);
  return f == t ? t : f + step;
}

bool parse_int(std::string_view s, std::int64_t& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

bool parse_depth_field(std::string_view name, std::string_view value, std::string& queue, DepthSample& sample) {
  const size_t bar = name.find('|');
  const size_t vbar = value.find('|');
  if (bar == std::string_view::npos || bar + 1 == name.size() || vbar == std::string_view::npos) return false;
  DepthSample s;
  if (!parse_int(name.substr(0, bar), s.t) || !parse_int(value.substr(0, vbar), s.waiting) ||
      !parse_int(value.substr(vbar + 1), s.claimed))
    return false;
  queue.assign(name.substr(bar + 1));
  sample = s;
  return true;
}

const DepthStore::Level* DepthStore::level_of_step(std::int64_t step) {
  for (const Level& l : kLevels)
    if (l.step == step) return &l;
  return nullptr;
}

const DepthStore::Level* DepthStore::level_for(std::int64_t step, std::int64_t since, std::int64_t now) {
  if (!level_of_step(step)) return nullptr;
  for (const Level& l : kLevels)
    if (l.step >= step && since >= now - l.keep) return &l;
  return &kLevels.back();
}

std::pair<std::int64_t, std::int64_t> DepthStore::align(const Level& level, std::int64_t since, std::int64_t until) {
  return {floor_to(since, level.step), ceil_to(until, level.step)};
}

std::optional<DepthStore::Plan> DepthStore::plan(std::int64_t step, std::int64_t since, std::int64_t until,
                                                 std::int64_t now) {
  const Level* asked = level_of_step(step);
  if (!asked) return std::nullopt;
  Plan p;
  const auto [from, to] = align(*asked, since, until);
  p.points = to > from ? (to - from) / step : 0;
  p.level = level_for(step, since, now);
  std::tie(p.since, p.until) = align(*p.level, since, until);
  return p;
}

DepthStore::DepthStore(RedisPool& pool, const std::string& prefix)
    : pool_(pool), kp_("{" + prefix + "}"), sample_("depth_sample", kLuaDepthSample) {}

std::string DepthStore::key(const Level& level, std::int64_t span_start) const {
  std::string k = kp_ + ":depth:";
  k += level.name;
  k += ':' + std::to_string(span_start);
  return k;
}

std::vector<std::int64_t> DepthStore::spans(const Level& level, std::int64_t since, std::int64_t until) {
  std::vector<std::int64_t> out;
  const auto [from, to] = align(level, since, until);
  for (std::int64_t s = floor_to(from, level.span); s < to; s += level.span) out.push_back(s);
  return out;
}

std::vector<std::string> DepthStore::keys(const Level& level, std::int64_t since, std::int64_t until) const {
  std::vector<std::string> out;
  for (std::int64_t s : spans(level, since, until)) out.push_back(key(level, s));
  return out;
}

bool DepthStore::sampled(std::int64_t minute) {
  const Level& m = kLevels.front();
  return pool_.command({"HEXISTS", key(m, floor_to(minute, m.span)), std::to_string(minute)}).integer == 1;
}

bool DepthStore::record(std::int64_t minute, const std::map<std::string, DepthSample>& depths) {
  if (depths.empty()) return false;
  minute = floor_to(minute, kMinute);
  std::vector<std::string> args{kp_, std::to_string(kLevels.size())};
  for (const Level& l : kLevels) {
    const std::int64_t span_start = floor_to(minute, l.span);
    args.push_back(key(l, span_start));
    args.push_back(std::to_string(floor_to(minute, l.step)));
    args.push_back(std::to_string(span_start + l.span + l.keep));
  }
  for (const auto& [queue, d] : depths) {
    args.push_back(queue);
    args.push_back(std::to_string(std::max<std::int64_t>(d.waiting, 0)));
    args.push_back(std::to_string(std::max<std::int64_t>(d.claimed, 0)));
  }
  return pool_.run(sample_, {args[2]}, args).integer == 1;
}

std::map<std::string, std::vector<DepthSample>> DepthStore::read(const Level& level, std::int64_t since,
                                                                 std::int64_t until, const std::string& queue) {
  std::map<std::string, std::vector<DepthSample>> out;
  const std::vector<std::string> ks = keys(level, since, until);
  if (ks.empty()) return out;
  pool_.with_connection([&](RedisConnection& c) {
    for (const auto& k : ks) c.append({"HGETALL", k});
    std::string q;
    DepthSample s;
    for (size_t i = 0; i < ks.size(); ++i) {
      const RedisReply r = c.read_reply();
      RedisPool::check(c, r, "depth samples");
      for (size_t j = 0; j + 1 < r.elements.size(); j += 2) {
        if (!parse_depth_field(r.elements[j].str, r.elements[j + 1].str, q, s)) continue;
        if (s.t < since || s.t >= until || (!queue.empty() && q != queue)) continue;
        out[q].push_back(s);
      }
    }
  });
  for (auto& [name, samples] : out)
    std::sort(samples.begin(), samples.end(), [](const DepthSample& a, const DepthSample& b) { return a.t < b.t; });
  return out;
}

}  // namespace carewatch
