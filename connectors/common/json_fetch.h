// One request whose answer should be JSON, for every HTTP connector: sends it, classifies the
// answer with the one retry policy (connectors/http/retry_policy.h) and parses the body, so each
// connector handles the same bad answers the same way:
//   - 401/403/404 and other 4xx: fatal, the message naming the request (URL without credentials),
//     the status, what the platform said (error_detail) and the connector's hint of what to fix;
//   - 408/425/429/5xx and transport errors: retry, with Retry-After / the rate-limit reset;
//   - a 2xx whose body is an HTML page (a proxy, a captive portal, a maintenance page), or not JSON
//     (truncated, invalid): retry, naming the offset of the first error.
// Secrets never appear: URLs are redacted, and bodies are quoted only in part.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <optional>
#include <string>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/http/retry_policy.h"

namespace carewatch {

// A good answer.
struct JsonAnswer {
  rapidjson::Document doc;
  HttpResponse response;                                  // headers, status (the body as received)
  // The answer is good but the rate limit is used up (remaining 0): the next call would be refused
  // until then. The connector ends its poll and sets Batch::retry_after.
  std::optional<std::chrono::milliseconds> rate_limited_for;
  std::optional<double> rate_limit_remaining;             // when the platform reports it
};

// A failed request.
struct JsonFailure {
  PollError error;
  int status = 0;         // the HTTP status, 0 for a transport error or a bad body
  // Rate-limited (429) or unreachable: calling the platform again in this poll is pointless.
  bool stop_all = false;
};

// The platform's own words in an error body, e.g. {"error": "invalid_grant"},
// {"message": "..."}, {"error": {"message": "..."}} (Google), {"title": "...", "detail": "..."} (X),
// {"error": "...", "message": "..."} (Bluesky); empty when the body has none. At most 200 bytes.
std::string error_detail(const std::string& body);

// True when the answer is an HTML page (Content-Type text/html, or a body starting with '<').
bool looks_like_html(const HttpResponse& response);

// Sends `request` and reads the answer as JSON. `label` starts every message (the stream, e.g.
// "r/acme comments"); `hint` is appended to a 401/403 message (what to fix: "is options.api_key
// valid?"). `now_ms` is the wall clock (now_ms() from mention/common/time.h in production).
std::optional<JsonFailure> fetch_json(HttpClient& http, const HttpRequest& request, const std::string& label,
                                      JsonAnswer& answer, long long now_ms, const std::string& hint = "");

}  // namespace carewatch
