// The agent's desk: hand-off to another queue with a note, internal notes, a mention's
// conversation, its customer's history across linked identities, identity links, and the
// same-text check of a reply. Each route a function of the request's RouteContext (dispatched
// by api_routes.cpp); the data is the desk store's (daemon/store/desk_store.h).
#pragma once

#include "daemon/api/api_routes.h"
#include "daemon/api/route_context.h"

namespace carewatch {

// POST /v1/mentions/{uid}/handoff {"queue", "note"}
ApiResponse handoff_route(const RouteContext& ctx);
// GET /v1/mentions/{uid}/notes
ApiResponse notes_route(const RouteContext& ctx);
// POST /v1/mentions/{uid}/notes {"text"}
ApiResponse note_add_route(const RouteContext& ctx);
// GET /v1/mentions/{uid}/conversation
ApiResponse conversation_route(const RouteContext& ctx);
// GET /v1/mentions/{uid}/history?limit=50
ApiResponse history_route(const RouteContext& ctx);
// GET /v1/customers/{identity}?limit=50
ApiResponse customer_route(const RouteContext& ctx);
// POST /v1/customers/link {"a", "b"}
ApiResponse customer_link_route(const RouteContext& ctx);
// POST /v1/customers/unlink {"identity"}
ApiResponse customer_unlink_route(const RouteContext& ctx);
// GET /v1/claims?agent=&limit=50: the mentions an agent holds (the caller's; a lead may name
// anyone, others only themselves)
ApiResponse claims_route(const RouteContext& ctx);
// POST /v1/replies/check {"text"}
ApiResponse replies_check_route(const RouteContext& ctx);

// How many days back a contact counts as a repeat contact.
inline constexpr TimeMs kRepeatWindowMs = 7LL * 24 * 3600 * 1000;

}  // namespace carewatch
