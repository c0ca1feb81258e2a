// The one normalized record that flows through carewatch: what a connector fetched,
// plus what the rules decided about it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace carewatch {

// Milliseconds since the Unix epoch (UTC). All timestamps in carewatch use this unit.
using TimeMs = std::int64_t;

struct Author {
  std::string id;
  std::string handle;
  std::string display_name;
  std::int64_t followers = 0;
  bool verified = false;
};

enum class Category { unknown, complaint, question, praise, engagement, spam, ignore };
const char* to_string(Category c);
std::optional<Category> category_from_string(const std::string& s);

// What the rules decided, and why.
struct Decision {
  Category category = Category::unknown;
  int priority = 3;                 // 0 (most urgent) .. 3
  std::string queue;                // empty: not routed to a human
  std::vector<std::string> tags;
  std::vector<std::string> rules;   // names of the rules that fired, in order
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
  std::string raw;                  // the platform payload as received (JSON text), may be empty
  Decision decision;
};

// Makes the uid from platform and native id.
inline std::string make_uid(const std::string& platform, const std::string& native_id) {
  return platform + ":" + native_id;
}

}  // namespace carewatch
