#include "connectors/appstore/options.h"

#include <set>

#include "connectors/common/json_text.h"

namespace carewatch {

void AppStoreOptions::read(OptionReader& r) {
  r.read("base_url", base_url);
  r.read("app_id", app_id);
  r.read("countries", countries);
  r.read("max_pages", max_pages);
  r.read("timeout", timeout);
  r.read("connect_base_url", connect_base_url);
  r.read("issuer_id", issuer_id);
  r.read("key_id", key_id);
  r.read("private_key", private_key);
  r.read("private_key_path", private_key_path);
}

namespace appstore {

using text::lower;
using text::quoted;

std::optional<CheckedOptions> check_options(const AppStoreOptions& options, std::string& error) {
  CheckedOptions out;
  auto feed = parse_base_url(options.base_url);
  if (!feed) {
    error = "options.base_url: expected a base URL like \"https://itunes.apple.com\", got " + quoted(options.base_url);
    return std::nullopt;
  }
  auto connect = parse_base_url(options.connect_base_url);
  if (!connect) {
    error = "options.connect_base_url: expected a base URL like \"https://api.appstoreconnect.apple.com\", got " +
            quoted(options.connect_base_url);
    return std::nullopt;
  }
  out.feed = std::move(*feed);
  out.connect = std::move(*connect);
  if (options.app_id.empty() || options.app_id.find_first_not_of("0123456789") != std::string::npos) {
    error = "options.app_id: expected the app's numeric id, got " + quoted(options.app_id);
    return std::nullopt;
  }
  if (options.countries.empty()) {
    error = "options.countries: expected at least one country code, e.g. [\"us\"]";
    return std::nullopt;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < options.countries.size(); ++i) {
    const std::string c = lower(options.countries[i]);
    if (c.size() != 2 || c.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos) {
      error = "options.countries[" + std::to_string(i) + "]: expected a two-letter country code, got " +
              quoted(options.countries[i]);
      return std::nullopt;
    }
    if (!seen.insert(c).second) {
      error = "options.countries[" + std::to_string(i) + "]: " + quoted(options.countries[i]) + " is listed twice";
      return std::nullopt;
    }
    out.countries.push_back(c);
  }
  const bool has_key = options.private_key || options.private_key_path;
  const bool any = has_key || options.issuer_id || options.key_id;
  if (any) {
    if (!options.issuer_id) {
      error = "options.issuer_id: required with key_id and private_key to reply (App Store Connect, Users and Access, "
              "Integrations)";
      return std::nullopt;
    }
    if (!options.key_id) {
      error = "options.key_id: required with issuer_id and private_key to reply";
      return std::nullopt;
    }
    if (!has_key) {
      error = "options.private_key: required with issuer_id and key_id to reply (or options.private_key_path)";
      return std::nullopt;
    }
    out.can_reply = true;
  }
  return out;
}

}  // namespace appstore
}  // namespace carewatch
