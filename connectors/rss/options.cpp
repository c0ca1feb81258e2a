#include "connectors/rss/options.h"

#include <set>

#include "connectors/common/json_text.h"
#include "connectors/http/retry_policy.h"
#include "mention/common/url.h"

namespace carewatch {

void RssOptions::read(OptionReader& r) {
  r.read("feeds", feeds);
  r.read("platform", platform);
  r.read("max_items", max_items);
  r.read("max_bytes", max_bytes);
  r.read("user_agent", user_agent);
  r.read("rating_field", rating_field);
  r.read("rating_pattern", rating_pattern);
  r.read("window", window);
  r.read("backfill", backfill);
  r.read("timeout", timeout);
}

namespace rss {

using text::quoted;

std::optional<CheckedOptions> check_options(const RssOptions& options, std::string& error) {
  CheckedOptions out;
  std::set<std::string> urls;
  if (options.feeds.empty()) {
    error = "options.feeds: needs at least one feed URL";
    return std::nullopt;
  }
  for (size_t i = 0; i < options.feeds.size(); ++i) {
    const std::string& entry = options.feeds[i];
    const std::string at = "options.feeds[" + std::to_string(i) + "]";
    const size_t space = entry.find_last_of(' ');
    FeedSpec f;
    f.url = space == std::string::npos ? entry : entry.substr(space + 1);
    std::string name = space == std::string::npos ? "" : entry.substr(0, space);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    const std::string lower_url = text::lower(f.url);
    const bool http = lower_url.rfind("http://", 0) == 0 || lower_url.rfind("https://", 0) == 0;
    const size_t authority_end = f.url.find_first_of("/?#", http ? f.url.find("//") + 2 : 0);
    const std::string base = f.url.substr(0, authority_end);
    if (http && base.find('@') != std::string::npos) {
      error = at + ": a URL with user:password@ is not supported (its credentials would end up in logs)";
      return std::nullopt;
    }
    if (!http || !parse_base_url(base)) {
      error = at + ": expected an absolute http(s) URL of a feed, got " + quoted(redact_url(f.url));
      return std::nullopt;
    }
    if (!urls.insert(f.url).second) {
      error = at + ": " + quoted(redact_url(f.url)) + " is listed twice";
      return std::nullopt;
    }
    f.label = name.empty() ? redact_url(f.url) : name;
    out.feeds.push_back(std::move(f));
  }
  if (options.rating_pattern) {
    try {
      std::regex re(*options.rating_pattern, std::regex::ECMAScript | std::regex::icase);
      if (re.mark_count() < 1) {
        error = "options.rating_pattern: needs a group around the rating, e.g. \"([1-5]) stars?\"";
        return std::nullopt;
      }
      out.rating_pattern = std::move(re);
    } catch (const std::regex_error& e) {
      error = "options.rating_pattern: not a regular expression: " + quoted(*options.rating_pattern) + ": " + e.what();
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace rss
}  // namespace carewatch
