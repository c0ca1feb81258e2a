// The health of each source as the source watch (daemon/alerts/source_watch.h) keeps it, in one
// hash per source, {P}:src:<source>, shared by every daemon on the Redis: the daemon polling a
// source records its polls there, the one evaluating (under the "sources" lease) records the
// episodes it alerted, so a restart or another daemon neither forgets a source's history nor
// alerts an episode twice.
//
// The store knows the hash only as fields and a version: what the fields mean is the watch's
// (daemon/alerts/source_health.h). Writes are compare-and-set on the version, so two writers (a
// recorder and the evaluator, two daemons while a lease moves) never lose each other's update:
// the loser reads again and re-applies.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "daemon/store/redis_pool.h"

namespace carewatch {

struct SourceHealthRecord {
  std::map<std::string, std::string> fields;  // without the version field
  std::int64_t version = 0;                    // 0: no hash yet
};

class SourceHealthStore {
 public:
  // `prefix`: queues.prefix ("cw"); keys are "{prefix}:src:<source>".
  SourceHealthStore(RedisPool& pool, std::string prefix);

  SourceHealthRecord load(const std::string& source);
  // Writes `fields` when the hash is still at `version`; returns false (writing nothing) when
  // another writer came first. Throws RedisUnavailable when Redis is away.
  bool save(const std::string& source, std::int64_t version, const std::map<std::string, std::string>& fields);
  // Forgets a source's health (its history is learnt again from scratch).
  void forget(const std::string& source);

  std::string key(const std::string& source) const;  // "{cw}:src:<source>", for messages

 private:
  RedisPool& pool_;
  std::string kp_;  // "{prefix}"
};

}  // namespace carewatch
