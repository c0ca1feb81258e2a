// The health of one source, and the pure decisions of the source watch (source_watch.h): is it
// down (its polls fail, or pause because Redis is away, for longer than allowed), is it silent
// (a source that usually brings new mentions has brought none for far longer than its own
// history says is normal), has it recovered. No I/O: the watch loads a SourceHealth from Redis,
// applies the polls it saw (apply_poll) or decides (decide), and saves it back.
//
// Silence is judged against what the source's history says is a normal quiet, three ways, and
// the longest wins:
//   - the floor (detectors.sources.silent_floor, "2h"): never sooner;
//   - silent_factor (6) times its usual gap: the 90th percentile of its last 50 gaps between
//     polls that brought a new mention (a busy source: minutes; a quiet one: hours);
//   - 1.5 times its longest gap of the last 8 days that ended normally (no alert, no pause in
//     polling): a source quiet every night, or every weekend, or whose daily budget runs out at
//     noon, has such gaps in its history, so its usual quiet is not taken for a broken token.
// and only once it has a history: at least min_history gaps over at least a day.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mention/common/time.h"

namespace carewatch {

// What the watch knows of a source and how it judges it (detectors.sources with the source's own
// overrides applied).
struct SourceHealthOptions {
  bool enabled = true;                // false: never alarm for this source
  bool finite = false;                // a replay file: it ends, so its silence is no alarm
  std::chrono::milliseconds interval{std::chrono::seconds(60)};  // the source's poll interval
  std::chrono::milliseconds down_after{std::chrono::minutes(15)};
  double silent_factor = 6;
  std::chrono::milliseconds silent_floor{std::chrono::hours(2)};
  std::size_t min_history = 20;       // gaps learnt before silence can alarm
  // Set: silent after exactly this long without a new mention (no learning).
  std::optional<std::chrono::milliseconds> silent_after;
};

// How many recent gaps the usual gap is learnt from, and for how many days the longest normal
// gap of each day is kept.
inline constexpr std::size_t kRecentGaps = 50;
inline constexpr std::int64_t kLongestQuietDays = 8;
inline constexpr double kLongestQuietMargin = 1.5;
inline constexpr std::chrono::milliseconds kMinHistorySpan{std::chrono::hours(24)};

// One poll as the scheduler reported it (PollReport), reduced to plain values.
struct PollSample {
  TimeMs at = 0;                      // when the poll ended
  bool ok = false;
  bool fatal = false;                 // not ok: the source needs the operator
  bool redis = false;                 // not ok: Redis was away, the source paused
  std::string error;                  // not ok: what went wrong (connectors keep secrets out)
  std::size_t new_mentions = 0;       // ok: mentions queued or stored (duplicates not counted)
  TimeMs newest_posted_at = 0;        // ok: the newest posted_at among them; 0 when unknown
};

struct SourceHealth {
  // Polls.
  TimeMs last_poll_at = 0;
  TimeMs last_ok_at = 0;
  TimeMs failing_since = 0;           // the first failed poll of the current failing run; 0: none
  std::int64_t failed_polls = 0;      // failed polls in that run
  std::string last_error;
  bool last_fatal = false;
  bool last_redis = false;
  // Mentions.
  TimeMs last_mention_at = 0;         // the latest poll that brought a fresh new mention
  TimeMs newest_posted_at = 0;        // the newest posted_at seen (never after its poll)
  TimeMs quiet_reset_at = 0;          // the silence clock restarted: down ended, polling resumed
  TimeMs learning_since = 0;          // the first mention: the history starts
  std::int64_t gaps_seen = 0;
  std::vector<std::int64_t> gaps;     // the last kRecentGaps gaps in ms, oldest first
  std::vector<std::pair<std::int64_t, std::int64_t>> longest_by_day;  // (UTC day, longest gap ms)
  bool gap_tainted = false;           // the gap under way is no normal quiet: not learnt
  // Episodes alerted (one alert each, then one recovered).
  TimeMs down_alerted = 0;            // failing_since of the down episode alerted; 0: none
  TimeMs silent_alerted = 0;          // silence_from of the silent episode alerted; 0: none
};

// Applies one poll. Polls arrive in order per source (one daemon polls it at a time).
void apply_poll(SourceHealth& s, const PollSample& poll, const SourceHealthOptions& o);

// A gap in polling this long (the daemons stopped, a long Retry-After) makes the state stale:
// nothing new is alarmed until polls come again, and the gap under way is not learnt.
std::chrono::milliseconds polling_hole(const SourceHealthOptions& o);

// When the silence under way started: the latest fresh mention, or a later restart of the clock.
TimeMs silence_from(const SourceHealth& s);

// The learnt view of the source's silence.
struct SilenceLimit {
  std::chrono::milliseconds limit{0};       // silent after this long without a new mention
  std::chrono::milliseconds usual_gap{0};   // p90 of the recent gaps (0 with silent_after)
  std::chrono::milliseconds longest_quiet{0};  // longest normal gap of the last days
  bool learnt = false;                      // false: from silent_after
};
// nullopt while the history is too short (or the source never brought a mention).
std::optional<SilenceLimit> silence_limit(const SourceHealth& s, const SourceHealthOptions& o, TimeMs now);

// What changed, for one alert each.
struct SourceTransition {
  enum class Kind { down, silent, down_recovered, silent_recovered } kind = Kind::down;
  TimeMs since = 0;                   // the episode's start (failing_since / silence_from)
  TimeMs until = 0;                   // recovered: when (the ok poll, the new mention)
  SilenceLimit silence;               // silent: what the limit was
};

// Decides at `now`: raises the episodes due and ends those over, recording them in `s`
// (down_alerted, silent_alerted, gap_tainted). Exactly one transition per episode start and end.
std::vector<SourceTransition> decide(SourceHealth& s, const SourceHealthOptions& o, TimeMs now);

// The deterministic dedup key of a transition's alert:
//   source_down:<name>:<since>, source_silent:<name>:<since>,
//   source_recovered:<name>:down:<since>, source_recovered:<name>:silent:<since>
std::string transition_key(const std::string& source, const SourceTransition& t);

// "1h5m", "45s", "3d2h": a span as people read it (two units at most).
std::string format_span(std::chrono::milliseconds d);

// An error text fit for an alert: query parameters that look like secrets masked
// (access_token=***), at most 300 characters.
std::string alert_safe_error(const std::string& error);

// The state as the flat fields of its Redis hash, and back (unknown or malformed fields: defaults).
std::map<std::string, std::string> to_fields(const SourceHealth& s);
SourceHealth source_health_from_fields(const std::map<std::string, std::string>& fields);

}  // namespace carewatch
