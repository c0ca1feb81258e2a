// The built-in rule set (config/rules/default.json compiled into the binary): what carewatch
// uses when the configuration names no rules file.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rules/rule_set.h"

namespace carewatch {

// Loaded once, on first use; shared by every caller. The embedded file is tested to load, so
// a failure here is a build defect and throws std::logic_error with the load error.
std::shared_ptr<const RuleSet> default_rules();

// The rules a configuration asks for: the file at `path`, or the built-in set when `path` is empty
// (a configuration without "rules"). The one place that decides so. nullptr with `error` set when
// the file cannot be loaded.
std::shared_ptr<const RuleSet> load_rules_or_default(const std::string& path, std::string& error);

// The text of config/rules/default.json as built in (to show or to start a custom rules file).
std::string_view default_rules_json();

}  // namespace carewatch
