#include "connectors/youtube/options.h"

#include "connectors/common/json_text.h"

namespace carewatch {

void YoutubeOptions::read(OptionReader& r) {
  r.read("base_url", base_url);
  r.read("channel_id", channel_id);
  r.read("api_key", api_key);
  r.read("quota_per_day", quota_per_day);
  r.read("page_size", page_size);
  r.read("max_pages", max_pages);
  r.read("timeout", timeout);
  r.read("oauth_client_id", oauth_client_id);
  r.read("oauth_client_secret", oauth_client_secret);
  r.read("oauth_refresh_token", oauth_refresh_token);
  r.read("token_url", token_url);
  r.read("max_characters", max_characters);
}

namespace youtube {

namespace {

// A secret with white space or control characters is a mis-set variable; never quoted.
bool bad_secret(const std::optional<std::string>& value, const char* name, std::string& error) {
  if (!value) return false;
  if (value->empty()) {
    error = std::string("options.") + name + ": is empty (is the variable set?)";
    return true;
  }
  for (char c : *value)
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7F) {
      error = std::string("options.") + name +
              ": contains whitespace or control characters (is the variable set correctly?)";
      return true;
    }
  return false;
}

}  // namespace

std::optional<CheckedUrls> check_options(const YoutubeOptions& options, std::string& error) {
  const auto api = parse_base_url(options.base_url);
  if (!api) {
    error = "options.base_url: expected a base URL like \"https://www.googleapis.com/youtube/v3\", got " +
            text::quoted(options.base_url);
    return std::nullopt;
  }
  const auto token = parse_base_url(options.token_url);
  if (!token) {
    error = "options.token_url: expected a URL like \"https://oauth2.googleapis.com/token\", got " +
            text::quoted(options.token_url);
    return std::nullopt;
  }
  if (options.channel_id.size() != 24 || options.channel_id.rfind("UC", 0) != 0) {
    error = "options.channel_id: expected a channel id like \"UC\" and 22 letters, digits, '-' or '_', got " +
            text::quoted(options.channel_id);
    return std::nullopt;
  }
  if (bad_secret(std::optional<std::string>(options.api_key), "api_key", error) || bad_secret(options.oauth_client_id, "oauth_client_id", error) ||
      bad_secret(options.oauth_client_secret, "oauth_client_secret", error) ||
      bad_secret(options.oauth_refresh_token, "oauth_refresh_token", error))
    return std::nullopt;
  const int oauth = (options.oauth_client_id ? 1 : 0) + (options.oauth_client_secret ? 1 : 0) +
                    (options.oauth_refresh_token ? 1 : 0);
  if (oauth != 0 && oauth != 3) {
    const char* missing = !options.oauth_client_id       ? "oauth_client_id"
                          : !options.oauth_client_secret ? "oauth_client_secret"
                                                         : "oauth_refresh_token";
    error = std::string("options.") + missing +
            ": replies need all three of options.oauth_client_id, options.oauth_client_secret and "
            "options.oauth_refresh_token (or none of them: the source cannot reply)";
    return std::nullopt;
  }
  return CheckedUrls{api->url, token->url};
}

}  // namespace youtube
}  // namespace carewatch
