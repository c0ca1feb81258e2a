#include "connectors/bluesky/options.h"

#include <set>
#include <tuple>

#include "connectors/common/json_text.h"

namespace carewatch {

void BlueskyOptions::read(OptionReader& r) {
  r.read("base_url", base_url);
  r.read("identifier", identifier);
  r.read("app_password", app_password);
  r.read("notifications", notifications);
  r.read("search_terms", search_terms);
  r.read("page_size", page_size);
  r.read("max_pages", max_pages);
  r.read("timeout", timeout);
  r.read("max_graphemes", max_graphemes);
}

namespace bluesky {

using text::lower;
using text::quoted;

namespace {

bool has_space_or_control(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7F) return true;
  return false;
}

}  // namespace

std::optional<BaseUrl> check_options(const BlueskyOptions& options, std::string& error) {
  auto base = parse_base_url(options.base_url);
  if (!base) {
    error = "options.base_url: expected a base URL like \"https://bsky.social\", got " + quoted(options.base_url);
    return std::nullopt;
  }
  if (options.identifier.empty() || has_space_or_control(options.identifier)) {
    error = "options.identifier: expected a handle like \"acmeair.bsky.social\", a DID or an email, got " +
            quoted(options.identifier);
    return std::nullopt;
  }
  // A secret: never quoted.
  if (options.app_password.empty() || has_space_or_control(options.app_password)) {
    error = "options.app_password: empty or contains white space or control characters (is the variable set "
            "correctly?)";
    return std::nullopt;
  }
  // The schema's ranges, for options that did not come through the configuration loader.
  for (const auto& [name, value, low, high] : {std::tuple<const char*, int, int, int>{"page_size", options.page_size, 1, 100},
                                               {"max_pages", options.max_pages, 1, 100},
                                               {"max_graphemes", options.max_graphemes, 1, 3000}}) {
    if (value < low || value > high) {
      error = std::string("options.") + name + ": expected an integer from " + std::to_string(low) + " to " +
              std::to_string(high) + ", got " + std::to_string(value);
      return std::nullopt;
    }
  }
  if (options.timeout.count() < 1) {
    error = "options.timeout: expected at least 1 ms";
    return std::nullopt;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < options.search_terms.size(); ++i) {
    if (options.search_terms[i].find_first_not_of(" \t\r\n") == std::string::npos) {
      error = "options.search_terms[" + std::to_string(i) + "]: only white space";
      return std::nullopt;
    }
    if (!seen.insert(lower(options.search_terms[i])).second) {
      error = "options.search_terms[" + std::to_string(i) + "]: " + quoted(options.search_terms[i]) +
              " is listed twice";
      return std::nullopt;
    }
  }
  if (!options.notifications && options.search_terms.empty()) {
    error = "options: nothing to watch: set options.notifications to true or list options.search_terms";
    return std::nullopt;
  }
  return base;
}

}  // namespace bluesky
}  // namespace carewatch
