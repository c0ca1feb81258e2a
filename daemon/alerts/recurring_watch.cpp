#include "daemon/alerts/recurring_watch.h"

#include <algorithm>
#include <map>

#include "mention/mention_json.h"
#include "rules/complaint_groups.h"

namespace carewatch {

namespace {

std::string duration_text(std::chrono::milliseconds d) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(d).count();
  if (minutes >= 60 && minutes % 60 == 0) return std::to_string(minutes / 60) + "h";
  if (minutes >= 1) return std::to_string(minutes) + "m";
  return std::to_string(d.count() / 1000) + "s";
}

bool contains_word(const std::string& bigram, const std::string& word) {
  const auto space = bigram.find(' ');
  return space != std::string::npos && (bigram.substr(0, space) == word || bigram.substr(space + 1) == word);
}

std::string joined(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

}  // namespace

std::vector<std::string> title_terms(const std::vector<std::pair<std::string, std::int64_t>>& terms, size_t n) {
  std::map<std::string, std::int64_t> table(terms.begin(), terms.end());
  std::vector<std::string> out;
  for (const auto& [term, count] : rules::top_terms_of(table, table.size())) {
    if (out.size() >= n) break;
    const bool tag = !term.empty() && term[0] == '#';
    const std::string word = tag ? term.substr(1) : term;
    const bool bigram = term.find(' ') != std::string::npos;
    const bool covered = std::any_of(out.begin(), out.end(), [&](const std::string& chosen) {
      return chosen == word || chosen == "#" + word ||     // a tag and its word are one term
             (!bigram && contains_word(chosen, word));   // a word of a chosen bigram
    });
    if (!covered) out.push_back(term);
  }
  return out;
}

Alert recurring_alert(const GroupSummary& group, const std::vector<Mention>& samples, std::chrono::milliseconds window,
                      TimeMs now, size_t top_terms) {
  Alert a;
  a.kind = AlertKind::recurring_issue;
  a.key = "recurring:" + group.id;
  a.at = now;
  a.category = "complaint";
  const auto terms = title_terms(group.terms, top_terms);
  a.title = "Recurring issue: " + std::to_string(group.size) + " complaints from " + std::to_string(group.authors) +
            (group.authors == 1 ? " person" : " people") +
            (terms.empty() ? std::string() : " about \"" + joined(terms, ", ") + "\"");
  a.detail = std::to_string(group.size) + " complaints within " + duration_text(window) +
             " share these words; the group keeps growing while complaints like them arrive.";
  a.facts.push_back({"Complaints", std::to_string(group.size)});
  a.facts.push_back({"Authors", std::to_string(group.authors)});
  a.facts.push_back({"Window", duration_text(window)});
  if (group.created > 0) a.facts.push_back({"First seen", format_iso8601(group.created)});
  std::vector<std::string> platforms;
  for (const auto& [platform, count] : group.platforms) platforms.push_back(platform + " " + std::to_string(count));
  if (!platforms.empty()) a.facts.push_back({"Platforms", joined(platforms, ", ")});
  if (group.platforms.size() == 1) a.platform = group.platforms.front().first;
  std::vector<std::string> top;
  for (const auto& [term, count] : rules::top_terms_of({group.terms.begin(), group.terms.end()}, 8))
    top.push_back(term + " (" + std::to_string(count) + ")");
  if (!top.empty()) a.facts.push_back({"Top terms", joined(top, ", ")});
  a.facts.push_back({"Group", group.id});
  for (const auto& m : samples) a.mentions.push_back(alert_mention_of(m));
  return a;
}

RecurringWatch::RecurringWatch(GroupStore& groups, QueueStore& store, AlertSink& sink, RecurringWatchOptions options)
    : groups_(groups), store_(store), sink_(sink), options_(std::move(options)) {}

size_t RecurringWatch::tick(TimeMs now) {
  if (!options_.instance_id.empty() && !store_.acquire_lease("recurring", options_.instance_id, options_.lease))
    return 0;
  size_t raised = 0;
  for (const auto& id : groups_.announcements(options_.per_tick, now - options_.settle.count())) {
    const auto group = groups_.summary(id, 50, options_.samples);
    if (group) {
      std::vector<Mention> samples;
      for (const auto& uid : group->samples) {
        const auto record = store_.get(uid, false);
        if (!record) continue;  // not stored yet (its batch is being enqueued) or expired
        Mention m;
        std::string error;
        if (parse_mention(record->mention_json, m, error)) samples.push_back(std::move(m));
      }
      sink_.raise(recurring_alert(*group, samples, groups_.options().window, now, options_.top_terms));
      ++raised;
    }
    groups_.announced_done(id);  // raised, or the group is gone (expired before anyone could)
  }
  return raised;
}

}  // namespace carewatch
