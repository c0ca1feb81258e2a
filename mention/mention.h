// The one normalized record that flows through carewatch: what a connector fetched,
// plus what the rules decided about it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mention/common/time.h"

namespace carewatch {

struct Author {
  std::string id;
  std::string handle;
  std::string display_name;
  std::int64_t followers = 0;
  bool verified = false;
};

// A queue's name: 1 to 64 ASCII letters, digits, '-', '_' and '.' (the rules write it, the API reads
// it in paths); "" means no queue.
inline bool is_queue_name(std::string_view q) {
  if (q.empty() || q.size() > 64) return false;
  for (const char c : q)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

enum class Category { unknown, complaint, question, praise, engagement, spam, ignore };
const char* to_string(Category c);
std::optional<Category> category_from_string(const std::string& s);

// Sentiment of the text (VADER): compound in [-1, 1], proportions summing to 1.
struct SentimentScores {
  double compound = 0;
  double pos = 0, neu = 0, neg = 0;
};

// One feature of the text and how much it pushed a model toward a label.
struct WordWeight {
  std::string feature;              // "word:refund", "bigram:still waiting", ...
  double weight = 0;
};

// The priority formula's score and its parts (each part already multiplied by its weight).
struct PriorityScore {
  bool computed = false;            // false: the rules file has no "priority" formula
  double score = 0;                 // sum of the parts
  double complaint = 0, negative = 0, reach = 0, verified = 0, urgent = 0;
  int priority = 3;                 // what the formula alone gives, before rule actions
};

// A score from a model a rules file named: "model.<name>.<label>".
struct NamedScore {
  std::string name;
  double value = 0;
};

// Why the decision is what it is, beyond the rules that fired (Decision::rules).
struct Explanation {
  Category base_category = Category::unknown;  // from the scores, before any rule ran
  PriorityScore priority;
  std::vector<WordWeight> complaint_words;     // top words behind the complaint score
  std::vector<NamedScore> models;
};

// What the rules decided, and why.
struct Decision {
  Category category = Category::unknown;
  int priority = 3;                 // 0 (most urgent) .. 3
  std::string queue;                // empty: not routed to a human
  std::vector<std::string> tags;
  std::vector<std::string> rules;   // names of the rules that fired, in order
  // Scores, computed once per mention by the rule set (scored == false: none were computed,
  // e.g. a decision made without rules, or read from an older record).
  bool scored = false;
  SentimentScores sentiment;
  double complaint_score = 0;       // probability the text is a complaint, 0..1
  std::string language;             // the language used: the platform's, else detected ("" unknown)
  Explanation explain;
};

// The recurring issue a complaint was grouped into (daemon/store/group_store.h): the group's id,
// and its members and distinct authors within the grouping window as they stood when this
// mention joined (this one included). Empty id: not grouped.
struct ClusterInfo {
  std::string id;
  std::int64_t size = 0;
  std::int64_t authors = 0;
};

struct Mention {
  std::string uid;                  // "<platform>:<native id>", stable
  std::string platform;             // "mastodon", "x", "reddit", ...
  std::string source;               // name of the configured source that fetched it
  std::string native_id;
  std::string url;
  std::string text;                 // plain text (HTML already stripped)
  std::string language;             // BCP-47-ish code as reported by the platform, may be empty
  Author author;
  std::string conversation_id;
  std::string parent_id;            // the id this mention replies to, empty if none
  TimeMs posted_at = 0;             // platform time
  TimeMs seen_at = 0;               // when carewatch fetched it
  int rating = 0;                   // a review's stars, 1 (worst) .. 5; 0: not a review
  std::string app_version;          // a review's app version ("4.12.0"), may be empty
  std::string raw;                  // the platform payload as received (JSON text), may be empty
  ClusterInfo cluster;              // set at ingest for complaints; a rule field ("cluster.size")
  Decision decision;
};

// Makes the uid from platform and native id.
inline std::string make_uid(const std::string& platform, const std::string& native_id) {
  return platform + ":" + native_id;
}

}  // namespace carewatch
