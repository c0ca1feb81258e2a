// One blocking hiredis connection (hiredis headers stay in redis_connection.cpp). Used by the
// queue store's pool, by PrivateRedis (PING / SHUTDOWN) and by the test harness. Every command
// goes through the Argv forms, so binary or untrusted text is passed safely.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "daemon/store/redis_endpoint.h"

struct redisContext;

namespace carewatch {

struct RedisReply {
  enum class Type { nil, integer, string, status, error, array };
  Type type = Type::nil;
  long long integer = 0;
  std::string str;                    // string, status and error replies
  std::vector<RedisReply> elements;   // array replies

  bool is_nil() const { return type == Type::nil; }
  bool is_error() const { return type == Type::error; }
  bool is_array() const { return type == Type::array; }
  // Renders the reply as text: integers in decimal, nil as "(nil)", errors as "(error) ...",
  // arrays as their elements joined by spaces.
  std::string text() const;
};

class RedisConnection {
 public:
  // Connects (within connect_timeout), sets the command timeout, then AUTH and SELECT when the
  // endpoint asks for them. Throws RedisUnavailable naming the endpoint and the error.
  RedisConnection(const RedisEndpoint& endpoint, std::chrono::milliseconds connect_timeout,
                  std::chrono::milliseconds command_timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command and reads its reply. An I/O failure marks the connection broken and
  // throws RedisUnavailable; an error reply is returned as a reply of type error.
  RedisReply command(const std::vector<std::string>& argv);

  // Pipelining: append several commands, then read their replies in order.
  void append(const std::vector<std::string>& argv);
  RedisReply read_reply();
  // Sends what append() buffered without waiting for replies, so the server works on them while
  // the caller prepares more.
  void flush();

  // Changes the command timeout of this connection (e.g. a short one for a health probe).
  void set_command_timeout(std::chrono::milliseconds timeout);

  // True once an I/O error happened (a command that timed out included); a broken connection
  // must be discarded: a late reply would otherwise answer the next command.
  bool broken() const;
  // For an idle connection: false when the server closed it (a restart) or it is broken.
  bool idle_and_alive() const;
  const std::string& name() const { return name_; }

 private:
  [[noreturn]] void fail(const char* what);
  std::string name_;
  redisContext* ctx_ = nullptr;
};

}  // namespace carewatch
