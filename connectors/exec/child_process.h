// Runs a program as a child process for one poll of the exec connector: writes its stdin, reads
// its stdout line by line as it comes (never the whole output at once) and the tail of its
// stderr, and ends it when it runs too long. Linux/POSIX only.
//
// The child runs in a process group of its own, so a timeout ends the program and anything it
// started (SIGTERM to the group, then SIGKILL after the grace time). It gets SIGTERM too when
// the carewatch thread that started it dies (PR_SET_PDEATHSIG), so a killed carewatch leaves no
// plugin behind. It inherits no file descriptor but stdin, stdout and stderr, and its signal
// dispositions are reset (carewatch ignores SIGPIPE; the program must not).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch::exec {

struct ChildSpec {
  std::string program;                    // the file to execute (a path, not looked up in PATH)
  std::vector<std::string> argv;          // argv[0] first
  std::vector<std::string> env;           // "NAME=value", the whole environment
  std::string stdin_data;                 // written, then stdin is closed
  std::chrono::milliseconds timeout{60000};
  std::chrono::milliseconds kill_grace{5000};
  size_t max_line_bytes = 1 << 20;
  size_t stderr_tail_bytes = 2048;        // the last bytes of stderr kept for messages
};

struct ChildResult {
  enum class End {
    exited,          // exit_code is set
    signaled,        // killed by `signal` (not by us)
    timed_out,       // ran past the timeout and was ended
    stopped,         // the line handler asked to stop; the child was killed
    not_started,     // could not be started: `error` says why
  } end = End::not_started;
  int exit_code = -1;
  int signal = 0;
  std::string stderr_tail;                // up to stderr_tail_bytes, the newest
  std::string error;
};

// Called for each line of stdout without its '\n' (a last line without one counts too). A line
// longer than max_line_bytes is not kept: it arrives once, empty, with too_long set. Return false
// to stop the child.
using LineHandler = std::function<bool(std::string_view line, bool too_long)>;

ChildResult run_child(const ChildSpec& spec, const LineHandler& on_line);

}  // namespace carewatch::exec
