#include "daemon/api/api_key.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cctype>
#include <stdexcept>

namespace carewatch {

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed (OpenSSL EVP_Digest)");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

const AgentConfig* find_agent_by_key(const std::vector<AgentConfig>& agents, std::string_view key) {
  if (key.empty()) return nullptr;
  const std::string presented = sha256_hex(key);
  const AgentConfig* found = nullptr;
  // Every agent is compared, and each comparison looks at all 64 characters: the time taken does
  // not tell how much of a hash matched, nor which agent did.
  for (const auto& agent : agents) {
    const bool same = agent.key_sha256.size() == presented.size() &&
                      CRYPTO_memcmp(agent.key_sha256.data(), presented.data(), presented.size()) == 0;
    if (same && !found) found = &agent;
  }
  return found;
}

std::string bearer_token(std::string_view header) {
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!header.empty() && is_space(header.front())) header.remove_prefix(1);
  while (!header.empty() && is_space(header.back())) header.remove_suffix(1);
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || !is_space(header[kScheme.size()])) return "";
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return "";
  header.remove_prefix(kScheme.size());
  while (!header.empty() && is_space(header.front())) header.remove_prefix(1);
  for (char c : header)
    if (is_space(c) || std::iscntrl(static_cast<unsigned char>(c))) return "";  // one token only
  return std::string(header);
}

}  // namespace carewatch
