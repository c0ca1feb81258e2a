// A small hiredis client for integration tests' assertions on what the daemon wrote to Redis:
// keys, events of the events stream, and the uids queued in every queue.
#pragma once

#include <hiredis/hiredis.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/store/redis_endpoint.h"

namespace carewatch::testing {

class Probe {
 public:
  explicit Probe(const RedisEndpoint& ep) {
    ctx_ = redisConnect(ep.host.c_str(), ep.port);
    if (!ctx_ || ctx_->err) throw std::runtime_error("probe cannot connect");
  }
  ~Probe() { redisFree(ctx_); }
  redisReply* cmd(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    return static_cast<redisReply*>(
        redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()));
  }
  long long integer(const std::vector<std::string>& args) {
    redisReply* r = cmd(args);
    long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    if (r) freeReplyObject(r);
    return v;
  }
  std::string str(const std::vector<std::string>& args) {
    redisReply* r = cmd(args);
    std::string v = r && r->type == REDIS_REPLY_STRING ? std::string(r->str, r->len) : "";
    if (r) freeReplyObject(r);
    return v;
  }
  std::vector<std::string> strings(const std::vector<std::string>& args) {
    redisReply* r = cmd(args);
    std::vector<std::string> v;
    if (r && r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i < r->elements; ++i)
        if (r->element[i]->type == REDIS_REPLY_STRING) v.emplace_back(r->element[i]->str, r->element[i]->len);
    if (r) freeReplyObject(r);
    return v;
  }
  long long count_keys(const std::string& pattern) {
    return integer({"EVAL", "return #redis.call('KEYS', ARGV[1])", "0", pattern});
  }
  long long count_events(const std::string& type) {
    return integer({"EVAL",
                    "local n = 0 for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do "
                    "for i = 1, #e[2], 2 do if e[2][i] == 'type' and e[2][i+1] == ARGV[1] then n = n + 1 end end end "
                    "return n",
                    "1", "{cw}:events", type});
  }
  // Every uid in every queue stream (all priorities), in stream order.
  std::vector<std::string> queued_uids() {
    std::vector<std::string> uids;
    for (const auto& q : strings({"SMEMBERS", "{cw}:queues"})) {
      for (int p = 0; p < 4; ++p) {
        redisReply* r = cmd({"XRANGE", "{cw}:q:" + q + ":p" + std::to_string(p), "-", "+"});
        if (r && r->type == REDIS_REPLY_ARRAY)
          for (size_t i = 0; i < r->elements; ++i) {
            redisReply* fields = r->element[i]->element[1];
            for (size_t f = 0; f + 1 < fields->elements; f += 2)
              if (std::string(fields->element[f]->str) == "uid") uids.emplace_back(fields->element[f + 1]->str);
          }
        if (r) freeReplyObject(r);
      }
    }
    return uids;
  }

 private:
  redisContext* ctx_ = nullptr;
};

}  // namespace carewatch::testing
