// `carewatch run`: the daemon. Validates the configuration, locks the state dir (private Redis:
// a second copy exits 1), checks api.listen can be bound, starts (or connects to) Redis (a
// private one supervised: restarted when it dies), the sources' pollers, the reaper and the
// HTTP API; SIGHUP reloads the rules, SIGINT/SIGTERM stop.
#pragma once

#include <string>

namespace carewatch {

struct RunOptions {
  std::string config_path;
  bool exit_when_done = false;  // stop once every replay source has been read and enqueued
};

int run_daemon(const RunOptions& options);

}  // namespace carewatch
