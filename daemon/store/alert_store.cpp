#include "daemon/store/alert_store.h"

#include <algorithm>

namespace carewatch {

extern const char* const kLuaAlertRaise;
extern const char* const kLuaAlertTake;
extern const char* const kLuaAlertDone;

namespace {
std::string fmt(std::int64_t n) { return std::to_string(n); }
}  // namespace

AlertStore::AlertStore(RedisPool& pool, std::string prefix, std::chrono::seconds dedup_ttl)
    : pool_(pool),
      kp_("{" + prefix + "}"),
      dedup_ttl_(std::max<std::chrono::seconds>(dedup_ttl, std::chrono::seconds(1))),
      raise_("alert_raise", kLuaAlertRaise),
      take_("alert_take", kLuaAlertTake),
      done_("alert_done", kLuaAlertDone) {}

RedisReply AlertStore::run(RedisScript& s, std::vector<std::string> args) {
  args.insert(args.begin(), kp_);
  return pool_.run(s, {kp_ + ":al:seq"}, args);
}

std::vector<bool> AlertStore::raise(const std::string& key, const std::string& json,
                                    const std::vector<std::string>& channels) {
  std::vector<bool> out;
  if (channels.empty()) return out;
  std::vector<std::string> args{key, json, fmt(dedup_ttl_.count())};
  args.insert(args.end(), channels.begin(), channels.end());
  const RedisReply r = run(raise_, std::move(args));
  for (size_t i = 0; i < channels.size(); ++i)
    out.push_back(i < r.elements.size() && reply_int(r.elements[i]) == 1);
  return out;
}

std::vector<TakenAlert> AlertStore::take(const std::string& channel, const std::string& token,
                                         std::chrono::milliseconds sending_lease, size_t max) {
  const RedisReply r = run(take_, {channel, token, fmt(std::max<std::int64_t>(1, sending_lease.count())),
                                   fmt(static_cast<std::int64_t>(std::max<size_t>(1, max)))});
  std::vector<TakenAlert> out;
  for (const auto& e : r.elements) {
    if (!e.is_array() || e.elements.size() < 5) continue;
    TakenAlert t;
    t.id = e.elements[0].str;
    t.json = e.elements[1].str;
    t.attempts = reply_int(e.elements[2]);
    t.raised_at = reply_int(e.elements[3]);
    t.retaken = e.elements[4].str == "1";
    out.push_back(std::move(t));
  }
  return out;
}

size_t AlertStore::done(const std::string& channel, const std::string& token, const char* outcome,
                        std::chrono::milliseconds wait, const std::string& error, const std::vector<std::string>& ids) {
  if (ids.empty()) return 0;
  std::vector<std::string> args{channel, token, outcome, fmt(std::max<std::int64_t>(0, wait.count())), error};
  args.insert(args.end(), ids.begin(), ids.end());
  const RedisReply r = run(done_, std::move(args));
  size_t n = 0;
  for (const auto& e : r.elements) n += reply_int(e) == 1 ? 1 : 0;
  return n;
}

size_t AlertStore::finish(const std::string& channel, const std::string& token, const std::vector<std::string>& ids) {
  return done(channel, token, "done", std::chrono::milliseconds(0), "", ids);
}

size_t AlertStore::retry(const std::string& channel, const std::string& token, const std::vector<std::string>& ids,
                         std::chrono::milliseconds wait, const std::string& error, bool attempted) {
  return done(channel, token, attempted ? "retry" : "release", wait, error, ids);
}

std::int64_t AlertStore::depth(const std::string& channel) {
  return reply_int(pool_.command({"ZCARD", kp_ + ":al:q:" + channel}));
}

}  // namespace carewatch
