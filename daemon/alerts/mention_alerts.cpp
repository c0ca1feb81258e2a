#include "daemon/alerts/mention_alerts.h"

#include <cmath>
#include <cstdio>

namespace carewatch {

namespace {

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string target_words(const std::string& target) {
  if (target == "first_response") return "first response";
  if (target == "next_response") return "next response";
  if (target == "resolution") return "resolution";
  return target;
}

std::string author_words(const Mention& m) {
  std::string who = m.author.handle.empty() ? (m.author.display_name.empty() ? "someone" : m.author.display_name)
                                            : "@" + m.author.handle;
  if (m.author.followers > 0) who += " (" + short_count(m.author.followers) + " followers)";
  return who;
}

// The rules and scores behind a decision, as one line.
std::string decision_words(const Mention& m) {
  const Decision& d = m.decision;
  std::string out = "p" + std::to_string(d.priority) + " " + to_string(d.category);
  if (!d.rules.empty()) {
    out += "; rules: ";
    for (size_t i = 0; i < d.rules.size(); ++i) out += (i ? ", " : "") + d.rules[i];
  }
  if (d.scored) {
    out += "; complaint " + fixed(d.complaint_score, 2) + ", sentiment " + fixed(d.sentiment.compound, 2);
    if (d.explain.priority.computed) out += ", priority score " + fixed(d.explain.priority.score, 2);
  }
  if (!d.tags.empty()) {
    out += "; tags: ";
    for (size_t i = 0; i < d.tags.size(); ++i) out += (i ? ", " : "") + d.tags[i];
  }
  return out;
}

Alert about(const Mention& m, AlertKind kind, std::optional<std::int64_t> sla_remaining_ms, TimeMs now) {
  Alert a;
  a.kind = kind;
  a.at = now;
  AlertMention am = alert_mention_of(m);
  am.sla_remaining_ms = sla_remaining_ms;
  a.mentions.push_back(std::move(am));
  a.queue = m.decision.queue;
  a.priority = m.decision.priority;
  a.category = to_string(m.decision.category);
  a.platform = m.platform;
  a.source = m.source;
  a.tags = m.decision.tags;
  return a;
}

}  // namespace

std::string short_count(std::int64_t n) {
  const double v = static_cast<double>(n);
  if (n < 0) return "-" + short_count(-n);
  if (n < 1000) return std::to_string(n);
  if (n < 10000) return fixed(v / 1000, 1) + "k";
  if (n < 1000000) return std::to_string(n / 1000) + "k";
  if (n < 10000000) return fixed(v / 1e6, 1) + "M";
  return std::to_string(n / 1000000) + "M";
}

std::string short_span(std::int64_t ms) {
  if (ms < 0) return "-" + short_span(-ms);
  if (ms < 60000) return std::to_string((ms + 999) / 1000) + "s";  // short targets (tests, chat)
  const std::int64_t minutes = (ms + 59999) / 60000;  // a partial minute counts (time left)
  if (minutes < 60) return std::to_string(minutes) + "m";
  const std::int64_t hours = minutes / 60, rest = minutes % 60;
  if (hours < 24) return std::to_string(hours) + "h " + (rest < 10 ? "0" : "") + std::to_string(rest) + "m";
  return std::to_string(hours / 24) + "d " + std::to_string(hours % 24) + "h";
}

Alert urgent_alert(const Mention& m, std::optional<std::int64_t> sla_remaining_ms, TimeMs now,
                   const std::string& why_tag) {
  Alert a = about(m, AlertKind::urgent, sla_remaining_ms, now);
  a.key = "urgent:" + m.uid;
  a.title = "Urgent " + std::string(to_string(m.decision.category)) + " on " + m.platform + " from " + author_words(m);
  a.detail = (why_tag.empty() || m.decision.priority == 0 ? "Priority p0" : "Tagged " + why_tag) + ": " +
             decision_words(m);
  if (!m.decision.queue.empty()) a.facts.push_back({"Queue", m.decision.queue});
  a.facts.push_back({"Priority", "p" + std::to_string(m.decision.priority)});
  if (sla_remaining_ms) a.facts.push_back({"SLA left", short_span(*sla_remaining_ms)});
  return a;
}

Alert sla_alert(const Mention& m, const std::string& queue, int priority, const std::string& target,
                double fraction, std::int64_t target_ms, std::optional<std::int64_t> sla_remaining_ms, TimeMs now) {
  const bool breach = fraction >= 1.0;
  Alert a = about(m, breach ? AlertKind::sla_breach : AlertKind::sla_warning, sla_remaining_ms, now);
  if (!queue.empty()) a.queue = queue;
  if (priority >= 0) a.priority = priority;
  const std::string pct = std::to_string(static_cast<int>(std::lround(fraction * 100)));
  a.key = "sla:" + m.uid + ":" + target + ":" + fixed(fraction, 3);
  const std::string where = (a.queue.empty() ? std::string("a mention") : "a p" + std::to_string(a.priority) +
                                                                               " mention in " + a.queue);
  if (breach)
    a.title = "SLA breached: " + target_words(target) + " target (" + short_span(target_ms) + ") missed on " + where;
  else
    a.title = "SLA warning: " + pct + "% of the " + target_words(target) + " target (" + short_span(target_ms) +
              ") gone on " + where;
  a.detail = "From " + author_words(m) + " on " + m.platform + "; " + decision_words(m);
  a.facts.push_back({"Target", target_words(target) + " " + short_span(target_ms)});
  if (sla_remaining_ms) a.facts.push_back({breach ? "Overdue by" : "SLA left", short_span(breach ? -*sla_remaining_ms : *sla_remaining_ms)});
  return a;
}

}  // namespace carewatch
