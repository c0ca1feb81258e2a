// The YouTube connector's options: schema.json (names, types, ranges, defaults and descriptions;
// the README's table is generated from it), read into YoutubeOptions. What the schema cannot
// express is checked when the connector is built, naming the option: base_url and token_url as
// base URLs, the three OAuth options all or none, secrets without white space. The API key goes
// only into the key query parameter (redacted from every URL in a message); the OAuth secrets only
// into the token request's body; the access token only into an Authorization header.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "connectors/options/option_reader.h"
#include "mention/common/url.h"

namespace carewatch {

// The options of schema.json, read once (defaults: the schema's).
struct YoutubeOptions {
  std::string base_url;
  std::string channel_id;
  std::string api_key;
  int quota_per_day = 0;
  int page_size = 0;
  int max_pages = 0;
  std::chrono::milliseconds timeout{};
  std::optional<std::string> oauth_client_id;
  std::optional<std::string> oauth_client_secret;
  std::optional<std::string> oauth_refresh_token;
  std::string token_url;
  int max_characters = 0;

  // True when the three OAuth options are set: the source can reply.
  bool can_reply() const { return oauth_client_id && oauth_client_secret && oauth_refresh_token; }

  void read(OptionReader& r);
};

namespace youtube {

// The checked URLs: the API root and the token endpoint, without a trailing '/'.
struct CheckedUrls {
  std::string api;
  std::string token;
};

// Checks what schema.json cannot express; nullopt with `error` set ("options.oauth_refresh_token:
// needs options.oauth_client_id and options.oauth_client_secret") on a problem.
std::optional<CheckedUrls> check_options(const YoutubeOptions& options, std::string& error);

}  // namespace youtube
}  // namespace carewatch
