// The X connector's options: schema.json (names, types, ranges, defaults and descriptions; the
// README's table is generated from it), read into XOptions. What the schema cannot express is
// checked when the connector is built, naming the option: base_url is a base URL; secrets hold no
// white space (never quoted in a message); a query listed twice; the four OAuth 1.0a values are
// given all together or not at all; replies need user_id. The secrets are sent only in the
// Authorization header, never in a URL, a log or a message.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "connectors/options/option_reader.h"
#include "mention/common/url.h"

namespace carewatch {

// The options of schema.json, read once (defaults: the schema's).
struct XOptions {
  std::string base_url;
  std::string bearer_token;
  std::optional<std::string> user_id;
  std::vector<std::string> search;
  int max_posts_per_day = 0;
  int max_results = 0;
  int max_pages = 0;
  std::chrono::milliseconds timeout{};
  std::optional<std::string> consumer_key;
  std::optional<std::string> consumer_secret;
  std::optional<std::string> access_token;
  std::optional<std::string> access_token_secret;

  // True when all four OAuth 1.0a values are set: the source can reply.
  bool can_reply() const { return consumer_key && consumer_secret && access_token && access_token_secret; }

  void read(OptionReader& r);
};

namespace x {

// Checks what schema.json cannot express. Returns base_url as parse_base_url reads it, or nullopt
// with `error` set ("options.consumer_secret: needed with options.consumer_key ...").
std::optional<BaseUrl> check_options(const XOptions& options, std::string& error);

}  // namespace x
}  // namespace carewatch
