// An alert: something people must hear of, raised by a detector or by the SLA clock, and
// delivered through the alert outbox to the channels whose routes take it (daemon/alerts/).
//
// A raised alert carries everything a message needs (it is rendered later, after a restart
// perhaps, without reading the mention again) and what routes filter on. Text fields are plain
// text: each channel escapes them for its own markup.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mention/mention.h"

namespace carewatch {

enum class AlertKind {
  urgent,            // a mention that needs eyes now: p0, or a rule tag a route names
  sla_warning,       // an SLA target is a configured fraction gone
  sla_breach,        // an SLA target is missed
  spike,             // far more mentions of a platform / category / tag than usual
  spike_over,        // ... and back to normal
  source_down,       // a source's polls fail (or it is down) for longer than allowed
  source_silent,     // a source that usually yields mentions has been quiet for too long
  source_recovered,  // a source that was down or silent works again
  recurring_issue,   // many complaints by different authors about the same thing
  digest,            // the daily digest, or a burst folded into one message
};
// The names used in configuration, metrics and messages: "urgent", "sla_warning", "sla_breach",
// "spike", "spike_over", "source_down", "source_silent", "source_recovered", "recurring_issue",
// "digest".
const char* to_string(AlertKind k);
std::optional<AlertKind> alert_kind_from_string(std::string_view s);
const std::vector<AlertKind>& all_alert_kinds();

// A mention as an alert shows it.
struct AlertMention {
  std::string uid;
  std::string platform;
  std::string source;
  std::string url;                   // the platform's link; may be empty
  std::string text;                  // as posted (plain text)
  std::string author_handle;
  std::string author_name;
  std::int64_t followers = 0;        // the author's reach
  bool verified = false;
  TimeMs posted_at = 0;
  std::string queue;
  int priority = -1;                 // -1: unknown
  std::string category;              // "complaint", ...
  std::vector<std::string> tags;
  std::vector<std::string> rules;    // the rules that fired
  bool scored = false;
  double complaint_score = 0;        // 0..1
  double sentiment = 0;              // VADER compound, -1..1
  std::optional<std::int64_t> sla_remaining_ms;  // time left to its response target; negative: overdue
};

// The mention's fields as an alert shows them (no SLA time: the caller knows it).
AlertMention alert_mention_of(const Mention& m);

// One labelled figure of an alert ("Count" "42", "Baseline" "3.1 per 5 min").
struct AlertFact {
  std::string label;
  std::string value;
};

struct Alert {
  AlertKind kind = AlertKind::urgent;
  // The dedup key: an alert with a key already raised is not delivered again (per channel).
  // Deterministic from what happened: "urgent:<uid>", "sla_breach:<uid>:first_response",
  // "spike:<platform>:<category>:<bucket start>", ...
  std::string key;
  TimeMs at = 0;                     // when it was raised
  std::string title;                 // one line: what happened
  std::string detail;                // why: the rules and scores, the spike's figures
  std::vector<AlertFact> facts;
  std::vector<AlertMention> mentions;  // the mention(s) it is about; samples for spikes and groups

  // What routes filter on; empty (or -1) when the alert has no such dimension (a spike has a
  // platform and a category but no queue).
  std::string queue;
  int priority = -1;
  std::string category;
  std::string platform;
  std::string source;
  std::vector<std::string> tags;
};

// Where detectors raise alerts: the durable alert outbox (or a test's list). raise() returns once
// the alert is stored (a restart loses none); it throws RedisUnavailable when Redis is away, so
// the caller tries again later. Raising a key already raised does nothing.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void raise(const Alert& alert) = 0;
};

}  // namespace carewatch
