// The errors of one configuration being loaded, and what the passes over it learnt about its
// values: which came from the environment (shown as written), which could not be expanded (no
// second error about them), which were dropped after a schema error (not read further).
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "daemon/config/redaction.h"

namespace carewatch {

struct ConfigReport {
  std::vector<std::string>& errors;
  std::set<std::string> quiet;                 // paths whose "${...}" could not be expanded
  std::map<std::string, std::string> written;  // path -> text as written, for expanded values
  std::set<std::string> removed;               // paths dropped after a schema error

  // Adds "path: message" ("top level: ..." for the root), unless the path is quiet.
  void add(const std::string& path, const std::string& message) {
    if (quiet.count(path)) return;
    errors.push_back((path.empty() ? std::string("top level") : path) + ": " + message);
  }

  // The value at `path` as an error may show it: as written when it came from the environment,
  // otherwise redacted.
  std::string shown(const rapidjson::Value& v, const std::string& path) const {
    if (auto w = written.find(path); w != written.end()) return json_quoted(w->second);
    return redacted(v, path);
  }
};

}  // namespace carewatch
