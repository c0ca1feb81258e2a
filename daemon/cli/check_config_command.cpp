#include "daemon/cli/check_config_command.h"

#include <ostream>
#include <vector>

#include "daemon/config/config.h"
#include "rules/default_rules.h"
#include "rules/rule_set.h"

namespace carewatch {

int run_check_config(const std::string& path, std::ostream& out, std::ostream& err) {
  std::vector<std::string> errors;
  const auto cfg = load_config(path, errors);
  if (!cfg) {
    for (const auto& e : errors) err << path << ": " << e << "\n";
    return 2;
  }
  std::shared_ptr<const RuleSet> rules;
  if (cfg->rules_path.empty()) {
    rules = default_rules();
  } else {
    std::string error;
    rules = RuleSet::load_file(cfg->rules_path, error);
    if (!rules) {
      err << path << ": rules: " << error << "\n";
      return 2;
    }
  }
  auto count = [](size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  out << path << ": ok (" << count(cfg->sources.size(), "source") << ", " << count(rules->size(), "rule")
      << ", " << count(cfg->agents.size(), "agent") << ")\n";
  return 0;
}

}  // namespace carewatch
