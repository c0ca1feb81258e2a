// Synthetic mentions for benchmarks and crash tests: varied, tweet-length texts about the
// fictional airline Acme Air (complaints, questions, praise, spam, chatter; several platforms and
// languages), in carewatch's mention format, one JSON object a line.
#pragma once

#include <cstddef>
#include <ostream>

namespace carewatch {

// Writes `count` mentions to `out`. The same seed always gives the same bytes. uids are
// "synthetic:<n>" (n = 1..count, unique); posted_at increases from 2026-11-22T00:00:00Z by
// 0-3 s a mention; about one in ten replies to an earlier mention of the same run.
void write_synthetic_mentions(std::ostream& out, std::size_t count, unsigned seed);

}  // namespace carewatch
