#include "daemon/cli/reset_cursor_command.h"

#include <algorithm>
#include <ostream>
#include <vector>

#include "daemon/cli/configured_redis.h"
#include "daemon/config/config.h"
#include "daemon/store/queue_store.h"

namespace carewatch {

int run_reset_cursor(const std::string& config_path, const std::string& source, std::ostream& out,
                     std::ostream& err) {
  std::vector<std::string> errors;
  const auto cfg = load_config(config_path, errors);
  if (!cfg) {
    for (const auto& e : errors) err << config_path << ": " << e << "\n";
    return 2;
  }
  const bool known = std::any_of(cfg->sources.begin(), cfg->sources.end(),
                                 [&](const SourceConfig& s) { return s.name == source; });
  if (!known) {
    std::string names;
    for (const auto& s : cfg->sources) names += (names.empty() ? "" : ", ") + s.name;
    err << config_path << ": sources: no source named \"" << source << "\" (sources: "
        << (names.empty() ? "none" : names) << ")\n";
    return 2;
  }
  try {
    ConfiguredRedis redis = open_configured_redis(*cfg, true);
    bool had_cursor = false;
    std::string key;
    {
      QueueStore store(redis.endpoint, cfg->store);
      key = store.cursor_key(source);
      had_cursor = store.reset_cursor(source);
    }
    if (redis.started) redis.started->stop();
    out << (had_cursor ? "reset the cursor of source \"" + source + "\" (" + key +
                             "); its next poll starts afresh\n"
                       : "source \"" + source + "\" had no stored cursor (" + key + ")\n");
    return 0;
  } catch (const std::exception& e) {
    err << "carewatch reset-cursor: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace carewatch
