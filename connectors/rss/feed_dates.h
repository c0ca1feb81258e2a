// The dates feeds write: RSS's RFC 822 (pubDate: "Wed, 02 Oct 2024 13:00:00 GMT", "+0200",
// "EST", two-digit years, no seconds, no weekday) and Atom's / Dublin Core's RFC 3339
// ("2024-10-02T13:00:00Z", "+02:00", fractions).
#pragma once

#include <string_view>

#include "mention/common/time.h"

namespace carewatch::rss {

// Reads an RFC 822 date (RFC 2822's and the usual variants). False when it is not one.
bool parse_rfc822(std::string_view s, TimeMs& out);

// An RFC 822 date, else an RFC 3339 one (also a date alone, "2024-10-02", as midnight UTC).
bool parse_feed_date(std::string_view s, TimeMs& out);

}  // namespace carewatch::rss
