// The hackernews connector's options: schema.json (names, types, ranges, defaults and
// descriptions; the README's table is generated from it), read into HackernewsOptions. What the
// schema cannot express is checked when the connector is built: base_url as a base URL, a term
// listed twice in other letter case.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "connectors/options/option_reader.h"
#include "mention/common/url.h"

namespace carewatch {

struct HackernewsOptions {
  std::string base_url;
  std::vector<std::string> terms;
  std::vector<std::string> tags;
  int hits_per_page = 0;
  int max_pages = 0;
  std::optional<std::chrono::milliseconds> backfill;
  std::chrono::milliseconds timeout{};

  void read(OptionReader& r);
};

namespace hackernews {

// Checks what schema.json cannot express. Returns base_url as parse_base_url reads it, or nullopt
// with `error` set.
std::optional<BaseUrl> check_options(const HackernewsOptions& options, std::string& error);

}  // namespace hackernews
}  // namespace carewatch
