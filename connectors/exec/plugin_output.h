// What one line a plugin printed means (PROTOCOL.md): a mention, its next cursor, a log line, or
// something carewatch cannot use (with the reason). Pure: no I/O.
#pragma once

#include <string>
#include <string_view>

#include "mention/mention.h"

namespace carewatch::exec {

struct PluginLine {
  enum class Kind {
    blank,      // only white space: ignored
    mention,    // `mention`
    control,    // {"cursor": ...} and/or {"more": true} / {"retry_after": <seconds>}
    log,        // {"log": "...", "level": "info" | "warning" | "error"}
    bad,        // `error` says what is wrong, naming the field
  } kind = Kind::blank;
  Mention mention;
  bool has_cursor = false;
  std::string cursor_json;    // the cursor value as compact JSON (any JSON value)
  bool more = false;
  double retry_after_s = 0;   // > 0 when asked
  std::string log;
  std::string level;          // "info", "warning" or "error"
  std::string error;
};

// Reads one line. `default_platform` is the platform of a mention that names none (options.platform,
// may be empty: then a mention must carry its own platform or uid).
PluginLine read_plugin_line(std::string_view line, const std::string& default_platform);

}  // namespace carewatch::exec
