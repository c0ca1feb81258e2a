// The rss connector's options: schema.json (names, types, ranges, defaults and descriptions; the
// README's table is generated from it), read into RssOptions. What the schema cannot express is
// checked when the connector is built, naming the option: each feed's URL (absolute http(s),
// no credentials in it), a feed listed twice, a rating_pattern that is not a regular expression
// or has no group.
#pragma once

#include <chrono>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "connectors/options/option_reader.h"

namespace carewatch {

// The options of schema.json, read once (defaults: the schema's).
struct RssOptions {
  std::vector<std::string> feeds;     // "URL" or "name URL"
  std::string platform;
  int max_items = 0;
  int max_bytes = 0;
  std::string user_agent;
  std::optional<std::string> rating_field;
  std::optional<std::string> rating_pattern;
  std::chrono::milliseconds window{};
  bool backfill = false;
  std::chrono::milliseconds timeout{};

  void read(OptionReader& r);
};

namespace rss {

struct FeedSpec {
  std::string url;    // as configured (the cursor's key)
  std::string label;  // the name, else the URL without credentials: what messages say
};

struct CheckedOptions {
  std::vector<FeedSpec> feeds;
  std::optional<std::regex> rating_pattern;
};

// Checks what schema.json cannot express; nullopt with `error` set ("options.feeds[1]: ...").
std::optional<CheckedOptions> check_options(const RssOptions& options, std::string& error);

}  // namespace rss
}  // namespace carewatch
