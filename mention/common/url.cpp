#include "mention/common/url.h"

#include <cpprest/base_uri.h>

namespace carewatch {

std::string percent_encode(std::string_view s, std::string_view keep) {
  if (keep.empty()) return web::uri::encode_data_string(utility::conversions::to_string_t(std::string(s)));
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (c < 0x80 && keep.find(ch) != std::string_view::npos)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string text(s);
  if (plus_is_space)
    for (char& c : text)
      if (c == '+') c = ' ';
  try {
    return utility::conversions::to_utf8string(web::uri::decode(text));
  } catch (const std::exception&) {
    return std::nullopt;  // web::uri_exception: a malformed escape
  }
}

std::optional<QueryPairs> parse_query(std::string_view query) {
  QueryPairs out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>("") : percent_decode(pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::string encode_query(const QueryPairs& pairs) {
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out += percent_encode(key) + '=' + percent_encode(value);
  }
  return out;
}

std::optional<BaseUrl> parse_base_url(std::string_view url) {
  try {
    const web::uri u(utility::conversions::to_string_t(std::string(url)));
    const std::string scheme = utility::conversions::to_utf8string(u.scheme());
    if ((scheme != "http" && scheme != "https") || u.host().empty() || !u.user_info().empty() ||
        !u.query().empty() || !u.fragment().empty() || url.find_first_of("?#") != std::string_view::npos)
      return std::nullopt;
    BaseUrl base{utility::conversions::to_utf8string(u.to_string()), utility::conversions::to_utf8string(u.host())};
    while (!base.url.empty() && base.url.back() == '/') base.url.pop_back();
    return base;
  } catch (const std::exception&) {
    return std::nullopt;  // web::uri_exception: not a URL
  }
}

std::optional<std::string> query_value(std::string_view url, std::string_view key) {
  const size_t q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = url.substr(q + 1);
  query = query.substr(0, query.find('#'));
  auto pairs = parse_query(query);
  if (!pairs) return std::nullopt;
  for (auto& [k, v] : *pairs)
    if (k == key) return std::move(v);
  return std::nullopt;
}

}  // namespace carewatch
