// `carewatch check-config FILE`: everything `carewatch run` checks before it starts anything,
// without starting anything: the configuration (schema, values, each source's options against its
// connector's schema), the listen address (resolved), the rules file, and every source's connector
// (built with an HTTP client that refuses every request: nothing touches the network).
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/http/http_client.h"
#include "daemon/config/config.h"
#include "daemon/pipeline/scheduler.h"
#include "rules/rule_set.h"

namespace carewatch {

// What run builds from a configuration file before it starts anything.
struct CheckedConfig {
  Config config;                          // api_host resolved to an address
  std::shared_ptr<const RuleSet> rules;   // the rules file, or the built-in rules
  std::vector<ScheduledSource> sources;   // each with its connector, built with the given client
};

// The one check both commands make. On failure prints each error as "FILE: <error>" to `err` and
// returns nullopt; run then exits 2, as check-config does.
std::optional<CheckedConfig> check_config(const std::string& path, std::shared_ptr<HttpClient> http,
                                          std::ostream& err);

// Prints "FILE: ok (N sources, M rules, K agents)" to `out` and returns 0, or one line per error
// ("FILE: sources[2].interval: expected a duration like \"30s\", got \"fast\"") to `err` and
// returns 2.
int run_check_config(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace carewatch
