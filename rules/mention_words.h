// The words and hashtags of a mention's text, for the marketing figures' top lists
// (daemon/store/volume_store.h). The words come from rules::TextTokens (the matcher's tokenizer),
// links blanked first (without_links), so a word here is a word the rules see.
//   - words: tokens without a '#'/'@' prefix, in their lowercase form ("devolución"), without
//     stop-words (is_stop_word, tested on the accent-folded form), numbers, one-letter tokens,
//     tokens longer than kMaxWordBytes, and the `excluded` terms (the brand's own names);
//   - hashtags: '#' tokens, lowercase, without the '#';
//   - @handles count in neither.
// Each list is distinct (a word counts once per mention) in order of first appearance, and
// bounded (max_words, kMaxHashtags): a long text adds no more than that to the figures.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace carewatch::rules {

struct MentionWords {
  std::vector<std::string> words;
  std::vector<std::string> hashtags;
};

inline constexpr size_t kMaxWordBytes = 40;
inline constexpr size_t kMaxMentionWords = 24;
inline constexpr size_t kMaxHashtags = 10;

// `excluded`: lowercase terms never counted as words (compared with the accent-folded form).
MentionWords mention_words(std::string_view text, const std::vector<std::string>& excluded = {},
                           size_t max_words = kMaxMentionWords);

}  // namespace carewatch::rules
