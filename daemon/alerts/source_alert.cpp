#include "daemon/alerts/source_alert.h"

#include <chrono>

namespace carewatch {

namespace {

using std::chrono::milliseconds;

std::string when(TimeMs t) { return t > 0 ? format_iso8601(t) : std::string("never"); }
std::string span(TimeMs from, TimeMs to) { return format_span(milliseconds(to - from)); }

std::string name_of(const std::string& source, const std::string& type) {
  return "Source \"" + source + "\" (" + type + ")";
}

void down(Alert& a, const std::string& who, const std::string& source, const SourceHealth& s,
          const SourceTransition& t, TimeMs now) {
  a.kind = AlertKind::source_down;
  const std::string error = alert_safe_error(s.last_error);
  if (s.last_redis) {
    a.title = who + " is paused: Redis has been unavailable to its poller for " + span(t.since, now);
    a.detail = "Nothing it fetches can be queued while Redis is away. Check Redis (carewatch_poll_errors_total{kind=\"redis\"}).";
  } else if (s.last_fatal) {
    a.title = who + " is down: the platform refuses it, for " + span(t.since, now) + " now";
    a.detail = "A rejected or revoked token, a wrong account or instance, or a stored cursor its connector cannot read. "
               "carewatch tries it again every few minutes, so a token fixed on the platform or in the configuration is "
               "picked up without a restart. If the log says its stored cursor cannot be read: carewatch reset-cursor "
               "--config <file> " + source + ".";
  } else {
    a.title = who + " is down: its polls have failed for " + span(t.since, now);
    a.detail = "Its polls are retried with backoff: the platform may be down, slow or limiting carewatch's rate, or the "
               "network between them is broken.";
  }
  if (!error.empty()) a.detail += " Last error: " + error;
  a.facts = {{"Source", source},
             {"Down since", when(t.since)},
             {"Failed polls", std::to_string(s.failed_polls)},
             {"Last error", error.empty() ? "-" : error},
             {"Last good poll", when(s.last_ok_at)},
             {"Last new mention", when(s.last_mention_at)}};
}

void silent(Alert& a, const std::string& who, const std::string& source, const SourceHealth& s,
            const SourceTransition& t, TimeMs now) {
  a.kind = AlertKind::source_silent;
  const SilenceLimit& l = t.silence;
  a.title = who + " is silent: no new mention for " + span(t.since, now);
  a.detail = "Its polls succeed but bring nothing new. ";
  if (l.learnt) {
    a.detail += "It usually brings a new mention within " + format_span(l.usual_gap) + " (9 gaps in 10)";
    if (l.longest_quiet.count() > 0)
      a.detail += ", and its longest normal quiet of the last " + std::to_string(kLongestQuietDays) + " days was " +
                  format_span(l.longest_quiet);
    a.detail += "; it counts as silent after " + format_span(l.limit) + ". ";
  } else {
    a.detail += "It counts as silent after " + format_span(l.limit) + " (its silent_after). ";
  }
  a.detail += "An expired token or a changed API often looks exactly like this, as does a search query that no longer "
              "matches: check the source's token and options, and the platform's status.";
  a.facts = {{"Source", source},
             {"Quiet since", when(t.since)},
             {"Last new mention", when(s.last_mention_at)},
             {"Newest posted", when(s.newest_posted_at)},
             {"Silent after", format_span(l.limit)}};
  if (l.learnt) {
    a.facts.push_back({"Usual gap (p90)", format_span(l.usual_gap)});
    a.facts.push_back({"Longest normal quiet", l.longest_quiet.count() ? format_span(l.longest_quiet) : "-"});
  }
  a.facts.push_back({"Last good poll", when(s.last_ok_at)});
}

}  // namespace

Alert source_alert(const std::string& source, const std::string& type, const SourceHealth& s,
                   const SourceTransition& t, TimeMs now) {
  Alert a;
  a.key = transition_key(source, t);
  a.at = now;
  a.source = source;
  a.platform = type;
  const std::string who = name_of(source, type);
  using Kind = SourceTransition::Kind;
  switch (t.kind) {
    case Kind::down: down(a, who, source, s, t, now); break;
    case Kind::silent: silent(a, who, source, s, t, now); break;
    case Kind::down_recovered:
      a.kind = AlertKind::source_recovered;
      a.title = who + " recovered: its polls succeed again after " + span(t.since, t.until) + " down";
      a.detail = "Down since " + when(t.since) + "; polls succeed since " + when(t.until) + ".";
      a.facts = {{"Source", source}, {"Down since", when(t.since)}, {"Recovered at", when(t.until)}};
      break;
    case Kind::silent_recovered:
      a.kind = AlertKind::source_recovered;
      a.title = who + " recovered: a new mention after " + span(t.since, t.until) + " of silence";
      a.detail = "Quiet since " + when(t.since) + "; a new mention came at " + when(t.until) + ".";
      a.facts = {{"Source", source}, {"Quiet since", when(t.since)}, {"Recovered at", when(t.until)}};
      break;
  }
  a.facts.insert(a.facts.begin() + 1, AlertFact{"Type", type});
  return a;
}

}  // namespace carewatch
