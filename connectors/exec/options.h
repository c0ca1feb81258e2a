// The exec connector's options (schema.json is their one definition) and the checks the schema
// cannot express.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/options/option_reader.h"

namespace carewatch {

struct ExecOptions {
  OptionPath program;
  std::vector<std::string> args;
  OptionJson settings;                        // compact JSON text, handed on as is
  std::map<std::string, std::string> env;
  std::optional<std::string> platform;
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds kill_grace{0};
  int max_mentions = 0;
  int max_line_bytes = 0;

  void read(OptionReader& r);
};

namespace exec {

// False with `error` set when the program cannot be run ("options.program: \"plugins/forum.py\"
// is not executable (chmod +x it)") or an env name is not a variable name. Reads the file system,
// never the network.
bool check_options(const ExecOptions& options, std::string& error);

}  // namespace exec
}  // namespace carewatch
