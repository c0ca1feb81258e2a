// The generic JSON webhook's body and signature (for Teams, PagerDuty and other bridges):
//   {"type": "alert", "alert": {kind, key, at, title, detail, facts, mentions, queue, ...},
//    "console_urls": {"<uid>": "<link>"}}          one alert
//   {"type": "digest", "title": "12 more urgent mentions in 5 min", "alerts": [...], ...}
// Signed like Stripe's webhooks: header X-Carewatch-Signature: t=<unix seconds>,v1=<hex of
// HMAC-SHA256(secret, "<t>.<body>")>. A receiver recomputes it, compares in constant time and
// rejects an old t (replays).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/alerts/alert.h"

namespace carewatch {

inline constexpr const char* kWebhookSignatureHeader = "X-Carewatch-Signature";

std::string webhook_message_json(const std::vector<Alert>& alerts, const std::string& console_url);

// Lower-case hex HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// "t=<unix_seconds>,v1=<hmac_sha256_hex(secret, "<t>.<body>")>".
std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

}  // namespace carewatch
