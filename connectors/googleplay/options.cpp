#include "connectors/googleplay/options.h"

#include "connectors/common/json_text.h"

namespace carewatch {

void GooglePlayOptions::read(OptionReader& r) {
  r.read("base_url", base_url);
  r.read("token_url", token_url);
  r.read("package_name", package_name);
  r.read("service_account_key", service_account_key);
  r.read("service_account_key_path", service_account_key_path);
  r.read("max_pages", max_pages);
  r.read("page_size", page_size);
  r.read("translation_language", translation_language);
  r.read("timeout", timeout);
}

namespace googleplay {

using text::quoted;

std::optional<BaseUrl> check_options(const GooglePlayOptions& options, std::string& error) {
  auto base = parse_base_url(options.base_url);
  if (!base) {
    error = "options.base_url: expected a base URL like \"https://androidpublisher.googleapis.com\", got " +
            quoted(options.base_url);
    return std::nullopt;
  }
  if (!parse_base_url(options.token_url)) {
    error = "options.token_url: expected a URL like \"https://oauth2.googleapis.com/token\", got " +
            quoted(options.token_url);
    return std::nullopt;
  }
  if (options.package_name.empty()) {
    error = "options.package_name: required (the app's package name, e.g. \"com.acmeair.app\")";
    return std::nullopt;
  }
  if (!options.service_account_key && !options.service_account_key_path) {
    error = "options.service_account_key: required (the service account's JSON key; or service_account_key_path)";
    return std::nullopt;
  }
  return base;
}

}  // namespace googleplay
}  // namespace carewatch
