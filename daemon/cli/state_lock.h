// The exclusive lock a daemon holds on its state dir: an flock on <state_dir>/carewatch.lock,
// which holds the holder's pid. Taken by `carewatch run` before it touches anything else, and by
// `carewatch reset-cursor` before it starts a private redis-server of its own, so two processes
// never run redis-servers on one data directory.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>

namespace carewatch {

// Another process holds the lock; what() names the lock file, the holder's pid and the state dir.
class StateLockHeld : public std::runtime_error {
 public:
  StateLockHeld(const std::string& what, pid_t holder) : std::runtime_error(what), holder_(holder) {}
  pid_t holder() const { return holder_; }  // -1 when the file did not name one yet

 private:
  pid_t holder_;
};

class StateLock {
 public:
  // The lock file of a state dir.
  static std::string lock_path(const std::string& state_dir);

  // Creates the state dir with mode 0700 (and tightens an existing one to 0700: it holds
  // mentions and replies), takes the lock without waiting and writes our pid into the file.
  // Throws StateLockHeld when another process holds it, std::runtime_error naming the path when
  // the directory or the file cannot be made.
  explicit StateLock(const std::string& state_dir);
  ~StateLock();  // releases the lock (the file stays)
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace carewatch
