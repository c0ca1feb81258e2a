// The googleplay connector's options: schema.json (names, types, ranges, defaults and
// descriptions; the README's table is generated from it), read into GooglePlayOptions. What the
// schema cannot express is checked when the connector is built, naming the option: the base URL
// and token URL, and service_account_key or service_account_key_path (the first wins when both
// are given). The key
// itself is read and checked when the first token is needed (service_account.h): configurations
// keep it in "${ENV}", which check-config may not have.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "connectors/options/option_reader.h"
#include "mention/common/url.h"

namespace carewatch {

struct GooglePlayOptions {
  std::string base_url;
  std::string token_url;
  std::string package_name;
  std::optional<std::string> service_account_key;
  std::optional<OptionPath> service_account_key_path;
  int max_pages = 0;
  int page_size = 0;
  std::optional<std::string> translation_language;
  std::chrono::milliseconds timeout{};

  void read(OptionReader& r);
};

namespace googleplay {

// Checks what schema.json cannot express; the base URL as parse_base_url reads it, or nullopt
// with `error` set.
std::optional<BaseUrl> check_options(const GooglePlayOptions& options, std::string& error);

}  // namespace googleplay
}  // namespace carewatch
