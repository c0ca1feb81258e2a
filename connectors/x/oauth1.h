// OAuth 1.0a request signing (RFC 5849, HMAC-SHA1), as X requires of user-context requests such as
// POST /2/tweets. Written here with OpenSSL's HMAC rather than taken from a library: it is small,
// and tests pin it to the worked example of X's "Creating a signature" page byte for byte.
//
//   - Percent-encoding is RFC 3986's: every byte but A-Z a-z 0-9 - . _ ~, as %XX in upper case.
//   - The signature base string is METHOD & encode(base URL) & encode(parameters), where the base
//     URL has its scheme and host in lower case, no default port (80 for http, 443 for https), no
//     query or fragment; the parameters are the query's, an application/x-www-form-urlencoded
//     body's (a JSON body is not signed) and the oauth_* ones, each key and value encoded, sorted
//     by key then value, joined "k=v&k=v".
//   - The signing key is encode(consumer secret) & encode(token secret); the signature is the
//     base64 of HMAC-SHA1(key, base string).
//   - The header is `OAuth oauth_consumer_key="...", oauth_nonce="...", oauth_signature="...",
//     oauth_signature_method="HMAC-SHA1", oauth_timestamp="...", oauth_token="...",
//     oauth_version="1.0"` with every value percent-encoded.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carewatch::x {

struct OAuth1Credentials {
  std::string consumer_key;
  std::string consumer_secret;
  std::string token;
  std::string token_secret;
};

using OAuthParams = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding (upper-case hex), as OAuth 1.0a signs.
std::string oauth_encode(std::string_view s);

// The base URL of `url` as signed: lower-case scheme and host, no default port, no query or
// fragment ("HTTPS://API.X.com:443/2/tweets?x=1" -> "https://api.x.com/2/tweets").
std::string signature_base_url(std::string_view url);

// The signature base string of a request to `url` (its query is not read: pass its parameters,
// decoded, in `params` with the form body's and the oauth_* ones).
std::string signature_base_string(std::string_view method, std::string_view url, const OAuthParams& params);

// base64(HMAC-SHA1(key, data)).
std::string hmac_sha1_base64(std::string_view key, std::string_view data);

// The oauth_signature of a request: `params` are its query and form parameters plus the oauth_*
// ones (without oauth_signature).
std::string oauth_signature(const OAuth1Credentials& credentials, std::string_view method, std::string_view url,
                            const OAuthParams& params);

// The Authorization header's value for a request to `url` with query/form parameters
// `request_params` (decoded), signed with `nonce` and `timestamp` (seconds since the epoch).
std::string authorization_header(const OAuth1Credentials& credentials, std::string_view method, std::string_view url,
                                 const OAuthParams& request_params, const std::string& nonce, long long timestamp);

// A fresh nonce: 32 random hex digits (OpenSSL RAND_bytes).
std::string make_nonce();

// The parameters of an `OAuth ...` header value, decoded, in order; empty when it is not one
// (a test's fake and the checks of the header's form use it).
OAuthParams parse_authorization_header(std::string_view header);

}  // namespace carewatch::x
