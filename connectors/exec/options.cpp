#include "connectors/exec/options.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "connectors/common/json_text.h"

namespace carewatch {

void ExecOptions::read(OptionReader& r) {
  r.read("program", program);
  r.read("args", args);
  r.read("settings", settings);
  r.read("env", env);
  r.read("platform", platform);
  r.read("timeout", timeout);
  r.read("kill_grace", kill_grace);
  r.read("max_mentions", max_mentions);
  r.read("max_line_bytes", max_line_bytes);
}

namespace exec {

namespace {

bool is_variable_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (const char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

bool check_options(const ExecOptions& options, std::string& error) {
  const std::string shown = text::quoted(options.program.configured);
  struct stat st {};
  if (::stat(options.program.resolved.c_str(), &st) != 0) {
    error = "options.program: cannot run " + shown + ": " + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "options.program: " + shown + " is not a file";
    return false;
  }
  if (::access(options.program.resolved.c_str(), X_OK) != 0) {
    error = "options.program: " + shown + " is not executable (chmod +x it)";
    return false;
  }
  for (const auto& [name, value] : options.env) {
    if (!is_variable_name(name)) {
      error = "options.env: " + text::quoted(name) + " is not a variable name (letters, digits and _)";
      return false;
    }
    if (name.rfind("CAREWATCH_", 0) == 0) {
      error = "options.env." + name + ": CAREWATCH_* variables are set by carewatch itself";
      return false;
    }
    if (value.find('\0') != std::string::npos) {
      error = "options.env." + name + ": contains a NUL byte";
      return false;
    }
  }
  return true;
}

}  // namespace exec
}  // namespace carewatch
