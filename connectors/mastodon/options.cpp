#include "connectors/mastodon/options.h"

#include <set>

#include "connectors/common/json_text.h"

namespace carewatch {

void MastodonOptions::read(OptionReader& r) {
  r.read("instance", instance);
  r.read("access_token", access_token);
  r.read("hashtags", hashtags);
  r.read("notifications", notifications);
  r.read("search", search);
  r.read("limit", limit);
  r.read("max_pages", max_pages);
  r.read("timeout", timeout);
  r.read("max_characters", max_characters);
}

namespace mastodon {

using namespace text;  // lower, quoted

namespace {

// A tag or query listed twice in other letter case (the schema's uniqueItems is case-sensitive;
// Mastodon's tags and search are not).
bool listed_twice(const std::vector<std::string>& list, const std::string& name, std::string& error) {
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i)
    if (!seen.insert(lower(list[i])).second) {
      error = "options." + name + "[" + std::to_string(i) + "]: " + quoted(list[i]) + " is listed twice";
      return true;
    }
  return false;
}

}  // namespace

std::optional<BaseUrl> check_options(const MastodonOptions& options, std::string& error) {
  auto instance = parse_base_url(options.instance);
  if (!instance) {
    error = "options.instance: expected a base URL like \"https://mastodon.social\", got " + quoted(options.instance);
    return std::nullopt;
  }
  // The token is a secret: never quoted in an error.
  if (options.access_token) {
    for (char c : *options.access_token)
      if (static_cast<unsigned char>(c) < 0x21 || c == 0x7F) {
        error = "options.access_token: contains whitespace or control characters (is the variable set correctly?)";
        return std::nullopt;
      }
  }
  if (listed_twice(options.hashtags, "hashtags", error) || listed_twice(options.search, "search", error))
    return std::nullopt;
  if (options.notifications && !options.access_token) {
    error = "options.notifications: needs options.access_token (the account's mentions are private)";
    return std::nullopt;
  }
  if (!options.search.empty() && !options.access_token) {
    error = "options.search: needs options.access_token (Mastodon only searches statuses for a signed-in account)";
    return std::nullopt;
  }
  return instance;
}

}  // namespace mastodon
}  // namespace carewatch
