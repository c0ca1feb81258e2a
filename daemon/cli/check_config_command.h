// `carewatch check-config FILE`: validates a configuration (schema, values, rules file, each
// source's options against its connector's schema) without starting anything.
#pragma once

#include <iosfwd>
#include <string>

namespace carewatch {

// Prints "FILE: ok (N sources, M rules, K agents)" to `out` and returns 0, or one line per error
// ("FILE: sources[2].interval: expected a duration like \"30s\", got \"fast\"") to `err` and
// returns 2.
int run_check_config(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace carewatch
