// The Mastodon connector's options: schema.json (names, types, ranges, defaults and descriptions;
// the README's table is generated from it), read into MastodonOptions. What the schema cannot
// express is checked when the connector is built, naming the option: notifications and search need
// access_token; a tag or query listed twice in other letter case; a token with whitespace (never
// quoted). access_token is sent only in the Authorization header, never in a URL, a log or a
// message.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "connectors/options/option_reader.h"
#include "mention/common/url.h"

namespace carewatch {

// The options of schema.json, read once (defaults: the schema's).
struct MastodonOptions {
  std::string instance;                 // as configured; the connector normalizes it
  std::optional<std::string> access_token;
  std::vector<std::string> hashtags;
  bool notifications = false;
  std::vector<std::string> search;
  int limit = 0;
  int max_pages = 0;
  std::chrono::milliseconds timeout{};
  int max_characters = 0;               // the instance's status length limit (replies)

  void read(OptionReader& r);
};

namespace mastodon {

// Checks what schema.json cannot express. Returns the instance as parse_base_url reads it, or
// nullopt with `error` set ("options.search: needs options.access_token ...").
std::optional<BaseUrl> check_options(const MastodonOptions& options, std::string& error);

}  // namespace mastodon
}  // namespace carewatch
