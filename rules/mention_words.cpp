#include "rules/mention_words.h"

#include <algorithm>

#include "rules/complaint_signature.h"
#include "rules/text_tokens.h"

namespace carewatch::rules {

namespace {

bool is_digits(std::string_view w) {
  return std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void add_once(std::vector<std::string>& list, std::string_view w) {
  if (std::find(list.begin(), list.end(), w) == list.end()) list.emplace_back(w);
}

}  // namespace

MentionWords mention_words(std::string_view text, const std::vector<std::string>& excluded, size_t max_words) {
  MentionWords out;
  const TextTokens tokens(without_links(text));
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view w = tokens.lower(i);
    if (tokens.prefixed(i)) {
      if (w.front() != '#' || w.size() < 2 || w.size() > kMaxWordBytes + 1) continue;
      if (out.hashtags.size() < kMaxHashtags) add_once(out.hashtags, w.substr(1));
      continue;
    }
    if (out.words.size() >= max_words || w.size() < 2 || w.size() > kMaxWordBytes || is_digits(w)) continue;
    const std::string_view folded = tokens.folded(i);
    if (is_stop_word(folded)) continue;
    if (std::find(excluded.begin(), excluded.end(), folded) != excluded.end()) continue;
    add_once(out.words, w);
  }
  return out;
}

}  // namespace carewatch::rules
