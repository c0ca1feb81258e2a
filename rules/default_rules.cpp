#include "rules/default_rules.h"

#include <stdexcept>
#include <string>

namespace carewatch {

extern const char* const kDefaultRules;  // embedded by rules/CMakeLists.txt

std::string_view default_rules_json() { return kDefaultRules; }

std::shared_ptr<const RuleSet> default_rules() {
  static const std::shared_ptr<const RuleSet> rules = [] {
    std::string error;
    auto loaded = RuleSet::load_json(kDefaultRules, "built-in rules (config/rules/default.json)", error);
    if (!loaded) throw std::logic_error(error);
    return loaded;
  }();
  return rules;
}

std::shared_ptr<const RuleSet> load_rules_or_default(const std::string& path, std::string& error) {
  if (path.empty()) return default_rules();
  return RuleSet::load_file(path, error);
}

}  // namespace carewatch
