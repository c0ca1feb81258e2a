// One agent of the configuration's "agents" list: who may call the API, by the SHA-256 of a key,
// and what they may do there (role).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace carewatch {

// agent: works queues (claim, reply, resolve, release their own claims, hand off).
// lead: everything an agent does, sees every agent's figures and may release anyone's claim.
// viewer: reads (queues, mentions, figures) but never claims, replies or changes anything.
enum class AgentRole { agent, lead, viewer };

inline const char* to_string(AgentRole r) {
  switch (r) {
    case AgentRole::agent: return "agent";
    case AgentRole::lead: return "lead";
    case AgentRole::viewer: return "viewer";
  }
  return "agent";
}

inline std::optional<AgentRole> agent_role_from_string(std::string_view s) {
  if (s == "agent") return AgentRole::agent;
  if (s == "lead") return AgentRole::lead;
  if (s == "viewer") return AgentRole::viewer;
  return std::nullopt;
}

struct AgentConfig {
  std::string id;
  std::string key_sha256;            // hex SHA-256 of the agent's API key
  AgentRole role = AgentRole::agent;
};

}  // namespace carewatch
