#include "daemon/cli/state_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace carewatch {

namespace {

namespace fs = std::filesystem;

// The pid written in the lock file, or -1 (empty: the holder has not written it yet).
pid_t read_holder(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return -1;
  char* end = nullptr;
  const long pid = std::strtol(buf, &end, 10);
  return pid > 0 ? static_cast<pid_t>(pid) : -1;
}

}  // namespace

std::string StateLock::lock_path(const std::string& state_dir) {
  return (fs::path(state_dir) / "carewatch.lock").string();
}

StateLock::StateLock(const std::string& state_dir) : path_(lock_path(state_dir)) {
  std::error_code ec;
  const fs::path dir(state_dir);
  if (!fs::exists(dir, ec)) {
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
    if (mkdir(state_dir.c_str(), 0700) != 0 && errno != EEXIST)
      throw std::runtime_error("state_dir: cannot create " + state_dir + ": " + std::strerror(errno));
  }
  if (chmod(state_dir.c_str(), 0700) != 0)
    throw std::runtime_error("state_dir: cannot set mode 0700 on " + state_dir + ": " + std::strerror(errno));

  fd_ = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error("state_dir: cannot open the lock file " + path_ + ": " + std::strerror(errno));
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const pid_t holder = err == EWOULDBLOCK ? read_holder(fd_) : -1;
    close(fd_);
    fd_ = -1;
    if (err != EWOULDBLOCK)
      throw std::runtime_error("state_dir: cannot lock " + path_ + ": " + std::strerror(err));
    throw StateLockHeld(path_ + " is held by pid " + (holder > 0 ? std::to_string(holder) : "(unknown)") +
                            ": another carewatch runs on state dir " + state_dir,
                        holder);
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd_, 0) != 0 || pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const std::string err = std::strerror(errno);
    close(fd_);
    fd_ = -1;
    throw std::runtime_error("state_dir: cannot write the lock file " + path_ + ": " + err);
  }
}

StateLock::~StateLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace carewatch
