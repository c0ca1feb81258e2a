#include "daemon/alerts/alert.h"

#include <array>
#include <utility>

namespace carewatch {

namespace {

constexpr std::array<std::pair<AlertKind, const char*>, 10> kNames{{
    {AlertKind::urgent, "urgent"},
    {AlertKind::sla_warning, "sla_warning"},
    {AlertKind::sla_breach, "sla_breach"},
    {AlertKind::spike, "spike"},
    {AlertKind::spike_over, "spike_over"},
    {AlertKind::source_down, "source_down"},
    {AlertKind::source_silent, "source_silent"},
    {AlertKind::source_recovered, "source_recovered"},
    {AlertKind::recurring_issue, "recurring_issue"},
    {AlertKind::digest, "digest"},
}};

}  // namespace

const char* to_string(AlertKind k) {
  for (const auto& [kind, name] : kNames)
    if (kind == k) return name;
  return "urgent";
}

std::optional<AlertKind> alert_kind_from_string(std::string_view s) {
  for (const auto& [kind, name] : kNames)
    if (s == name) return kind;
  return std::nullopt;
}

const std::vector<AlertKind>& all_alert_kinds() {
  static const std::vector<AlertKind> kinds = [] {
    std::vector<AlertKind> v;
    for (const auto& [kind, name] : kNames) v.push_back(kind);
    return v;
  }();
  return kinds;
}

AlertMention alert_mention_of(const Mention& m) {
  AlertMention a;
  a.uid = m.uid;
  a.platform = m.platform;
  a.source = m.source;
  a.url = m.url;
  a.text = m.text;
  a.author_handle = m.author.handle;
  a.author_name = m.author.display_name;
  a.followers = m.author.followers;
  a.verified = m.author.verified;
  a.posted_at = m.posted_at;
  a.queue = m.decision.queue;
  a.priority = m.decision.priority;
  a.category = to_string(m.decision.category);
  a.tags = m.decision.tags;
  a.rules = m.decision.rules;
  a.scored = m.decision.scored;
  a.complaint_score = m.decision.complaint_score;
  a.sentiment = m.decision.sentiment.compound;
  return a;
}

}  // namespace carewatch
