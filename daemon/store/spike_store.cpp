#include "daemon/store/spike_store.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
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

// How far before the bucket a spike was raised on its window may start (the detector's windows
// are 5 or 10 minutes; an hour leaves room).
constexpr std::int64_t kMaxWindowMs = 60 * 60 * 1000;

std::string mark_json(const SpikeStore::Mark& m) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto text = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  text("series", m.series);
  text("platform", m.platform);
  text("category", m.category);
  text("tag", m.tag);
  w.Key("at");
  w.Int64(m.at);
  w.Key("bucket");
  w.Int64(m.bucket);
  w.Key("until");
  w.Int64(m.until);
  w.Key("count");
  w.Int64(m.count);
  w.Key("expected");
  w.Double(m.expected);
  if (m.ended) {
    w.Key("ended");
    w.Int64(*m.ended);
  }
  w.EndObject();
  return sb.GetString();
}

// A record back; nullopt for a member that is not one (it is skipped, not fatal).
std::optional<SpikeStore::Mark> parse_mark(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  SpikeStore::Mark m;
  auto text = [&](const char* k, std::string& into) {
    auto it = d.FindMember(k);
    if (it != d.MemberEnd() && it->value.IsString()) into.assign(it->value.GetString(), it->value.GetStringLength());
  };
  auto number = [&](const char* k, std::int64_t& into) {
    auto it = d.FindMember(k);
    if (it == d.MemberEnd() || !it->value.IsInt64()) return false;
    into = it->value.GetInt64();
    return true;
  };
  text("series", m.series);
  text("platform", m.platform);
  text("category", m.category);
  text("tag", m.tag);
  if (m.series.empty() || !number("at", m.at) || !number("bucket", m.bucket) || !number("until", m.until) ||
      !number("count", m.count))
    return std::nullopt;
  if (auto it = d.FindMember("expected"); it != d.MemberEnd() && it->value.IsNumber()) m.expected = it->value.GetDouble();
  std::int64_t ended = 0;
  if (number("ended", ended)) m.ended = ended;
  return m;
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

void SpikeStore::log_spike(const Mark& m, std::int64_t now_ms) {
  const std::string key = kp_ + ":spk:log", score = fmt(m.bucket);
  pool_.with_connection([&](RedisConnection& c) {
    const RedisReply same = c.command({"ZRANGEBYSCORE", key, score, score});
    RedisPool::check(c, same, "spike log");
    size_t n = 0;
    for (const auto& e : same.elements) {
      const auto old = parse_mark(e.str);
      if (old && old->series == m.series) {
        c.append({"ZREM", key, e.str});
        ++n;
      }
    }
    c.append({"ZADD", key, score, mark_json(m)});
    c.append({"ZREMRANGEBYSCORE", key, "-inf", "(" + fmt(now_ms - kLogRetention)});
    c.append({"ZREMRANGEBYRANK", key, "0", fmt(-static_cast<std::int64_t>(kLogMax) - 1)});
    read_replies(c, n + 3, "spike log");
  });
}

void SpikeStore::log_over(const std::string& series, std::int64_t bucket_ms, std::int64_t ended_ms) {
  const std::string key = kp_ + ":spk:log", score = fmt(bucket_ms);
  pool_.with_connection([&](RedisConnection& c) {
    const RedisReply same = c.command({"ZRANGEBYSCORE", key, score, score});
    RedisPool::check(c, same, "spike log");
    size_t n = 0;
    for (const auto& e : same.elements) {
      auto m = parse_mark(e.str);
      if (!m || m->series != series || m->ended) continue;
      m->ended = ended_ms;
      c.append({"ZREM", key, e.str});
      c.append({"ZADD", key, score, mark_json(*m)});
      n += 2;
    }
    read_replies(c, n, "spike log");
  });
}

std::vector<SpikeStore::Mark> SpikeStore::marks(std::int64_t since, std::int64_t until) {
  std::vector<Mark> out;
  if (until <= since) return out;
  // Scored by the bucket raised on, which is at or after the window's start.
  const RedisReply r =
      pool_.command({"ZRANGEBYSCORE", kp_ + ":spk:log", fmt(since), "(" + fmt(until + kMaxWindowMs)});
  for (const auto& e : r.elements)
    if (auto m = parse_mark(e.str); m && m->at >= since && m->at < until) out.push_back(std::move(*m));
  std::stable_sort(out.begin(), out.end(), [](const Mark& a, const Mark& b) { return a.at < b.at; });
  return out;
}

}  // namespace carewatch
