// The Reddit connector's options: schema.json (names, types, ranges, defaults and descriptions;
// the README's table is generated from it), read into RedditOptions. What the schema cannot
// express is checked when the connector is built, naming the option: base_url and auth_url are
// base URLs; user_agent is descriptive (not blank, not a library's or a browser's default, and it
// names the account to contact, "(by /u/<name>)"); a subreddit or query listed twice in other
// letter case; secrets without whitespace (a secret is never quoted in a message).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "connectors/options/option_reader.h"
#include "mention/common/url.h"

namespace carewatch {

// The options of schema.json, read once (defaults: the schema's).
struct RedditOptions {
  std::string base_url;
  std::string auth_url;
  std::string client_id;
  std::string client_secret;
  std::string username;
  std::string password;
  std::string user_agent;
  std::vector<std::string> subreddits;
  std::vector<std::string> search;
  bool mentions = false;
  int page_size = 0;
  int max_pages = 0;
  std::chrono::milliseconds timeout{};

  void read(OptionReader& r);
};

namespace reddit {

// The two roots as parse_base_url reads them.
struct RedditUrls {
  std::string api;   // base_url, no trailing '/'
  std::string auth;  // auth_url, no trailing '/'
};

// Checks what schema.json cannot express; nullopt with `error` set ("options.user_agent: ...").
std::optional<RedditUrls> check_options(const RedditOptions& options, std::string& error);

// Why `user_agent` is not one Reddit accepts, or "" when it is.
std::string user_agent_problem(const std::string& user_agent);

}  // namespace reddit
}  // namespace carewatch
