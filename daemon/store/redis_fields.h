// The Redis field catalogue (daemon/store/redis_fields.def) as C++: every field name of a
// mention hash, an event and a queue entry as a constant (redis_field::posted_at), and a lookup
// that says what type a field holds, so readers (the API, the SLA clock, the latency figures)
// never guess a field's type from its name.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "mention/common/time.h"

namespace carewatch {

namespace redis_field {
#define CW_REDIS_FIELD(name, type, where, what) inline constexpr const char name[] = #name;
#include "daemon/store/redis_fields.def"
#undef CW_REDIS_FIELD
}  // namespace redis_field

enum class RedisFieldType { timestamp_ms, duration_ms, integer, text, stream_id, json };

struct RedisField {
  std::string_view name;
  RedisFieldType type;
  bool in_hash;   // {P}:m:<uid>
  bool in_event;  // {P}:events, {P}:me:<uid>
  bool in_entry;  // {P}:q:<queue>:p<n>
  bool in_reply;  // {P}:r:<reply id>
  bool in_alert;  // {P}:al:e:<id>
  bool in_session;  // {P}:session:<hash>
  bool in_note;   // {P}:notes:<uid>
  std::string_view what;
};

// Every declared field, in the catalogue's order.
std::span<const RedisField> redis_fields();
// The declaration of `name`, or nullptr when the catalogue has no such field.
const RedisField* find_redis_field(std::string_view name);

// The detection delay (detect_ms of a queued event): seen_at - posted_at, or nullopt when either
// time is unknown (0 or less). It may be negative (a platform clock ahead of ours); readers that
// want only real delays drop those. The one place it is computed: the queue store passes it to
// enqueue.lua and rebuilds the queued event with it, and the scheduler's histogram uses it.
constexpr std::optional<std::int64_t> detection_delay_ms(TimeMs posted_at, TimeMs seen_at) {
  if (posted_at <= 0 || seen_at <= 0) return std::nullopt;
  return seen_at - posted_at;
}

}  // namespace carewatch
