// Slack Block Kit messages for alerts: one alert (what happened, why, the mention quoted with its
// author, reach, platform link, SLA time left and console link), or a burst folded into one digest
// (a line and links per alert). Built with RapidJSON's writer; every piece of text from outside
// (mention text, names, titles) is escaped for Slack, so it cannot form links or mentions
// (<!channel>). Within Slack's limits: at most 50 blocks, section text at most 3,000 characters
// (cut on a UTF-8 boundary, with an ellipsis), header text at most 150, and a top-level "text"
// fallback for notifications.
#pragma once

#include <string>
#include <vector>

#include "daemon/alerts/alert.h"

namespace carewatch {

inline constexpr size_t kSlackMaxBlocks = 50;
inline constexpr size_t kSlackMaxSectionText = 3000;
inline constexpr size_t kSlackMaxHeaderText = 150;
inline constexpr size_t kSlackMaxFields = 10;
inline constexpr size_t kSlackMaxFieldText = 2000;

struct SlackMessageOptions {
  std::string console_url;  // the mention link's start; empty: no console links
  std::string channel;      // chat.postMessage's "channel"; empty: none (an incoming webhook's own)
};

// The message's JSON: {"channel"?, "text", "blocks": [...]}. One alert: the alert; more: a digest
// of all of them (digest_title of them as its header).
std::string slack_message_json(const std::vector<Alert>& alerts, const SlackMessageOptions& options);

}  // namespace carewatch
