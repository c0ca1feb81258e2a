// The map of parts, enforced: every #include "part/..." of the project's own sources goes to a
// part the including part may use (a lower layer never includes a higher one), and the few
// headers the issue of readable parts named stay light.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
const fs::path kSource = CAREWATCH_SOURCE_DIR;

// The part a source path belongs to ("daemon/store/queue_store.h" -> "daemon/store").
std::string part_of(const std::string& path) {
  static const std::vector<std::string> parts = {
      "mention/common", "mention", "rules", "connectors", "daemon/store", "daemon/telemetry", "daemon/config",
      "daemon/alerts", "daemon/pipeline", "daemon/api", "daemon/tools", "daemon/cli"};
  for (const auto& p : parts)
    if (path.rfind(p + "/", 0) == 0) return p;
  return "";
}

// What each part may include besides itself.
const std::map<std::string, std::set<std::string>> kMayUse = {
    {"mention/common", {}},
    {"mention", {"mention/common"}},
    {"rules", {"mention", "mention/common"}},
    {"connectors", {"mention", "mention/common"}},
    {"daemon/store", {"mention", "mention/common"}},
    {"daemon/telemetry", {"daemon/store", "mention", "mention/common"}},
    {"daemon/config", {"daemon/store", "daemon/telemetry", "connectors", "mention", "mention/common"}},
    {"daemon/alerts", {"daemon/config", "daemon/store", "daemon/telemetry", "connectors", "rules", "mention",
                       "mention/common"}},
    {"daemon/pipeline", {"daemon/config", "daemon/store", "daemon/telemetry", "connectors", "rules", "mention",
                         "mention/common"}},
    {"daemon/api", {"daemon/config", "daemon/store", "daemon/telemetry", "connectors", "rules", "mention", "mention/common"}},
    {"daemon/tools", {"daemon/alerts", "daemon/pipeline", "daemon/config", "daemon/store", "daemon/telemetry", "connectors", "rules",
                      "mention", "mention/common"}},
    {"daemon/cli", {"daemon/tools", "daemon/alerts", "daemon/api", "daemon/pipeline", "daemon/config", "daemon/store",
                    "daemon/telemetry", "connectors", "rules", "mention", "mention/common"}},
};

// Files that must not include a particular header even where their part may use its part.
const std::vector<std::pair<std::regex, std::string>> kNever = {
    {std::regex("daemon/config/.*"), "daemon/store/queue_store.h"},      // the config is below the store's API
    {std::regex("daemon/store/redis_.*"), "daemon/store/queue_store.h"},  // the connection is below the store
    {std::regex("daemon/api/api_key\\..*"), "daemon/config/config.h"},   // the key check needs agents only
    {std::regex("daemon/pipeline/scheduler\\..*"), "connectors/replay/replay_connector.h"},
};

struct Include {
  std::string file, target;
  int line;
};

std::vector<Include> project_includes() {
  std::vector<Include> out;
  const std::regex include_re("^\\s*#\\s*include\\s+\"([^\"]+)\"");
  for (const char* top : {"mention", "rules", "connectors", "daemon"})
    for (const auto& e : fs::recursive_directory_iterator(kSource / top)) {
      const auto ext = e.path().extension();
      if (!e.is_regular_file() || (ext != ".h" && ext != ".cpp")) continue;
      const std::string rel = fs::relative(e.path(), kSource).generic_string();
      std::ifstream in(e.path());
      std::string text;
      int n = 0;
      std::smatch m;
      while (std::getline(in, text)) {
        ++n;
        if (std::regex_search(text, m, include_re)) out.push_back({rel, m[1].str(), n});
      }
    }
  return out;
}

TEST(Layering, EveryIncludeGoesToAPartBelow) {
  const auto includes = project_includes();
  ASSERT_GT(includes.size(), 100u);
  for (const auto& inc : includes) {
    const std::string from = part_of(inc.file), to = part_of(inc.target);
    ASSERT_FALSE(from.empty()) << inc.file << " is in no part of the map";
    if (to.empty() || to == from) continue;  // generated or third-party headers; the part itself
    EXPECT_TRUE(kMayUse.at(from).count(to)) << inc.file << ":" << inc.line << " (" << from << ") includes "
                                            << inc.target << " (" << to << ")";
  }
}

TEST(Layering, NamedHeadersStayOutOfTheFilesBelowThem) {
  for (const auto& inc : project_includes())
    for (const auto& [files, header] : kNever)
      EXPECT_FALSE(std::regex_match(inc.file, files) && inc.target == header)
          << inc.file << ":" << inc.line << " includes " << header;
}

// The scheduler knows no connector by name: whether a source ends is the connector's to say.
TEST(Layering, TheSchedulerNamesNoConnectorType) {
  for (const char* file : {"daemon/pipeline/scheduler.cpp", "daemon/pipeline/scheduler.h"}) {
    std::ifstream in(kSource / file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(text.empty()) << file;
    for (const char* name : {"\"replay\"", "\"mastodon\""})
      EXPECT_EQ(text.find(name), std::string::npos) << file << " names " << name;
  }
}

}  // namespace
