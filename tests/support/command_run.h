// Runs one of carewatch's subcommand functions, int fn(options, out, err), and keeps what it
// printed, for tests of commands.
#pragma once

#include <ostream>
#include <sstream>
#include <string>

namespace carewatch::testing {

struct CommandRun {
  int status = 0;
  std::string out, err;
};

template <typename Options>
CommandRun run_command(int (*command)(const Options&, std::ostream&, std::ostream&), const Options& options) {
  std::ostringstream out, err;
  const int status = command(options, out, err);
  return {status, out.str(), err.str()};
}

}  // namespace carewatch::testing
