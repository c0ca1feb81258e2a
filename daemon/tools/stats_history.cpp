#include "daemon/tools/stats_history.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <queue>
#include <random>

namespace carewatch {
namespace {

struct Pending {
  std::int64_t at;
  std::uint64_t seq;  // keeps a mention's events in their order at equal times
  std::vector<std::string> fields;
  bool operator>(const Pending& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

}  // namespace

void generate_stats_history(const StatsHistoryOptions& o, size_t batch, const std::function<void(EventBatch&)>& sink) {
  static const char* const kQueues[] = {"care", "sales", "billing"};
  static const char* const kPlatforms[] = {"mastodon", "reddit", "bluesky", "appstore"};
  static const char* const kSources[] = {"masto-tag", "reddit-new", "bsky-search", "appstore-reviews"};
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> u(0, 1);
  auto lognormal = [&](double median_ms, double sigma) {
    return static_cast<std::int64_t>(median_ms * std::exp(sigma * std::normal_distribution<double>(0, 1)(rng)));
  };
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending;
  std::uint64_t seq = 0;
  EventBatch out;
  auto flush_until = [&](std::int64_t t) {
    while (!pending.empty() && pending.top().at <= t) {
      out.push_back(pending.top().fields);
      pending.pop();
      if (out.size() >= batch) {
        sink(out);
        out.clear();
      }
    }
  };
  const double span = static_cast<double>(o.end_ms - o.start_ms);
  std::vector<std::int64_t> posted(o.mentions);
  for (auto& p : posted) p = o.start_ms + static_cast<std::int64_t>(u(rng) * span);
  std::sort(posted.begin(), posted.end());
  for (size_t i = 0; i < o.mentions; ++i) {
    const std::int64_t post = posted[i];
    flush_until(post);
    const std::string uid = "gen:" + std::to_string(i);
    const int pi = static_cast<int>(u(rng) * 4);
    const std::string platform = kPlatforms[pi], source = kSources[pi];
    const std::string queue = kQueues[static_cast<int>(u(rng) * 3)];
    const std::string priority = std::to_string(static_cast<int>(u(rng) * 4));
    auto add = [&](std::int64_t at, const char* type, const std::string& actor,
                   std::vector<std::string> extra) {
      std::vector<std::string> f = {"type", type, "uid", uid, "actor", actor, "at", std::to_string(at),
                                    "queue", queue, "platform", platform, "priority", priority};
      f.insert(f.end(), extra.begin(), extra.end());
      pending.push({at, seq++, std::move(f)});
    };
    const std::int64_t detect = lognormal(40'000, 1.2);
    const std::int64_t seen = post + detect;
    add(seen, "ingested", source, {});
    add(seen, "queued", source, {"detect_ms", std::to_string(detect)});
    if (u(rng) < 0.1) continue;  // never claimed
    auto agent = [&] {
      char b[32];
      std::snprintf(b, sizeof b, "agent%02d", static_cast<int>(u(rng) * o.agents) + 1);
      return std::string(b);
    };
    std::string who = agent();
    const std::int64_t claimed = seen + lognormal(300'000, 1.5);
    add(claimed, "claimed", who, {"wait_ms", std::to_string(claimed - seen)});
    std::int64_t t = claimed;
    if (u(rng) < 0.05) {  // released, then claimed by another (no second wait)
      t += lognormal(120'000, 1.0);
      add(t, "released", who, {});
      who = agent();
      t += lognormal(60'000, 1.0);
      add(t, "claimed", who, {});
    }
    if (u(rng) < 0.04) {  // handed off, claimed again in the other queue
      t += lognormal(120'000, 1.0);
      add(t, "handed_off", who, {});
      who = agent();
      t += lognormal(600'000, 1.0);
      add(t, "claimed", who, {});
    }
    if (u(rng) < 0.15) continue;  // no reply yet
    const std::int64_t submitted = t + lognormal(180'000, 1.2);
    add(submitted, "replied", who, {});
    const std::int64_t sent = submitted + lognormal(2'000, 0.8);
    add(sent, "reply_sent", who, {"frt_ms", std::to_string(sent - post), "delivery_ms", std::to_string(sent - submitted)});
    if (u(rng) < 0.03) {  // a brand reply made before it, seen later: the first response moves
      const std::int64_t reply_at = post + static_cast<std::int64_t>(u(rng) * static_cast<double>(sent - post));
      const std::int64_t seen_reply = sent + lognormal(600'000, 1.0);
      add(seen_reply, "replied", "brand:acme",
          {"native", "1", "reply_at", std::to_string(reply_at), "frt_ms", std::to_string(reply_at - post),
           "frt_was_ms", std::to_string(sent - post)});
    }
    if (u(rng) < 0.2) continue;  // not resolved yet
    const std::int64_t resolved = sent + lognormal(1'800'000, 1.5);
    add(resolved, "resolved", who, {"resolve_ms", std::to_string(resolved - post)});
  }
  flush_until(INT64_MAX);
  if (!out.empty()) sink(out);
}

}  // namespace carewatch
