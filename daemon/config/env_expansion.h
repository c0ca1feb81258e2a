// "${NAME}" in configuration strings: replaced by the environment variable NAME ("$${" is a
// literal "${"); an unset variable or a malformed reference is an error at the value's path.
#pragma once

#include <rapidjson/document.h>

#include <functional>
#include <optional>
#include <string>

#include "daemon/config/config_report.h"

namespace carewatch {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Expands every string in `v` (found at `path`), recording each expanded value's text as written
// in report.written and each value that could not be expanded in report.quiet (and its error).
void expand_env(rapidjson::Value& v, const std::string& path, rapidjson::Document::AllocatorType& alloc,
                const EnvLookup& env, ConfigReport& report);

}  // namespace carewatch
