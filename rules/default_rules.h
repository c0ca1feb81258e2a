// The built-in rule set (config/rules/default.json compiled into the binary): what carewatch
// uses when the configuration names no rules file.
#pragma once

#include <memory>
#include <string_view>

#include "rules/rule_set.h"

namespace carewatch {

// Loaded once, on first use; shared by every caller. The embedded file is tested to load, so
// a failure here is a build defect and throws std::logic_error with the load error.
std::shared_ptr<const RuleSet> default_rules();

// The text of config/rules/default.json as built in (to show or to start a custom rules file).
std::string_view default_rules_json();

}  // namespace carewatch
