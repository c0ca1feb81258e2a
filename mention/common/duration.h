// Durations as people write them in configuration: "250ms", "30s", "5m", "2h", "14d", and
// combinations with the larger units first, each once ("1h30m", "2m500ms").
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace carewatch {

// nullopt when malformed (no digits, an unknown or repeated unit, units out of order, overflow).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s);

}  // namespace carewatch
