// Agent API keys: stored as hex SHA-256 in the configuration, never in clear; a presented key is
// hashed and compared in constant time against every agent's hash.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/agent_config.h"

namespace carewatch {

// Lower-case hex SHA-256 of `text` (64 characters).
std::string sha256_hex(std::string_view text);

// The agent whose key_sha256 matches the SHA-256 of `key`, or nullptr. Compares every agent's
// hash in constant time (no early exit on the first differing byte).
const AgentConfig* find_agent_by_key(const std::vector<AgentConfig>& agents, std::string_view key);

// The key from an "Authorization: Bearer <key>" header value; empty when the scheme is not
// Bearer (case-insensitive) or the key is missing.
std::string bearer_token(std::string_view authorization_header);

}  // namespace carewatch
