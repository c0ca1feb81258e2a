// Runs the carewatch binary as a child process for integration tests: arguments, stdout and
// stderr captured to files in a directory of the test's.
#pragma once

#include <cstdlib>

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace carewatch::testing {

// Sanitizer builds run slower: tests multiply their deadlines by this.
inline const int kSlow = std::getenv("CAREWATCH_SANITIZED") ? 6 : 1;

// The whole file, or "" when it cannot be read (yet).
std::string file_text(const std::string& path);

class DaemonProcess {
 public:
  DaemonProcess(std::string binary, std::vector<std::string> args, std::string log_dir);
  ~DaemonProcess();  // SIGKILLs the child if it still runs
  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Waits for exit; returns the exit status (or 128+signal), or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  std::string stdout_text() const;
  std::string stderr_text() const;
  // Waits until stdout contains `needle`; false on timeout or exit.
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string out_path_, err_path_;
};

// Free loopback TCP port (bind to port 0, read it, close).
int free_port();

}  // namespace carewatch::testing
