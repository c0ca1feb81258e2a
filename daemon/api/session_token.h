// The secrets of a console session: the token (the cookie's value) and the CSRF token, each
// 32 bytes from OpenSSL's RAND_bytes (a cryptographically secure generator), base64url without
// padding (43 characters). Redis keeps the token's SHA-256 only (daemon/store/session_store.h).
#pragma once

#include <string>
#include <string_view>

namespace carewatch {

// 32 random bytes, base64url without padding. Throws when the generator fails (never a weak one).
std::string new_session_secret();

// base64url (RFC 4648 section 5) without padding.
std::string base64url(std::string_view bytes);

// True when `presented` equals `expected`; the time taken depends on their lengths only, not on
// where they differ. An empty `expected` matches nothing.
bool same_secret(std::string_view presented, std::string_view expected);

}  // namespace carewatch
