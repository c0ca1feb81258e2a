#include "tests/support/redis_fixture.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "daemon/store/redis_connection.h"

namespace carewatch::testing {

std::string make_temp_dir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
  return buf.data();
}

void remove_tree(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TestRedis::TestRedis() : dir_(make_temp_dir("cw-redis")) {
  try {
    PrivateRedisOptions o;
    o.dir = dir_;
    o.tcp = true;
    server_ = std::make_unique<PrivateRedis>(o);
  } catch (...) {
    remove_tree(dir_);
    throw;
  }
}

TestRedis::~TestRedis() {
  server_.reset();  // stops the server before its directory goes
  remove_tree(dir_);
}

std::string TestRedis::command(const std::string& cmd) {
  std::vector<std::string> argv;
  std::istringstream words(cmd);
  for (std::string w; words >> w;) argv.push_back(w);
  if (argv.empty()) throw std::invalid_argument("TestRedis::command: empty command");
  RedisConnection c(endpoint(), std::chrono::milliseconds(2000), std::chrono::milliseconds(5000));
  return c.command(argv).text();
}

}  // namespace carewatch::testing
