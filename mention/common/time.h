// Time in carewatch: milliseconds since the Unix epoch (UTC), and RFC 3339 / ISO 8601 text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace carewatch {

// Milliseconds since the Unix epoch (UTC). All timestamps in carewatch use this unit.
using TimeMs = std::int64_t;

TimeMs now_ms();

// Parses an RFC 3339 / ISO 8601 UTC timestamp ("2026-11-22T10:00:00Z", fractional seconds and
// "+hh:mm" offsets allowed) into ms since the epoch. Returns false on malformed input.
bool parse_iso8601(std::string_view s, TimeMs& out);
// "2026-11-22T10:00:00.000Z".
std::string format_iso8601(TimeMs t);

}  // namespace carewatch
