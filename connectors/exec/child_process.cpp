#include "connectors/exec/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace carewatch::exec {

namespace {

using Clock = std::chrono::steady_clock;

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

bool make_pipe(Fd& read_end, Fd& write_end) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return false;
  read_end.reset(p[0]);
  write_end.reset(p[1]);
  return true;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// In the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const ChildSpec& spec, char* const* argv, char* const* envp, int in, int out, int err,
                             int status, pid_t parent) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) ::sigaction(s, &dfl, nullptr);  // SIGKILL/SIGSTOP fail harmlessly
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) {
    const int e = errno;
    (void)!::write(status, &e, sizeof e);
    ::_exit(127);
  }
  // Nothing else of carewatch's (Redis connections, the API's socket) reaches the program. The
  // status pipe moves to fd 3, close-on-exec, and stays open until exec.
  if (status != 3 && ::dup2(status, 3) < 0) ::_exit(127);
  ::fcntl(3, F_SETFD, FD_CLOEXEC);
  status = 3;
  if (::syscall(SYS_close_range, 4U, ~0U, 0U) != 0)
    for (int fd = 4; fd < 65536; ++fd) ::close(fd);
  ::execve(spec.program.c_str(), argv, envp);
  const int e = errno;
  (void)!::write(status, &e, sizeof e);
  ::_exit(127);
}

// True when the child has ended; it is left a zombie, so its pid (its group's id) is not reused
// while what it started is killed.
bool ended(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
}

// Kills what is left of the group, then reaps the child.
int reap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Ends the process group: SIGTERM, up to `grace` for the leader to exit, then SIGKILL.
void end_group(pid_t pid, std::chrono::milliseconds grace) {
  ::kill(-pid, SIGTERM);
  const auto until = Clock::now() + grace;
  while (Clock::now() < until && !ended(pid)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  reap(pid);
}

// Splits stdout into lines for the handler, holding at most max_line_bytes of one line.
class LineSplitter {
 public:
  LineSplitter(size_t max, const LineHandler& handler) : max_(max), handler_(handler) {}
  // False when the handler asked to stop.
  bool feed(const char* data, size_t n) {
    for (size_t i = 0; i < n;) {
      const char* nl = static_cast<const char*>(std::memchr(data + i, '\n', n - i));
      const size_t end = nl ? static_cast<size_t>(nl - data) : n;
      if (!too_long_) {
        if (line_.size() + (end - i) > max_) {
          too_long_ = true;
          line_.clear();
          line_.shrink_to_fit();
        } else {
          line_.append(data + i, end - i);
        }
      }
      if (!nl) break;
      if (!emit()) return false;
      i = end + 1;
    }
    return true;
  }
  // At end of output: a last line without a newline.
  bool finish() { return (line_.empty() && !too_long_) ? true : emit(); }

 private:
  bool emit() {
    const bool keep_going = handler_(too_long_ ? std::string_view() : std::string_view(line_), too_long_);
    line_.clear();
    too_long_ = false;
    return keep_going;
  }
  size_t max_;
  const LineHandler& handler_;
  std::string line_;
  bool too_long_ = false;
};

void keep_tail(std::string& tail, const char* data, size_t n, size_t max) {
  tail.append(data, n);
  if (tail.size() > max) tail.erase(0, tail.size() - max);
}

}  // namespace

ChildResult run_child(const ChildSpec& spec, const LineHandler& on_line) {
  ChildResult result;
  int in_pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) {
    result.error = std::string("socketpair: ") + std::strerror(errno);
    return result;
  }
  // stdin is a socket so that writing to a program that stopped reading fails with EPIPE
  // (MSG_NOSIGNAL) instead of raising SIGPIPE in carewatch.
  Fd in_parent(in_pair[0]), in_child(in_pair[1]);
  Fd out_parent, out_child, err_parent, err_child, status_parent, status_child;
  if (!make_pipe(out_parent, out_child) || !make_pipe(err_parent, err_child) ||
      !make_pipe(status_parent, status_child)) {
    result.error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  auto argv = c_strings(spec.argv);
  auto envp = c_strings(spec.env);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.error = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0)
    exec_child(spec, argv.data(), envp.data(), in_child.get(), out_child.get(), err_child.get(), status_child.get(),
               parent);
  ::setpgid(pid, pid);  // also here, so the group exists before any kill below
  in_child.reset();
  out_child.reset();
  err_child.reset();
  status_child.reset();

  // exec succeeded when the status pipe closes without a word.
  int exec_errno = 0;
  ssize_t got;
  while ((got = ::read(status_parent.get(), &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    reap(pid);
    result.error = std::string("cannot start ") + spec.program + ": " + std::strerror(exec_errno);
    return result;
  }

  set_nonblocking(in_parent.get());
  set_nonblocking(out_parent.get());
  set_nonblocking(err_parent.get());
  size_t written = 0;
  if (spec.stdin_data.empty()) in_parent.reset();
  LineSplitter lines(spec.max_line_bytes, on_line);
  const auto deadline = Clock::now() + spec.timeout;
  char buffer[65536];
  bool stop = false;
  bool timed_out = false;

  while (out_parent.get() >= 0 || err_parent.get() >= 0) {
    const auto now = Clock::now();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    pollfd fds[3];
    int n = 0;
    int out_at = -1, err_at = -1, in_at = -1;
    if (out_parent.get() >= 0) fds[out_at = n++] = {out_parent.get(), POLLIN, 0};
    if (err_parent.get() >= 0) fds[err_at = n++] = {err_parent.get(), POLLIN, 0};
    if (in_parent.get() >= 0) fds[in_at = n++] = {in_parent.get(), POLLOUT, 0};
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    const int ready = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<long long>(wait, 1000)));
    if (ready < 0 && errno != EINTR) {
      result.error = std::string("poll: ") + std::strerror(errno);
      break;
    }
    if (ready <= 0) continue;
    if (in_at >= 0 && fds[in_at].revents) {
      const ssize_t w = ::send(in_parent.get(), spec.stdin_data.data() + written, spec.stdin_data.size() - written,
                               MSG_NOSIGNAL);
      if (w > 0) written += static_cast<size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == spec.stdin_data.size()) in_parent.reset();
    }
    if (err_at >= 0 && fds[err_at].revents) {
      const ssize_t r = ::read(err_parent.get(), buffer, sizeof buffer);
      if (r > 0) keep_tail(result.stderr_tail, buffer, static_cast<size_t>(r), spec.stderr_tail_bytes);
      else if (r == 0 || (errno != EAGAIN && errno != EINTR)) err_parent.reset();
    }
    if (out_at >= 0 && fds[out_at].revents) {
      const ssize_t r = ::read(out_parent.get(), buffer, sizeof buffer);
      if (r > 0) {
        if (!lines.feed(buffer, static_cast<size_t>(r))) {
          stop = true;
          break;
        }
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        out_parent.reset();
        if (!lines.finish()) {
          stop = true;
          break;
        }
      }
    }
  }
  in_parent.reset();

  if (stop || timed_out || !result.error.empty()) {
    end_group(pid, stop || !result.error.empty() ? std::chrono::milliseconds(0) : spec.kill_grace);
    if (!result.error.empty()) return result;
    result.end = stop ? ChildResult::End::stopped : ChildResult::End::timed_out;
    return result;
  }
  // Output is closed; the program may still be running.
  while (!ended(pid)) {
    if (Clock::now() >= deadline) {
      end_group(pid, spec.kill_grace);
      result.end = ChildResult::End::timed_out;
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const int status = reap(pid);  // and anything it started and left running
  if (WIFEXITED(status)) {
    result.end = ChildResult::End::exited;
    result.exit_code = WEXITSTATUS(status);
  } else {
    result.end = ChildResult::End::signaled;
    result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return result;
}

}  // namespace carewatch::exec
