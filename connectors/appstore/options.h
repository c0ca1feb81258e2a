// The appstore connector's options: schema.json (names, types, ranges, defaults and descriptions;
// the README's table is generated from it), read into AppStoreOptions. What the schema cannot
// express is checked when the connector is built, naming the option: the two base URLs, a country
// listed twice in other letter case, and the reply credentials (issuer_id, key_id and
// private_key or private_key_path, all or none; private_key wins when both are given). The
// private key itself is read and checked when a reply first needs it: configurations keep it in "${ENV}", which check-config may not have.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "connectors/options/option_reader.h"
#include "mention/common/url.h"

namespace carewatch {

struct AppStoreOptions {
  std::string base_url;
  std::string app_id;
  std::vector<std::string> countries;
  int max_pages = 0;
  std::chrono::milliseconds timeout{};
  std::string connect_base_url;
  std::optional<std::string> issuer_id;
  std::optional<std::string> key_id;
  std::optional<std::string> private_key;
  std::optional<OptionPath> private_key_path;

  void read(OptionReader& r);
};

namespace appstore {

struct CheckedOptions {
  BaseUrl feed;                         // base_url
  BaseUrl connect;                      // connect_base_url
  std::vector<std::string> countries;   // lower case
  bool can_reply = false;               // issuer_id, key_id and a private key are configured
};

// Checks what schema.json cannot express; nullopt with `error` set ("options.key_id: ...").
std::optional<CheckedOptions> check_options(const AppStoreOptions& options, std::string& error);

}  // namespace appstore
}  // namespace carewatch
