// JSON Web Tokens signed with OpenSSL, for the platforms whose credentials are a private key:
// App Store Connect (ES256, the .p8 key of an API key) and Google service accounts (RS256, the
// "private_key" of the JSON key file, exchanged for an access token).
//
// A token is the compact JWS form: base64url(header) "." base64url(claims) "." base64url(signature)
// (RFC 7515/7519). ES256 signs SHA-256 with ECDSA on P-256 and writes the signature as the raw
// 64 bytes r || s that JOSE requires (RFC 7518 3.4), not OpenSSL's DER; RS256 is RSASSA-PKCS1-v1_5
// with SHA-256. Keys are PEM text: PKCS#8 ("BEGIN PRIVATE KEY", what Apple's .p8 and Google's JSON
// key hold) or the traditional "BEGIN EC PRIVATE KEY" / "BEGIN RSA PRIVATE KEY". A key is a
// secret: no message of this file quotes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace carewatch::jwt {

enum class Alg { ES256, RS256 };

// "ES256" / "RS256": the header's "alg".
const char* alg_name(Alg alg);

// Base64url without padding (RFC 4648 section 5), as JWS writes every part.
std::string base64url(std::string_view bytes);
// Decodes base64url (padding optional); nullopt on a character outside the alphabet.
std::optional<std::string> base64url_decode(std::string_view text);

// Checks that `private_key_pem` is a private key `alg` can sign with (an EC P-256 key for ES256,
// an RSA key of at least 2048 bits for RS256). On failure returns false and sets `error` ("not a
// PEM private key", "an RSA key, ES256 needs an EC P-256 key", ...), never quoting the key.
bool check_private_key(Alg alg, std::string_view private_key_pem, std::string& error);

// Signs `header_json` and `claims_json` (each a JSON object, written as given) with the key:
// the compact token. nullopt with `error` set when the key cannot sign (see check_private_key) or
// OpenSSL fails.
std::optional<std::string> sign(Alg alg, std::string_view header_json, std::string_view claims_json,
                                std::string_view private_key_pem, std::string& error);

// The header a token of `alg` carries: {"alg":"<alg>","kid":"<kid>","typ":"JWT"} ("kid" left out
// when empty), JSON-escaped.
std::string header(Alg alg, std::string_view kid);

}  // namespace carewatch::jwt
