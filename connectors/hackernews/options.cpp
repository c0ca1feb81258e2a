#include "connectors/hackernews/options.h"

#include <set>

#include "connectors/common/json_text.h"

namespace carewatch {

void HackernewsOptions::read(OptionReader& r) {
  r.read("base_url", base_url);
  r.read("terms", terms);
  r.read("tags", tags);
  r.read("hits_per_page", hits_per_page);
  r.read("max_pages", max_pages);
  r.read("backfill", backfill);
  r.read("timeout", timeout);
}

namespace hackernews {

std::optional<BaseUrl> check_options(const HackernewsOptions& options, std::string& error) {
  auto base = parse_base_url(options.base_url);
  if (!base) {
    error = "options.base_url: expected a base URL like \"https://hn.algolia.com/api/v1\", got " +
            text::quoted(options.base_url);
    return std::nullopt;
  }
  if (options.terms.empty()) {
    error = "options.terms: needs at least one search term";
    return std::nullopt;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < options.terms.size(); ++i)
    if (!seen.insert(text::lower(options.terms[i])).second) {
      error = "options.terms[" + std::to_string(i) + "]: " + text::quoted(options.terms[i]) + " is listed twice";
      return std::nullopt;
    }
  if (options.tags.empty()) {
    error = "options.tags: needs at least one tag";
    return std::nullopt;
  }
  return base;
}

}  // namespace hackernews
}  // namespace carewatch
