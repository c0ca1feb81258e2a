#include "connectors/x/oauth1.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>

namespace carewatch::x {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace

std::string oauth_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string signature_base_url(std::string_view url) {
  url = url.substr(0, std::min(url.find('?'), url.find('#')));
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::string scheme = lower(url.substr(0, scheme_end));
  const size_t host_start = scheme_end + 3;
  const size_t path_start = std::min(url.find('/', host_start), url.size());
  std::string authority = lower(url.substr(host_start, path_start - host_start));
  const size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    const std::string port = authority.substr(colon + 1);
    if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443") || port.empty())
      authority.erase(colon);
  }
  std::string path(url.substr(path_start));
  if (path.empty()) path = "/";
  return scheme + "://" + authority + path;
}

std::string signature_base_string(std::string_view method, std::string_view url, const OAuthParams& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [k, v] : params) encoded.emplace_back(oauth_encode(k), oauth_encode(v));
  std::sort(encoded.begin(), encoded.end());
  std::string joined;
  for (const auto& [k, v] : encoded) {
    if (!joined.empty()) joined.push_back('&');
    joined += k + "=" + v;
  }
  std::string m(method);
  for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return m + "&" + oauth_encode(signature_base_url(url)) + "&" + oauth_encode(joined);
}

std::string hmac_sha1_base64(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac.data(), &length);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> out{};
  const int n = EVP_EncodeBlock(out.data(), mac.data(), static_cast<int>(length));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<size_t>(n));
}

std::string oauth_signature(const OAuth1Credentials& c, std::string_view method, std::string_view url,
                            const OAuthParams& params) {
  const std::string key = oauth_encode(c.consumer_secret) + "&" + oauth_encode(c.token_secret);
  return hmac_sha1_base64(key, signature_base_string(method, url, params));
}

std::string authorization_header(const OAuth1Credentials& c, std::string_view method, std::string_view url,
                                 const OAuthParams& request_params, const std::string& nonce, long long timestamp) {
  OAuthParams oauth = {{"oauth_consumer_key", c.consumer_key},
                       {"oauth_nonce", nonce},
                       {"oauth_signature_method", "HMAC-SHA1"},
                       {"oauth_timestamp", std::to_string(timestamp)},
                       {"oauth_token", c.token},
                       {"oauth_version", "1.0"}};
  OAuthParams all = request_params;
  all.insert(all.end(), oauth.begin(), oauth.end());
  oauth.emplace_back("oauth_signature", oauth_signature(c, method, url, all));
  std::sort(oauth.begin(), oauth.end());
  std::string header = "OAuth ";
  for (size_t i = 0; i < oauth.size(); ++i)
    header += (i ? ", " : "") + oauth[i].first + "=\"" + oauth_encode(oauth[i].second) + "\"";
  return header;
}

std::string make_nonce() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // No entropy from OpenSSL: a nonce only needs to be unique per timestamp.
    static std::uint64_t counter = 0;
    const std::uint64_t v = ++counter ^ reinterpret_cast<std::uintptr_t>(&bytes);
    for (size_t i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(v >> (8 * i));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

OAuthParams parse_authorization_header(std::string_view h) {
  if (h.substr(0, 6) != "OAuth ") return {};
  h.remove_prefix(6);
  OAuthParams out;
  while (!h.empty()) {
    while (!h.empty() && (h.front() == ' ' || h.front() == ',')) h.remove_prefix(1);
    if (h.empty()) break;
    const size_t eq = h.find('=');
    if (eq == std::string_view::npos || eq + 1 >= h.size() || h[eq + 1] != '"') return {};
    const std::string_view key = h.substr(0, eq);
    const size_t close = h.find('"', eq + 2);
    if (close == std::string_view::npos) return {};
    const auto value = percent_decode(h.substr(eq + 2, close - eq - 2));
    if (!value || key.empty()) return {};
    out.emplace_back(std::string(key), *value);
    h.remove_prefix(close + 1);
  }
  return out;
}

}  // namespace carewatch::x
