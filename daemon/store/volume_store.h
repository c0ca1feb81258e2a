// The marketing figures behind GET /v1/stats/volume and GET /v1/stats/top: counted by
// lua/enqueue.lua as it stores each mention, in the same script call as the dedup check (so a
// mention is counted once, whatever daemons run or restart, and a duplicate never), in event
// time: the mention's posted_at, or its seen_at when posted_at is unknown or more than 10 minutes
// after seen_at (a platform clock ahead; the spike detector does the same).
// Counted: every mention the ingest gives facts for (VolumeFacts with a sentiment), which is
// every mention a connector delivered except the brand's own posts; a post carewatch made itself
// that comes back through a connector is not counted either.
//
// Layout (P the key prefix in its hash tag, "{cw}"); <start> a bucket's start in ms (UTC; an
// hour's a multiple of 3,600,000, a day's of 86,400,000):
//   {P}:mk:<h|d>:<start>            hash  the volume of an hour (h) / a day (d), field
//                                         "<platform>|<category>|<sentiment>|<language>" -> mentions
//   {P}:mk:<h|d>:<start>:t          hash  the same per tag of the mention (a mention with two tags
//                                         counts once under each; one without tags not at all):
//                                         "<platform>|<category>|<sentiment>|<language>|<tag>" -> mentions
//   {P}:mk:d:<start>:w:<platform>   zset  word -> mentions of that day and platform using it
//                                         (rules/mention_words.h: lowercase, no stop-words)
//   {P}:mk:d:<start>:ht:<platform>  zset  hashtag (lowercase, without '#') -> mentions
//   {P}:mk:d:<start>:au:<platform>  zset  author handle -> the most followers seen that day
//   {P}:mk:d:<start>:ai:<platform>  hash  "n|<handle>" -> the author's mentions that day,
//                                         "d|<handle>" -> their display name (as first seen that day)
//   sentiment: negative | neutral | positive (rules::sentiment_band: the rules' praise_at) or
//   unknown (no scores); language: the decision's (the platform's, else detected), "unknown"
//   when none or longer than 35 bytes; a '|' in any part is written '/'.
// Expiry: an hour's keys at its start + 62 days, a day's at its start + 800 days (PEXPIREAT, set
// when a field or member is first counted, not on every count).
// Bounds: the cube hashes hold one field per combination that occurred. Each zset (and its
// author hash) is trimmed to its top kTopKept members once it holds more than kTopTrimAt, so a
// day keeps at most kTopTrimAt words, hashtags and authors per platform; a member trimmed away
// and seen again starts from 1 (the lists are exact for anything that stays in a day's top
// kTopKept).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/redis_pool.h"
#include "mention/mention.h"

namespace carewatch {

// What the ingest adds to a mention for the marketing figures (daemon/pipeline/ingest.cpp):
// its sentiment band and the words and hashtags of its text. An empty sentiment: not counted.
struct VolumeFacts {
  std::string sentiment;
  std::vector<std::string> words;
  std::vector<std::string> hashtags;
};

struct TopCount {
  std::string name;
  long long count = 0;
};

struct TopAuthor {
  std::string platform;
  std::string handle;
  std::string display_name;
  long long followers = 0;
  long long mentions = 0;
};

struct TopLists {
  std::vector<TopCount> words;     // most mentions first, then by name
  std::vector<TopCount> hashtags;
  std::vector<TopAuthor> authors;  // most followers first, then most mentions
};

class VolumeStore {
 public:
  static constexpr std::int64_t kHour = 3'600'000, kDay = 86'400'000;
  static constexpr std::int64_t kHourRetention = 62 * kDay, kDayRetention = 800 * kDay;
  static constexpr std::int64_t kTopKept = 500, kTopTrimAt = 1000;
  // A bucket this old at `now` is read from days only (its hours may be gone).
  static constexpr std::int64_t kHoursReliable = kHourRetention - kDay;

  // The arguments lua/enqueue.lua takes once per call, after the dedup ttl: hour and day
  // retention (ms), the top lists' kept size and trim threshold.
  static void append_call_args(std::vector<std::string>& argv);
  // The arguments of one mention, after its 13 queue arguments: sentiment ("" = not counted),
  // language, author handle, display name, followers, then the tags, words and hashtags, each
  // list as its length and its items.
  static void append_mention_args(std::vector<std::string>& argv, const Mention& m, const VolumeFacts* facts);
  // A value as it is written in a cube field ('|' becomes '/'; see above), so a filter given by
  // a caller finds what was counted.
  static std::string field_part(std::string_view v);
  static std::string language_part(std::string_view language);

  struct Block {
    char level;          // 'h' or 'd'
    std::int64_t start;  // ms
  };

  VolumeStore(RedisPool& pool, const std::string& prefix);

  // Calls fn(block, field, count) for every counted field of the volume hashes (the per-tag ones
  // when `tags`) of `blocks`, in one pipelined round trip.
  void read_cube(const std::vector<Block>& blocks, bool tags,
                 const std::function<void(const Block&, std::string_view field, long long count)>& fn);
  // The platforms counted on these days (from their volume hashes), sorted.
  std::vector<std::string> platforms(const std::vector<std::int64_t>& days);
  // The top lists of these days (starts, ms) and platforms, `limit` of each.
  TopLists top(const std::vector<std::int64_t>& days, const std::vector<std::string>& platforms, size_t limit);

  std::string cube_key(const Block& b, bool tags) const;
  std::string top_key(std::int64_t day, const char* list, const std::string& platform) const;

 private:
  RedisPool& pool_;
  std::string kp_;
};

}  // namespace carewatch
