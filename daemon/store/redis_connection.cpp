#include "daemon/store/redis_connection.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/time.h>

namespace carewatch {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  if (ms.count() < 1) ms = std::chrono::milliseconds(1);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

RedisReply convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::nil;
  }
  return out;
}

}  // namespace

std::string RedisReply::text() const {
  switch (type) {
    case Type::nil: return "(nil)";
    case Type::integer: return std::to_string(integer);
    case Type::string:
    case Type::status: return str;
    case Type::error: return "(error) " + str;
    case Type::array: {
      std::string s;
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i) s += ' ';
        s += elements[i].text();
      }
      return s;
    }
  }
  return {};
}

RedisConnection::RedisConnection(const RedisEndpoint& endpoint,
                                 std::chrono::milliseconds connect_timeout,
                                 std::chrono::milliseconds command_timeout)
    : name_(describe(endpoint)) {
  const timeval ctv = to_timeval(connect_timeout);
  ctx_ = endpoint.unix_socket.empty()
             ? redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, ctv)
             : redisConnectUnixWithTimeout(endpoint.unix_socket.c_str(), ctv);
  if (!ctx_) throw RedisUnavailable("redis " + name_ + ": cannot allocate a connection");
  if (ctx_->err) {
    const std::string msg = "redis " + name_ + ": cannot connect: " + ctx_->errstr;
    redisFree(ctx_);
    ctx_ = nullptr;
    throw RedisUnavailable(msg);
  }
  if (redisSetTimeout(ctx_, to_timeval(command_timeout)) != REDIS_OK) {
    const std::string msg = "redis " + name_ + ": cannot set the command timeout: " + ctx_->errstr;
    redisFree(ctx_);
    ctx_ = nullptr;
    throw RedisUnavailable(msg);
  }
  try {
    if (!endpoint.password.empty()) {
      const RedisReply r = command({"AUTH", endpoint.password});
      if (r.is_error()) throw RedisUnavailable("redis " + name_ + ": AUTH failed: " + r.str);
    }
    if (endpoint.db != 0) {
      const RedisReply r = command({"SELECT", std::to_string(endpoint.db)});
      if (r.is_error())
        throw RedisUnavailable("redis " + name_ + ": SELECT " + std::to_string(endpoint.db) +
                               " failed: " + r.str);
    }
  } catch (...) {
    redisFree(ctx_);
    ctx_ = nullptr;
    throw;
  }
}

RedisConnection::~RedisConnection() {
  if (ctx_) redisFree(ctx_);
}

void RedisConnection::fail(const char* what) {
  std::string detail = ctx_ && ctx_->err ? ctx_->errstr : "connection lost";
  if (ctx_ && ctx_->err == REDIS_ERR_EOF) detail = "server closed the connection";
  if (ctx_ && !ctx_->err) ctx_->err = REDIS_ERR_OTHER;  // never reuse it
  throw RedisUnavailable("redis " + name_ + ": " + what + ": " + detail);
}

void RedisConnection::append(const std::vector<std::string>& argv) {
  if (broken()) fail("append");
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), ptrs.data(), lens.data()) !=
      REDIS_OK)
    fail("append");
}

void RedisConnection::flush() {
  if (broken()) fail("write");
  int done = 0;
  while (!done)
    if (redisBufferWrite(ctx_, &done) != REDIS_OK) fail("write");
}

RedisReply RedisConnection::read_reply() {
  if (broken()) fail("read");
  void* raw = nullptr;
  if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw) {
    if (raw) freeReplyObject(raw);
    fail("read");
  }
  RedisReply out = convert(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return out;
}

RedisReply RedisConnection::command(const std::vector<std::string>& argv) {
  append(argv);
  return read_reply();
}

void RedisConnection::set_command_timeout(std::chrono::milliseconds timeout) {
  if (broken()) fail("set timeout");
  if (redisSetTimeout(ctx_, to_timeval(timeout)) != REDIS_OK) fail("set timeout");
}

bool RedisConnection::broken() const { return !ctx_ || ctx_->err != 0; }

bool RedisConnection::idle_and_alive() const {
  if (broken()) return false;
  // An idle connection never has anything to read: readable means EOF (server restarted or
  // closed it) or an error.
  pollfd p{ctx_->fd, POLLIN, 0};
  const int n = poll(&p, 1, 0);
  if (n < 0) return false;
  return n == 0;
}

}  // namespace carewatch
