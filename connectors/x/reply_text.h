// The text of an X reply: how X counts it against its 280 limit, and the form two texts are
// compared in when looking for a reply already made.
//
// Counting follows twitter-text's weighted length (configuration v3): a code point in
// U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F or U+2032-U+2037 weighs 1, any other 2 (so CJK
// and emoji count double), and every URL counts 23 whatever its length. The limit is 280. A URL
// is an http:// or https:// link, or a bare domain as twitter-text finds them ("acme.com/help",
// "www.acme.co.uk"): labels of letters, digits and '-', ending in a common generic top-level
// domain or any two-letter country one, optionally a path; trailing punctuation is not part of
// it. Two differences from twitter-text, both making the count no smaller than X's: an emoji made
// of several code points (joined by U+200D, with skin tones) counts each code point where X counts
// the sequence as 2, and text is not NFC-normalized first.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace carewatch::x {

inline constexpr size_t kMaxWeightedLength = 280;
inline constexpr size_t kUrlWeight = 23;

// X's weighted length of `text` (see above).
size_t weighted_length(std::string_view text);

// `text` in the form a posted reply is compared in: X's entities decoded, every URL as "<url>"
// (X shortens links to t.co in the text it returns), the @mentions at its start dropped (X puts
// the reply's @handles in front of the text of a reply), runs of white space as one space, no
// white space at the ends.
std::string compare_form(std::string_view text);

}  // namespace carewatch::x
