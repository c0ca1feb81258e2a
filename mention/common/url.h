// Percent-encoding and query strings (RFC 3986), on cpprestsdk's web::uri, which carewatch already
// links for outbound HTTP. Its headers stay in url.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carewatch {

// Percent-encodes every byte but the RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~) and
// the ASCII characters of `keep` (e.g. ":/?#@!$&'()*+,;=%" to make a whole URL's path and query
// safe while leaving its structure and existing escapes alone).
std::string percent_encode(std::string_view s, std::string_view keep = {});

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in form queries); nullopt when
// an escape is malformed ("%", "%4", "%zz").
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false);

using QueryPairs = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y&c" into {{"a","1"},{"b","x y"},{"c",""}}, in order ('+' is a space; empty pairs
// skipped); nullopt when an escape is malformed.
std::optional<QueryPairs> parse_query(std::string_view query);

// {{"q","acme air"},{"types[]","mention"}} into "q=acme%20air&types%5B%5D=mention": keys and values
// percent-encoded (a space as %20, never '+'), in order. Also an application/x-www-form-urlencoded
// body.
std::string encode_query(const QueryPairs& pairs);

// The base URL of an HTTP service as configured ("https://mastodon.social/", "http://[::1]:8080/x"):
// `url` is scheme://authority[/path] with the scheme and host in lower case and no trailing '/';
// `host` is the host name without port (an IPv6 address in brackets), in lower case.
struct BaseUrl {
  std::string url;
  std::string host;
};
// nullopt unless `url` is an absolute http or https URL with a host and without user info, query
// or fragment.
std::optional<BaseUrl> parse_base_url(std::string_view url);

// The value of `key` in the query part of `url` (after '?', before '#'), decoded; nullopt when
// absent or malformed.
std::optional<std::string> query_value(std::string_view url, std::string_view key);

}  // namespace carewatch
