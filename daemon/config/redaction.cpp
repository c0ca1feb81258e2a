#include "daemon/config/redaction.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>

namespace carewatch {

std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  v.Accept(writer);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string json_quoted(std::string_view s) {
  const rapidjson::Value v(rapidjson::StringRef(s.data(), s.size()));
  return json_text(v);
}

std::string mask_url_password(std::string s) {
  const size_t scheme = s.find("://");
  if (scheme == std::string::npos) return s;
  const size_t start = scheme + 3;
  const size_t end = s.find_first_of("/?#", start);
  const size_t at = s.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return s;
  const size_t colon = s.find(':', start);
  if (colon == std::string::npos || colon > at) return s;
  return s.substr(0, colon + 1) + "***" + s.substr(at);
}

bool is_secret_key(const std::string& path) {
  const size_t dot = path.find_last_of(".]");
  std::string key = dot == std::string::npos ? path : path.substr(dot + 1);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::set<std::string> kSecretWords = {"key", "apikey", "password", "passwd", "pass", "token",
                                                     "secret", "credential", "credentials", "auth"};
  size_t start = 0;
  while (start <= key.size()) {
    const size_t end = std::min(key.find_first_of("_-", start), key.size());
    if (kSecretWords.count(key.substr(start, end - start))) return true;
    start = end + 1;
  }
  return false;
}

std::string redacted(const rapidjson::Value& v, const std::string& path) {
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "an array";
  if (!v.IsString()) return json_text(v);
  std::string s(v.GetString(), v.GetStringLength());
  if (is_secret_key(path)) return "a string of " + std::to_string(s.size()) + " characters (not shown)";
  s = mask_url_password(std::move(s));
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return json_quoted(s);
}

}  // namespace carewatch
