// Language of a mention's text (CLD2), as a lower-case ISO 639-1 code where one exists ("en",
// "es", "pt", ...), or "" when the text is too short or unclear to tell.
#pragma once

#include <string>
#include <string_view>

namespace carewatch::rules {

struct DetectedLanguage {
  std::string code;      // "" = unknown
  bool reliable = false;
  int percent = 0;       // share of the text in that language
};

// Thread-safe; never throws; invalid UTF-8 is tolerated. `hint` is a language the platform
// reported (may be empty), used as a prior only.
DetectedLanguage detect_language(std::string_view text, std::string_view hint = {});

}  // namespace carewatch::rules
