#include "connectors/x/options.h"

#include <set>

#include "connectors/common/json_text.h"

namespace carewatch {

void XOptions::read(OptionReader& r) {
  r.read("base_url", base_url);
  r.read("bearer_token", bearer_token);
  r.read("user_id", user_id);
  r.read("search", search);
  r.read("max_posts_per_day", max_posts_per_day);
  r.read("max_results", max_results);
  r.read("max_pages", max_pages);
  r.read("timeout", timeout);
  r.read("consumer_key", consumer_key);
  r.read("consumer_secret", consumer_secret);
  r.read("access_token", access_token);
  r.read("access_token_secret", access_token_secret);
}

namespace x {

using text::lower;
using text::quoted;

namespace {

// A secret with white space or control characters is a variable set wrong; never quoted.
bool bad_secret(const std::optional<std::string>& value, const char* name, std::string& error) {
  if (!value) return false;
  if (value->empty()) {
    error = std::string("options.") + name + ": is empty (is the variable set?)";
    return true;
  }
  for (char c : *value)
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7F) {
      error = std::string("options.") + name + ": contains whitespace or control characters (is the variable set correctly?)";
      return true;
    }
  return false;
}

}  // namespace

std::optional<BaseUrl> check_options(const XOptions& options, std::string& error) {
  auto base = parse_base_url(options.base_url);
  if (!base) {
    error = "options.base_url: expected a base URL like \"https://api.x.com\", got " + quoted(options.base_url);
    return std::nullopt;
  }
  if (bad_secret(options.bearer_token, "bearer_token", error) ||
      bad_secret(options.consumer_key, "consumer_key", error) ||
      bad_secret(options.consumer_secret, "consumer_secret", error) ||
      bad_secret(options.access_token, "access_token", error) ||
      bad_secret(options.access_token_secret, "access_token_secret", error))
    return std::nullopt;
  std::set<std::string> seen;
  for (size_t i = 0; i < options.search.size(); ++i)
    if (!seen.insert(lower(options.search[i])).second) {
      error = "options.search[" + std::to_string(i) + "]: " + quoted(options.search[i]) + " is listed twice";
      return std::nullopt;
    }
  if (!options.user_id && options.search.empty()) {
    error = "options: nothing to watch: set options.user_id (the brand account's mentions) or options.search";
    return std::nullopt;
  }
  const std::pair<const char*, const std::optional<std::string>*> oauth[] = {
      {"consumer_key", &options.consumer_key},
      {"consumer_secret", &options.consumer_secret},
      {"access_token", &options.access_token},
      {"access_token_secret", &options.access_token_secret}};
  const bool any = options.consumer_key || options.consumer_secret || options.access_token || options.access_token_secret;
  if (any)
    for (const auto& [name, value] : oauth)
      if (!*value) {
        error = std::string("options.") + name +
                ": missing; replying needs all four of consumer_key, consumer_secret, access_token and "
                "access_token_secret (the brand account's user-context token)";
        return std::nullopt;
      }
  if (any && !options.user_id) {
    error = "options.user_id: needed to reply (the brand account's id: carewatch looks in its timeline for a reply "
            "already made after a crash)";
    return std::nullopt;
  }
  if (options.max_posts_per_day < 10) {
    error = "options.max_posts_per_day: expected at least 10, got " + std::to_string(options.max_posts_per_day);
    return std::nullopt;
  }
  return base;
}

}  // namespace x
}  // namespace carewatch
