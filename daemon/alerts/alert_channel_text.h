// Text pieces every channel's rendering shares: Slack's escaping, truncation on a UTF-8 boundary,
// the console link, counts and durations as people read them, the digest's title, and the one
// readable line of the log channel. Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/alerts/alert.h"

namespace carewatch {

// Slack's escaping of text put into mrkdwn or a link label: & -> &amp;, < -> &lt;, > -> &gt;.
// Mention text escaped so cannot form a link or a mention (<!channel>, <@U123>), nor a quote.
std::string slack_escape(std::string_view s);

// `s` cut to at most `max_bytes` bytes, never inside a UTF-8 sequence, ending with "…" when cut.
std::string truncate_utf8(std::string_view s, size_t max_bytes);
// The same for text already escaped for Slack (mrkdwn): never cuts inside an entity (&amp;) or a
// link or mention (<...>).
std::string truncate_mrkdwn(std::string_view s, size_t max_bytes);

// console_url + uid, the uid percent-encoded; empty when console_url is empty.
std::string console_link(const std::string& console_url, const std::string& uid);
// A URL as the target of a Slack link <url|label>: & < > escaped, '|' percent-encoded.
std::string slack_link_target(std::string_view url);

std::string format_count(std::int64_t n);          // 12345 -> "12,345"
std::string format_span(std::int64_t ms);          // 90000 -> "1 min", 7200000 -> "2 h", 4000 -> "4 s"
// "12 min left", "overdue by 3 min".
std::string format_sla_remaining(std::int64_t ms);

const char* kind_emoji(AlertKind k);               // ":rotating_light:"
const char* kind_label(AlertKind k);               // "Urgent", "SLA breach", ...
// "12 more urgent mentions in 5 min" for a digest of `alerts` (the ones folded).
std::string digest_title(const std::vector<Alert>& alerts);

// One readable line for the log channel (plain text, no markup):
//   ALERT [urgent] Urgent complaint from @dan — "where is my refund" — https://console/...
std::string alert_log_line(const Alert& a, const std::string& console_url);

}  // namespace carewatch
