#include "connectors/common/cursor_object.h"

#include <rapidjson/document.h>

#include "connectors/common/json_text.h"

namespace carewatch {

bool parse_cursor_object(const std::string& text, std::string_view what, rapidjson::Document& d, std::string& error) {
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError() || !d.IsObject()) {
    error = "cursor: expected a JSON object of " + std::string(what) + ", got " + text::quoted(text);
    return false;
  }
  return true;
}

}  // namespace carewatch
