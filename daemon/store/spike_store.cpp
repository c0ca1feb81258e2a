#include "daemon/store/spike_store.h"

#include <stdexcept>

namespace carewatch {

namespace {

constexpr std::int64_t kSampleTtlMs = 2 * 60 * 60 * 1000;
constexpr const char* kLastField = "~last";

std::string fmt(std::int64_t n) { return std::to_string(n); }

// Sends the appended commands' replies back, throwing for the first error reply.
std::vector<RedisReply> read_replies(RedisConnection& c, size_t n, const char* what) {
  std::vector<RedisReply> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(c.read_reply());
  for (const auto& r : out) RedisPool::check(c, r, what);
  return out;
}

}  // namespace

SpikeStore::SpikeStore(RedisPool& pool, const std::string& prefix, std::chrono::milliseconds retention)
    : pool_(pool), kp_("{" + prefix + "}"), retention_(retention) {
  if (retention_.count() <= 0) throw std::invalid_argument("spike store: retention must be positive");
}

std::string SpikeStore::bucket_key(std::int64_t bucket_start_ms) const { return kp_ + ":spk:" + fmt(bucket_start_ms); }

void SpikeStore::add(const std::map<Key, std::int64_t>& counts, const std::map<Key, std::vector<std::string>>& samples,
                     std::int64_t since_bucket_ms, std::int64_t now_ms) {
  pool_.with_connection([&](RedisConnection& c) {
    size_t n = 0;
    c.append({"SET", kp_ + ":spk:since", fmt(since_bucket_ms), "NX"});
    ++n;
    for (const auto& [key, count] : counts) {
      const std::int64_t expire_at = key.first + retention_.count();
      if (expire_at <= now_ms || count <= 0) continue;
      const std::string k = bucket_key(key.first);
      c.append({"HINCRBY", k, key.second, fmt(count)});
      c.append({"PEXPIRE", k, fmt(expire_at - now_ms)});
      n += 2;
    }
    for (const auto& [key, uids] : samples) {
      if (uids.empty() || key.first + kSampleTtlMs <= now_ms) continue;
      const std::string k = kp_ + ":spks:" + fmt(key.first) + ":" + key.second;
      std::vector<std::string> push{"LPUSH", k};
      push.insert(push.end(), uids.begin(), uids.end());
      c.append(push);
      c.append({"LTRIM", k, "0", fmt(static_cast<std::int64_t>(kSamples) - 1)});
      c.append({"PEXPIRE", k, fmt(key.first + kSampleTtlMs - now_ms)});
      n += 3;
    }
    read_replies(c, n, "spike counts");
  });
}

std::optional<std::int64_t> SpikeStore::since() {
  const RedisReply r = pool_.command({"GET", kp_ + ":spk:since"});
  if (r.is_nil()) return std::nullopt;
  return reply_int(r);
}

std::map<std::int64_t, std::map<std::string, std::int64_t>> SpikeStore::read(
    const std::vector<std::int64_t>& bucket_starts) {
  std::map<std::int64_t, std::map<std::string, std::int64_t>> out;
  if (bucket_starts.empty()) return out;
  const std::vector<RedisReply> replies = pool_.with_connection([&](RedisConnection& c) {
    for (std::int64_t b : bucket_starts) c.append({"HGETALL", bucket_key(b)});
    return read_replies(c, bucket_starts.size(), "spike counts");
  });
  for (size_t i = 0; i < replies.size(); ++i) {
    const auto& e = replies[i].elements;
    if (e.empty()) continue;
    auto& series = out[bucket_starts[i]];
    for (size_t j = 0; j + 1 < e.size(); j += 2) series[e[j].str] = reply_int(e[j + 1]);
  }
  return out;
}

std::vector<std::string> SpikeStore::samples(std::int64_t bucket_start_ms, const std::string& series) {
  const RedisReply r = pool_.command({"LRANGE", kp_ + ":spks:" + fmt(bucket_start_ms) + ":" + series, "0",
                                      fmt(static_cast<std::int64_t>(kSamples) - 1)});
  std::vector<std::string> out;
  for (const auto& e : r.elements) out.push_back(e.str);
  return out;
}

SpikeStore::State SpikeStore::state() {
  const RedisReply r = pool_.command({"HGETALL", kp_ + ":spk:state"});
  State s;
  for (size_t j = 0; j + 1 < r.elements.size(); j += 2) {
    if (r.elements[j].str == kLastField)
      s.last = reply_int(r.elements[j + 1]);
    else
      s.series[r.elements[j].str] = r.elements[j + 1].str;
  }
  return s;
}

void SpikeStore::save_state(std::int64_t last_bucket_ms, const std::map<std::string, std::string>& changed) {
  std::vector<std::string> argv{"HSET", kp_ + ":spk:state", kLastField, fmt(last_bucket_ms)};
  for (const auto& [series, text] : changed) {
    argv.push_back(series);
    argv.push_back(text);
  }
  pool_.command(argv);
}

}  // namespace carewatch
