#include "daemon/store/redis_pool.h"

#include <stdexcept>

namespace carewatch {

extern const char* const kLuaFields;
extern const char* const kLuaCommon;

namespace {

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// Error replies that mean "Redis cannot serve right now" rather than "this call is wrong".
bool is_unavailable_error(const std::string& e) {
  for (const char* p : {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "READONLY", "NOAUTH", "CLUSTERDOWN"})
    if (starts_with(e, p)) return true;
  return false;
}

}  // namespace

RedisScript::RedisScript(const char* name, const char* script)
    : name_(name), body_(std::string(kLuaFields) + "\n" + kLuaCommon + "\n" + script) {}

RedisPool::RedisPool(RedisEndpoint endpoint, const QueueStoreOptions& options)
    : endpoint_(std::move(endpoint)), options_(options) {
  if (options_.connections == 0) options_.connections = 1;
}

std::unique_ptr<RedisConnection> RedisPool::acquire(std::chrono::milliseconds wait,
                                                    std::chrono::milliseconds connect_timeout) {
  std::unique_ptr<RedisConnection> c;
  {
    std::unique_lock lock(pool_mutex_);
    if (!pool_cv_.wait_for(lock, wait, [&] { return !idle_.empty() || open_ < options_.connections; }))
      throw RedisUnavailable("redis " + describe(endpoint_) + ": no connection free within " +
                             std::to_string(wait.count()) + "ms (all " + std::to_string(options_.connections) +
                             " busy)");
    if (!idle_.empty()) {
      c = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  if (c && c->idle_and_alive()) return c;
  c.reset();  // closed by the server (restart) or broken: make a new one in its slot
  try {
    return std::make_unique<RedisConnection>(endpoint_, connect_timeout, options_.command_timeout);
  } catch (...) {
    give_back(nullptr);
    throw;
  }
}

std::unique_ptr<RedisConnection> RedisPool::acquire() {
  return acquire(options_.command_timeout, options_.connect_timeout);
}

void RedisPool::give_back(std::unique_ptr<RedisConnection> c) {
  {
    std::lock_guard lock(pool_mutex_);
    if (c && !c->broken()) idle_.push_back(std::move(c));
    else --open_;
  }
  pool_cv_.notify_one();
}

void RedisPool::check(const RedisConnection& c, const RedisReply& r, const char* what) {
  if (!r.is_error()) return;
  if (is_unavailable_error(r.str)) throw RedisUnavailable("redis " + c.name() + ": " + r.str);
  throw std::runtime_error("redis " + c.name() + ": " + what + ": " + r.str);
}

bool RedisPool::is_noscript(const RedisReply& r) { return r.is_error() && starts_with(r.str, "NOSCRIPT"); }

std::string RedisPool::load(RedisConnection& c, RedisScript& s) {
  const RedisReply r = c.command({"SCRIPT", "LOAD", s.body_});
  check(c, r, s.name_);
  std::lock_guard lock(script_mutex_);
  s.sha_ = r.str;
  return s.sha_;
}

std::string RedisPool::sha_of(RedisConnection& c, RedisScript& s) {
  {
    std::lock_guard lock(script_mutex_);
    if (!s.sha_.empty()) return s.sha_;
  }
  return load(c, s);
}

RedisReply RedisPool::command(const std::vector<std::string>& argv) {
  return with_connection([&](RedisConnection& c) {
    RedisReply r = c.command(argv);
    check(c, r, argv.empty() ? "" : argv[0].c_str());
    return r;
  });
}

RedisReply RedisPool::run(RedisScript& s, const std::vector<std::string>& keys, const std::vector<std::string>& args) {
  return with_connection([&](RedisConnection& c) {
    std::vector<std::string> argv{"EVALSHA", sha_of(c, s), std::to_string(keys.size())};
    argv.reserve(argv.size() + keys.size() + args.size());
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    RedisReply r = c.command(argv);
    if (is_noscript(r)) {
      argv[1] = load(c, s);
      r = c.command(argv);
    }
    check(c, r, s.name_);
    return r;
  });
}

std::int64_t reply_int(const RedisReply& r) {
  if (r.type == RedisReply::Type::integer) return r.integer;
  if (r.type == RedisReply::Type::string || r.type == RedisReply::Type::status) {
    try {
      return std::stoll(r.str);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

}  // namespace carewatch
