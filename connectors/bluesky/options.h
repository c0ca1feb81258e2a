// The Bluesky connector's options: schema.json (names, types, ranges, defaults and descriptions;
// the README's table is generated from it), read into BlueskyOptions. What the schema cannot
// express is checked when the connector is built, naming the option: something to watch
// (notifications or search_terms), a search term listed twice in other letter case, an identifier
// or app password with white space (the password is never quoted). app_password is sent only in
// the body of com.atproto.server.createSession, never in a URL, a log or a message.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "connectors/options/option_reader.h"
#include "mention/common/url.h"

namespace carewatch {

// The options of schema.json, read once (defaults: the schema's).
struct BlueskyOptions {
  std::string base_url;
  std::string identifier;
  std::string app_password;
  bool notifications = true;
  std::vector<std::string> search_terms;
  int page_size = 0;
  int max_pages = 0;
  std::chrono::milliseconds timeout{};
  int max_graphemes = 0;

  void read(OptionReader& r);
};

namespace bluesky {

// Checks what schema.json cannot express. Returns base_url as parse_base_url reads it, or nullopt
// with `error` set ("options.search_terms[1]: ... is listed twice").
std::optional<BaseUrl> check_options(const BlueskyOptions& options, std::string& error);

}  // namespace bluesky
}  // namespace carewatch
