#include "daemon/store/private_redis.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "daemon/store/redis_connection.h"

namespace carewatch {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(10);

// Resolves the executable: a name with a slash is used as is, else searched on PATH.
std::string find_executable(const std::string& name) {
  if (name.empty()) throw std::runtime_error("redis-server: empty executable name");
  if (name.find('/') != std::string::npos) {
    if (access(name.c_str(), X_OK) == 0) return name;
    throw std::runtime_error("redis-server: " + name + " is not an executable file");
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  throw std::runtime_error("redis-server: \"" + name +
                           "\" not found on PATH (install the redis-server package or set the executable)");
}

// A loopback port that was free a moment ago (bind to port 0, read it, close).
int pick_free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("redis-server: socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string err = std::strerror(errno);
    close(fd);
    throw std::runtime_error("redis-server: cannot find a free loopback port: " + err);
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::string log_tail(const std::string& path, size_t lines = 20) {
  std::ifstream f(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(f, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += all[i] + "\n";
  return out.empty() ? "(log empty)" : out;
}

// Waits up to `timeout` for the child to exit; true when it did (and was reaped).
bool wait_exit(pid_t pid, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
}

// The data directory holds mentions and replies: only its owner may read it. Tightens the
// directory to 0700 and files left by older versions to 0600 (redis's new files are 0600 by the
// umask the child runs under).
void keep_private(const std::string& dir) {
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, ec);
  if (ec) throw std::runtime_error("redis-server: cannot set mode 0700 on " + dir + ": " + ec.message());
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const auto type = it->symlink_status(ec).type();
    if (type == fs::file_type::directory)
      fs::permissions(it->path(), fs::perms::owner_all, ec);
    else if (type == fs::file_type::regular)
      fs::permissions(it->path(), fs::perms::owner_read | fs::perms::owner_write, ec);
    ec.clear();
  }
}

// "exited with status N" / "was killed by signal N", from a waitpid status.
std::string exit_description(int status) {
  return WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                           : "was killed by signal " + std::to_string(WTERMSIG(status));
}

// The process id a redis-server reports (INFO server), or -1.
pid_t reported_pid(RedisConnection& c) {
  const std::string info = c.command({"INFO", "server"}).str;
  const auto at = info.find("process_id:");
  return at == std::string::npos ? -1 : static_cast<pid_t>(std::atol(info.c_str() + at + 11));
}

}  // namespace

std::string PrivateRedis::socket_in(const std::string& dir) { return dir + "/redis.sock"; }

PrivateRedis::PrivateRedis(PrivateRedisOptions options) : options_(std::move(options)) {
  if (options_.dir.empty()) throw std::runtime_error("redis-server: no data directory given");
  if (options_.appendfsync != "always" && options_.appendfsync != "everysec" && options_.appendfsync != "no")
    throw std::runtime_error("redis-server: appendfsync must be always, everysec or no, got \"" +
                             options_.appendfsync + "\"");
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
  if (ec) throw std::runtime_error("redis-server: cannot create " + options_.dir + ": " + ec.message());
  keep_private(options_.dir);
  options_.dir = fs::absolute(options_.dir).lexically_normal().string();
  socket_ = socket_in(options_.dir);
  if (socket_.size() >= sizeof(sockaddr_un{}.sun_path))
    throw std::runtime_error("redis-server: socket path too long for a unix socket (" +
                             std::to_string(socket_.size()) + " bytes): " + socket_);
  find_executable(options_.executable);  // a clear error before anything else
  // A port chosen this way can be taken by someone else before redis binds it: retry.
  for (int attempt = 0;; ++attempt) {
    if (options_.tcp) port_ = pick_free_port();
    try {
      start();
      return;
    } catch (const std::runtime_error&) {
      if (!options_.tcp || attempt >= 4) throw;
    }
  }
}

PrivateRedis::~PrivateRedis() {
  try {
    stop();
  } catch (...) {
  }
}

RedisEndpoint PrivateRedis::endpoint() const {
  RedisEndpoint ep;
  if (options_.tcp) {
    ep.host = "127.0.0.1";
    ep.port = port_;
  } else {
    ep.unix_socket = socket_;
  }
  return ep;
}

void PrivateRedis::start() {
  if (pid_ > 0) return;
  const std::string exe = find_executable(options_.executable);
  const std::string log = options_.dir + "/redis.log";
  RedisEndpoint ep;
  ep.unix_socket = socket_;

  // A redis-server we did not start already serving this directory: starting a second one would
  // take its socket and write into its AOF. Refuse; it is not ours to stop either.
  {
    std::error_code ec;
    if (fs::exists(socket_, ec)) {
      std::string foreign;
      try {
        RedisConnection c(ep, milliseconds(500), milliseconds(1000));
        const pid_t other = reported_pid(c);
        foreign = other > 0 ? "pid " + std::to_string(other) : "a process";
      } catch (const RedisUnavailable&) {
        // a socket left behind by a server that is gone: redis replaces it
      }
      if (!foreign.empty())
        throw std::runtime_error("redis-server: a redis-server not started by this process (" + foreign +
                                 ") already answers on " + socket_ + "; not starting a second one on " +
                                 options_.dir);
    }
  }

  std::vector<std::string> args{exe,
                                "--port", std::to_string(options_.tcp ? port_ : 0),
                                "--bind", "127.0.0.1",
                                "--unixsocket", socket_,
                                "--unixsocketperm", "700",
                                "--dir", options_.dir,
                                "--appendonly", "yes",
                                "--appendfsync", options_.appendfsync,
                                "--save", "",
                                "--daemonize", "no",
                                "--logfile", log,
                                "--protected-mode", "yes"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) throw std::runtime_error("redis-server: cannot open " + log + ": " + std::strerror(errno));
  fchmod(log_fd, 0600);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const std::string err = std::strerror(errno);
    close(log_fd);
    if (null_fd >= 0) close(null_fd);
    throw std::runtime_error("redis-server: fork failed: " + err);
  }
  if (pid == 0) {
    // The daemon blocks the signals it sigwait()s for; a blocked mask survives exec, and
    // redis must see SIGTERM (stop, parent death).
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    umask(077);                        // its AOF, RDB and log: readable by the owner only
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // dies with the thread that started it
    if (getppid() != parent) _exit(127);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);  // config errors are printed before the log file is opened
    dup2(log_fd, STDERR_FILENO);
    close_range(3, ~0U, 0);       // none of our sockets or files leak into redis
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  if (null_fd >= 0) close(null_fd);
  pid_ = pid;

  // Wait until it answers PING on the unix socket, as the process we started.
  const auto deadline = Clock::now() + kStartTimeout;
  std::string last_error = "no answer";
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server (" + exe + ") " + exit_description(status) + " while starting; " + log + ":\n" +
                               log_tail(log));
    }
    try {
      RedisConnection c(ep, milliseconds(500), milliseconds(1000));
      const RedisReply r = c.command({"PING"});
      if (r.str == "PONG" && reported_pid(c) == pid_) return;
      last_error = r.str == "PONG" ? "another process answers on the socket" : r.text();
    } catch (const RedisUnavailable& e) {
      last_error = e.what();
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  kill_hard();
  throw std::runtime_error("redis-server (" + exe + ") did not answer PING within 10 s (" + last_error +
                           "); " + log + ":\n" + log_tail(log));
}

void PrivateRedis::stop() {
  if (pid_ <= 0) return;
  // Only ever our own child, by its pid (not reaped yet, so it cannot be anyone else's): a
  // SHUTDOWN sent to the socket could reach a server some other process started there.
  // SIGTERM makes redis flush the AOF and exit cleanly, as SHUTDOWN does.
  ::kill(pid_, SIGTERM);
  if (!wait_exit(pid_, kStopTimeout)) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(pid_, std::chrono::seconds(5))) {
      ::kill(pid_, SIGKILL);
      wait_exit(pid_, std::chrono::seconds(5));
    }
  }
  pid_ = -1;
}

std::optional<std::string> PrivateRedis::reap() {
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0 || (r < 0 && errno == EINTR)) return std::nullopt;
  pid_ = -1;
  return r == -1 ? "was reaped elsewhere" : exit_description(status);
}

void PrivateRedis::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_exit(pid_, std::chrono::seconds(5));
  pid_ = -1;
}

}  // namespace carewatch
