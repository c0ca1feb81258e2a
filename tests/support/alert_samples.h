// Alerts as detectors raise them, for the alert outbox tests (unit and integration).
#pragma once

#include <string>

#include "daemon/alerts/alert.h"

namespace carewatch::testing {

inline AlertMention sample_alert_mention(const std::string& native_id = "113552000000000620",
                                         const std::string& text = "@acmeair the app is down & I can't pay <!channel>") {
  AlertMention m;
  m.uid = "mastodon:" + native_id;
  m.platform = "mastodon";
  m.source = "masto";
  m.url = "https://mastodon.example/@dan/" + native_id;
  m.text = text;
  m.author_handle = "dan@mastodon.example";
  m.author_name = "Dan <Admin>";
  m.followers = 12345;
  m.verified = false;
  m.posted_at = 1764800000000;
  m.queue = "care";
  m.priority = 0;
  m.category = "complaint";
  m.tags = {"outage"};
  m.rules = {"outage-words", "payment"};
  m.scored = true;
  m.complaint_score = 0.93;
  m.sentiment = -0.71;
  m.sla_remaining_ms = 12 * 60 * 1000;
  return m;
}

inline Alert sample_urgent_alert(const std::string& native_id = "113552000000000620",
                                 const std::string& text = "@acmeair the app is down & I can't pay <!channel>") {
  Alert a;
  a.kind = AlertKind::urgent;
  a.key = "urgent:mastodon:" + native_id;
  a.at = 1764800060000;
  a.title = "Urgent complaint from @dan@mastodon.example";
  a.detail = "p0: rules outage-words, payment; complaint 0.93";
  a.facts = {{"Queue", "care"}, {"Priority", "p0"}};
  a.mentions = {sample_alert_mention(native_id, text)};
  a.queue = "care";
  a.priority = 0;
  a.category = "complaint";
  a.platform = "mastodon";
  a.source = "masto";
  a.tags = {"outage"};
  return a;
}

}  // namespace carewatch::testing
