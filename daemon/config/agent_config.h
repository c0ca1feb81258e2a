// One agent of the configuration's "agents" list: who may call the API, by the SHA-256 of a key.
#pragma once

#include <string>

namespace carewatch {

struct AgentConfig {
  std::string id;
  std::string key_sha256;            // hex SHA-256 of the agent's API key
};

}  // namespace carewatch
