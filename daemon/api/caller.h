// Who sent an API request, once authenticated: the agent, their role, and how they proved it
// (a bearer key, or a console session cookie, which also needs the CSRF header on writes).
#pragma once

#include <string>

#include "daemon/config/agent_config.h"

namespace carewatch {

struct Caller {
  std::string agent;                  // the agent's id; "" for a route that needs no key
  AgentRole role = AgentRole::agent;
  bool via_session = false;           // authenticated by the console's session cookie
  std::string csrf;                   // that session's CSRF token ("" for a bearer key)
  bool can_act() const { return !agent.empty() && role != AgentRole::viewer; }
  bool is_lead() const { return role == AgentRole::lead; }
};

}  // namespace carewatch
