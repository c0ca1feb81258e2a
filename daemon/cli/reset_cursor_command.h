// `carewatch reset-cursor --config F SOURCE`: forgets a source's stored position, the way out when
// the connector cannot read it (the daemon logs "its stored cursor cannot be read" with the key).
// The source's next poll then starts as its first one did (a replay file from its start, a
// Mastodon stream from its newest page); mentions seen before are not queued twice (dedup).
#pragma once

#include <iosfwd>
#include <string>

namespace carewatch {

// Exit 0 when done (whether or not a cursor was stored), 2 on a bad configuration or an unknown
// source, 1 when Redis cannot be reached.
int run_reset_cursor(const std::string& config_path, const std::string& source, std::ostream& out,
                     std::ostream& err);

}  // namespace carewatch
