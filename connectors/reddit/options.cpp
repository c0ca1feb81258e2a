#include "connectors/reddit/options.h"

#include <array>
#include <cctype>
#include <set>
#include <string_view>

#include "connectors/common/json_text.h"
#include "mention/utf8.h"

namespace carewatch {

void RedditOptions::read(OptionReader& r) {
  r.read("base_url", base_url);
  r.read("auth_url", auth_url);
  r.read("client_id", client_id);
  r.read("client_secret", client_secret);
  r.read("username", username);
  r.read("password", password);
  r.read("user_agent", user_agent);
  r.read("subreddits", subreddits);
  r.read("search", search);
  r.read("mentions", mentions);
  r.read("page_size", page_size);
  r.read("max_pages", max_pages);
  r.read("timeout", timeout);
}

namespace reddit {

using namespace text;  // lower, quoted

namespace {

constexpr const char* kExample = "\"linux:acme-care:1.0 (by /u/acmecare)\"";

// The defaults of HTTP libraries and tools, and browsers': Reddit throttles or blocks them.
constexpr std::array<std::string_view, 17> kGeneric = {
    "mozilla/", "curl/", "wget/", "python-requests", "python-urllib", "python/", "aiohttp", "okhttp",
    "go-http-client", "java/", "apache-httpclient", "node-fetch", "axios", "cpprestsdk", "libwww-perl",
    "postmanruntime", "httpie"};

bool listed_twice(const std::vector<std::string>& list, const std::string& name, std::string& error) {
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i)
    if (!seen.insert(lower(list[i])).second) {
      error = "options." + name + "[" + std::to_string(i) + "]: " + quoted(list[i]) + " is listed twice";
      return true;
    }
  return false;
}

// A secret is never quoted: only what is wrong with it.
bool bad_secret(const std::string& value, const std::string& name, std::string& error) {
  for (char c : value)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      error = "options." + name + ": contains control characters (is the variable set correctly?)";
      return true;
    }
  return false;
}

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool subreddit_name(const std::string& s) {
  if (s.size() < 2 || s.size() > 21 || s[0] == '_') return false;
  for (char c : s)
    if (!word_char(c)) return false;
  return true;
}

bool user_name(const std::string& s) {
  if (s.size() < 3 || s.size() > 20) return false;
  for (char c : s)
    if (!word_char(c) && c != '-') return false;
  return true;
}

}  // namespace

std::string user_agent_problem(const std::string& ua) {
  if (is_blank(ua)) return "is empty; Reddit requires a unique, descriptive User-Agent like " + std::string(kExample);
  for (char c : ua)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return "contains control characters";
  const std::string l = lower(ua);
  for (const auto g : kGeneric)
    if (l.rfind(g, 0) == 0)
      return quoted(ua) + " is a generic User-Agent, which Reddit throttles or blocks; use a unique, descriptive one like " +
             kExample;
  // "(by /u/name)", "by u/name", "/u/name": whom Reddit can contact about the client.
  const auto u = l.find("u/");
  const bool names_account = u != std::string::npos && u + 2 < l.size() &&
                             (std::isalnum(static_cast<unsigned char>(l[u + 2])) || l[u + 2] == '_' || l[u + 2] == '-');
  if (!names_account || ua.size() < 12)
    return quoted(ua) + " is not descriptive: Reddit asks for \"<platform>:<app id>:<version> (by /u/<username>)\", like " +
           kExample;
  return {};
}

std::optional<RedditUrls> check_options(const RedditOptions& o, std::string& error) {
  const auto api = parse_base_url(o.base_url);
  if (!api) {
    error = "options.base_url: expected a base URL like \"https://oauth.reddit.com\", got " + quoted(o.base_url);
    return std::nullopt;
  }
  const auto auth = parse_base_url(o.auth_url);
  if (!auth) {
    error = "options.auth_url: expected a base URL like \"https://www.reddit.com\", got " + quoted(o.auth_url);
    return std::nullopt;
  }
  if (const std::string why = user_agent_problem(o.user_agent); !why.empty()) {
    error = "options.user_agent: " + why;
    return std::nullopt;
  }
  if (bad_secret(o.client_id, "client_id", error) || bad_secret(o.client_secret, "client_secret", error) ||
      bad_secret(o.password, "password", error))
    return std::nullopt;
  if (o.client_id.find(':') != std::string::npos) {
    error = "options.client_id: must not contain ':' (is it the id, not \"id:secret\"?)";
    return std::nullopt;
  }
  // Names that go into URL paths: as the schema says (a connector built by hand is not validated).
  for (size_t i = 0; i < o.subreddits.size(); ++i)
    if (!subreddit_name(o.subreddits[i])) {
      error = "options.subreddits[" + std::to_string(i) + "]: expected a subreddit name without \"r/\" (letters, " +
              "digits and '_', 2 to 21), got " + quoted(o.subreddits[i]);
      return std::nullopt;
    }
  if (!user_name(o.username)) {
    error = "options.username: expected a Reddit user name without \"u/\" (letters, digits, '_' and '-', 3 to 20), got " +
            quoted(o.username);
    return std::nullopt;
  }
  if (o.page_size < 1 || o.page_size > 100) {
    error = "options.page_size: expected 1 to 100 (Reddit returns at most 100), got " + std::to_string(o.page_size);
    return std::nullopt;
  }
  if (o.max_pages < 1 || o.max_pages > 10) {
    error = "options.max_pages: expected 1 to 10, got " + std::to_string(o.max_pages);
    return std::nullopt;
  }
  for (size_t i = 0; i < o.search.size(); ++i)
    if (is_blank(o.search[i])) {
      error = "options.search[" + std::to_string(i) + "]: empty query";
      return std::nullopt;
    }
  if (listed_twice(o.subreddits, "subreddits", error) || listed_twice(o.search, "search", error)) return std::nullopt;
  if (o.subreddits.empty() && o.search.empty() && !o.mentions) {
    error = "options: nothing to watch: give subreddits, search or \"mentions\": true";
    return std::nullopt;
  }
  return RedditUrls{api->url, auth->url};
}

}  // namespace reddit
}  // namespace carewatch
