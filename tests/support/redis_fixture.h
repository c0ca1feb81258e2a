// A real redis-server for tests: started by the harness in a fresh temporary directory (unix
// socket + a free loopback TCP port), AOF on; removed afterwards. Never assumes a server runs.
#pragma once

#include <memory>
#include <string>

#include "daemon/store/private_redis.h"
#include "daemon/store/queue_store.h"

namespace carewatch::testing {

std::string make_temp_dir(const std::string& prefix);  // mkdtemp under $TMPDIR or /tmp
void remove_tree(const std::string& dir);

class TestRedis {
 public:
  TestRedis();   // starts the server; fails the test (throws) if redis-server is missing
  ~TestRedis();
  PrivateRedis& server() { return *server_; }
  RedisEndpoint endpoint() const { return server_->endpoint(); }
  const std::string& dir() const { return dir_; }
  // A command through redis-cli-free means (hiredis), returning the reply as text; for assertions.
  std::string command(const std::string& cmd);

 private:
  std::string dir_;
  std::unique_ptr<PrivateRedis> server_;
};

}  // namespace carewatch::testing
