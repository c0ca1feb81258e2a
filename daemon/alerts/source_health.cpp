#include "daemon/alerts/source_health.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

namespace carewatch {

namespace {

using std::chrono::milliseconds;
constexpr std::int64_t kDayMs = 24 * 3600 * 1000;

// Learns the gap that ended at `at` (a fresh mention after the previous one).
void learn(SourceHealth& s, std::int64_t gap, TimeMs at) {
  s.gaps.push_back(gap);
  if (s.gaps.size() > kRecentGaps) s.gaps.erase(s.gaps.begin(), s.gaps.end() - kRecentGaps);
  ++s.gaps_seen;
  const std::int64_t day = at / kDayMs;
  auto it = std::find_if(s.longest_by_day.begin(), s.longest_by_day.end(), [day](const auto& e) { return e.first == day; });
  if (it == s.longest_by_day.end())
    s.longest_by_day.emplace_back(day, gap);
  else
    it->second = std::max(it->second, gap);
  std::erase_if(s.longest_by_day, [day](const auto& e) { return e.first <= day - kLongestQuietDays || e.first > day; });
}

std::int64_t to_int(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::string join(const std::vector<std::int64_t>& v) {
  std::string out;
  for (auto x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool looks_secret(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* w : {"token", "key", "secret", "password", "passwd", "sig", "auth"})
    if (name.find(w) != std::string::npos) return true;
  return false;
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

}  // namespace

milliseconds polling_hole(const SourceHealthOptions& o) {
  return std::max({o.down_after, o.interval * 3, milliseconds(std::chrono::minutes(10))});
}

void apply_poll(SourceHealth& s, const PollSample& p, const SourceHealthOptions& o) {
  if (s.last_poll_at && p.at - s.last_poll_at > polling_hole(o).count()) {
    // Nobody polled it for a long while: that quiet says nothing about the source.
    s.gap_tainted = true;
    s.quiet_reset_at = p.at;
  }
  s.last_poll_at = std::max(s.last_poll_at, p.at);
  if (!p.ok) {
    if (!s.failing_since) s.failing_since = p.at;
    ++s.failed_polls;
    s.last_error = p.error;
    s.last_fatal = p.fatal;
    s.last_redis = p.redis;
    return;
  }
  if (s.failing_since) {
    if (p.at - s.failing_since >= o.down_after.count()) {
      // It was down: no mention could come meanwhile, so the quiet starts again from here.
      s.gap_tainted = true;
      s.quiet_reset_at = p.at;
    }
    s.failing_since = 0;
    s.failed_polls = 0;
  }
  s.last_ok_at = std::max(s.last_ok_at, p.at);
  if (p.new_mentions == 0) return;
  // Fresh only when newer than anything seen: a source that starts to hand out old posts under
  // new ids (a changed API, a feed replaying its archive) is not taken for alive.
  const TimeMs posted = p.newest_posted_at > 0 ? std::min(p.newest_posted_at, p.at) : p.at;
  if (posted <= s.newest_posted_at) return;
  s.newest_posted_at = posted;
  if (s.last_mention_at == 0) {
    s.learning_since = p.at;
  } else if (!s.gap_tainted && s.silent_alerted == 0 && p.at > s.last_mention_at) {
    learn(s, p.at - s.last_mention_at, p.at);
  }
  s.last_mention_at = std::max(s.last_mention_at, p.at);
  s.gap_tainted = false;
}

TimeMs silence_from(const SourceHealth& s) {
  if (s.last_mention_at == 0) return 0;
  return std::max(s.last_mention_at, s.quiet_reset_at);
}

std::optional<SilenceLimit> silence_limit(const SourceHealth& s, const SourceHealthOptions& o, TimeMs now) {
  if (s.last_mention_at == 0) return std::nullopt;
  if (o.silent_after) return SilenceLimit{*o.silent_after, milliseconds(0), milliseconds(0), false};
  if (s.gaps.empty() || s.gaps_seen < static_cast<std::int64_t>(o.min_history) ||
      now - s.learning_since < kMinHistorySpan.count())
    return std::nullopt;
  std::vector<std::int64_t> sorted = s.gaps;
  std::sort(sorted.begin(), sorted.end());
  const size_t rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(sorted.size())));
  const std::int64_t p90 = sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
  const std::int64_t today = now / kDayMs;
  std::int64_t longest = 0;
  for (const auto& [day, gap] : s.longest_by_day)
    if (day > today - kLongestQuietDays) longest = std::max(longest, gap);
  SilenceLimit l;
  l.learnt = true;
  l.usual_gap = milliseconds(p90);
  l.longest_quiet = milliseconds(longest);
  const double learnt = std::max(o.silent_factor * static_cast<double>(p90), kLongestQuietMargin * static_cast<double>(longest));
  l.limit = std::max(o.silent_floor, milliseconds(static_cast<std::int64_t>(std::min(learnt, 1e15))));
  return l;
}

std::vector<SourceTransition> decide(SourceHealth& s, const SourceHealthOptions& o, TimeMs now) {
  std::vector<SourceTransition> out;
  using Kind = SourceTransition::Kind;
  if (s.down_alerted && s.failing_since != s.down_alerted) {
    out.push_back({Kind::down_recovered, s.down_alerted, s.last_ok_at >= s.down_alerted ? s.last_ok_at : now, {}});
    s.down_alerted = 0;
  }
  if (s.silent_alerted && s.last_mention_at > s.silent_alerted) {
    out.push_back({Kind::silent_recovered, s.silent_alerted, s.last_mention_at, {}});
    s.silent_alerted = 0;
  }
  if (!o.enabled) return out;
  // Without a recent poll the state is stale (the daemons were stopped): judge nothing new.
  if (s.last_poll_at == 0 || now - s.last_poll_at > polling_hole(o).count()) return out;
  if (!s.down_alerted && s.failing_since && now - s.failing_since >= o.down_after.count()) {
    out.push_back({Kind::down, s.failing_since, 0, {}});
    s.down_alerted = s.failing_since;
    s.gap_tainted = true;
  }
  if (!s.silent_alerted && !s.failing_since && !o.finite) {
    const TimeMs from = silence_from(s);
    if (auto limit = silence_limit(s, o, now); limit && from && now - from > limit->limit.count()) {
      out.push_back({Kind::silent, from, 0, *limit});
      s.silent_alerted = from;
      s.gap_tainted = true;
    }
  }
  return out;
}

std::string transition_key(const std::string& source, const SourceTransition& t) {
  const std::string since = std::to_string(t.since);
  switch (t.kind) {
    case SourceTransition::Kind::down: return "source_down:" + source + ":" + since;
    case SourceTransition::Kind::silent: return "source_silent:" + source + ":" + since;
    case SourceTransition::Kind::down_recovered: return "source_recovered:" + source + ":down:" + since;
    case SourceTransition::Kind::silent_recovered: return "source_recovered:" + source + ":silent:" + since;
  }
  return "";
}

std::string format_span(milliseconds d) {
  std::int64_t ms = std::max<std::int64_t>(0, d.count());
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::int64_t s = ms / 1000;
  const std::pair<std::int64_t, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  std::string out;
  int shown = 0;
  for (const auto& [size, name] : units) {
    const std::int64_t n = s / size;
    s %= size;
    if (shown == 0 && n == 0) continue;
    if (n) out += std::to_string(n) + name;
    if (++shown == 2) break;
  }
  return out;
}

std::string alert_safe_error(const std::string& error) {
  std::string out;
  out.reserve(error.size());
  for (size_t i = 0; i < error.size();) {
    const char c = error[i];
    if (c == '=' && i > 0) {
      size_t b = i;
      while (b > 0 && name_char(error[b - 1])) --b;
      if (b < i && looks_secret(error.substr(b, i - b))) {
        out += "=***";
        ++i;
        while (i < error.size() && !std::strchr("&; \t\r\n\"'#,)", error[i])) ++i;
        continue;
      }
    }
    if (error.compare(i, 7, "Bearer ") == 0) {
      out += "Bearer ***";
      i += 7;
      while (i < error.size() && !std::isspace(static_cast<unsigned char>(error[i])) && error[i] != '"') ++i;
      continue;
    }
    out += c;
    ++i;
  }
  constexpr size_t kMax = 300;
  if (out.size() > kMax) {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a code point
    out = out.substr(0, cut) + "...";
  }
  return out;
}

std::map<std::string, std::string> to_fields(const SourceHealth& s) {
  std::string days;
  for (const auto& [day, gap] : s.longest_by_day)
    days += (days.empty() ? "" : ",") + std::to_string(day) + ":" + std::to_string(gap);
  auto n = [](std::int64_t v) { return std::to_string(v); };
  return {
      {"last_poll_at", n(s.last_poll_at)},
      {"last_ok_at", n(s.last_ok_at)},
      {"failing_since", n(s.failing_since)},
      {"failed_polls", n(s.failed_polls)},
      {"last_error", s.last_error},
      {"last_fatal", s.last_fatal ? "1" : "0"},
      {"last_redis", s.last_redis ? "1" : "0"},
      {"last_mention_at", n(s.last_mention_at)},
      {"newest_posted_at", n(s.newest_posted_at)},
      {"quiet_reset_at", n(s.quiet_reset_at)},
      {"learning_since", n(s.learning_since)},
      {"gaps_seen", n(s.gaps_seen)},
      {"gaps", join(s.gaps)},
      {"longest_by_day", days},
      {"gap_tainted", s.gap_tainted ? "1" : "0"},
      {"down_alerted", n(s.down_alerted)},
      {"silent_alerted", n(s.silent_alerted)},
  };
}

SourceHealth source_health_from_fields(const std::map<std::string, std::string>& f) {
  auto get = [&f](const char* name) -> std::string {
    auto it = f.find(name);
    return it == f.end() ? std::string() : it->second;
  };
  SourceHealth s;
  s.last_poll_at = to_int(get("last_poll_at"));
  s.last_ok_at = to_int(get("last_ok_at"));
  s.failing_since = to_int(get("failing_since"));
  s.failed_polls = to_int(get("failed_polls"));
  s.last_error = get("last_error");
  s.last_fatal = get("last_fatal") == "1";
  s.last_redis = get("last_redis") == "1";
  s.last_mention_at = to_int(get("last_mention_at"));
  s.newest_posted_at = to_int(get("newest_posted_at"));
  s.quiet_reset_at = to_int(get("quiet_reset_at"));
  s.learning_since = to_int(get("learning_since"));
  s.gaps_seen = to_int(get("gaps_seen"));
  for (const auto& g : split(get("gaps"), ',')) s.gaps.push_back(to_int(g));
  if (s.gaps.size() > kRecentGaps) s.gaps.erase(s.gaps.begin(), s.gaps.end() - kRecentGaps);
  for (const auto& e : split(get("longest_by_day"), ',')) {
    const size_t colon = e.find(':');
    if (colon != std::string::npos) s.longest_by_day.emplace_back(to_int(e.substr(0, colon)), to_int(e.substr(colon + 1)));
  }
  s.gap_tainted = get("gap_tainted") == "1";
  s.down_alerted = to_int(get("down_alerted"));
  s.silent_alerted = to_int(get("silent_alerted"));
  return s;
}

}  // namespace carewatch
