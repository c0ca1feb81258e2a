// Every configuration under config/examples/ is a working one: `check-config` accepts it (schema,
// values, each source's options against its connector, the rules) once the environment variables
// it names are set. Connectors are built with an HTTP client that refuses every request, so a
// connector that needs the network to be built fails here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "daemon/cli/check_config_command.h"

namespace carewatch {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A plausible value for a variable an example reads: a listen address, a Redis URL, an agent's key
// hash; anything else (tokens, passwords) a placeholder, since credentials are used only by a poll.
std::string value_for(const std::string& name) {
  if (name.find("LISTEN") != std::string::npos) return "127.0.0.1:8640";
  if (name.find("REDIS_URL") != std::string::npos) return "redis://127.0.0.1:6379/0";
  if (name.find("AGENT") != std::string::npos && name.find("SHA256") != std::string::npos)
    return std::string(64, 'a');
  return "example-" + name;
}

TEST(ConfigExamples, EveryExampleIsAcceptedByCheckConfig) {
  const fs::path dir = fs::path(CAREWATCH_SOURCE_DIR) / "config" / "examples";
  size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    const std::string text = read_text(entry.path());
    const std::regex var(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), var); it != std::sregex_iterator(); ++it) {
      const std::string name = (*it)[1];
      ::setenv(name.c_str(), value_for(name).c_str(), 0);
    }
    std::ostringstream out, err;
    EXPECT_EQ(run_check_config(entry.path().string(), out, err), 0) << entry.path().filename() << ": " << err.str();
    ++checked;
  }
  EXPECT_GE(checked, 2u);
}

}  // namespace
}  // namespace carewatch
