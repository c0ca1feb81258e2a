#include "rules/complaint_signature.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <limits>
#include <unordered_set>

#include "rules/string_hash.h"
#include "rules/text_tokens.h"

namespace carewatch::rules {

namespace {

// English function words, pronouns, auxiliaries and the filler of complaints ("please", "just",
// "still", "today"): frequent in every complaint, so they would make unrelated ones look alike.
constexpr std::string_view kStopWords[] = {
    "a", "about", "above", "after", "again", "against", "ago", "all", "already", "also", "am", "amp",
    "an", "and", "any", "anyone", "anything", "are", "aren", "as", "at", "be", "because", "been", "before",
    "being", "below", "between", "both", "but", "by", "can", "cannot", "could", "couldn", "did", "didn",
    "do", "does", "doesn", "doing", "don", "done", "down", "during", "each", "else", "even", "ever", "every",
    "few", "for", "from", "further", "get", "gets", "getting", "go", "going", "got", "gotten", "guys", "had",
    "hadn", "has", "hasn", "have", "haven", "having", "he", "her", "here", "hers", "herself", "hey", "hi",
    "him", "himself", "his", "how", "i", "if", "im", "in", "into", "is", "isn", "it", "its", "itself",
    "ive", "just", "know", "last", "let", "ll", "lol", "m", "me", "more", "most", "much", "must", "my",
    "myself", "need", "new", "no", "nor", "not", "now", "of", "off", "ok", "on", "once", "one", "only",
    "or", "other", "our", "ours", "out", "over", "own", "please", "pls", "plz", "re", "really", "rt", "s",
    "same", "say", "see", "she", "should", "shouldn", "so", "some", "still", "such", "t", "than", "thank",
    "thanks", "that", "the", "their", "them", "then", "there", "these", "they", "thing", "this", "those",
    "through", "to", "today", "too", "u", "under", "until", "up", "ur", "us", "ve", "very", "via", "want",
    "was", "wasn", "way", "we", "were", "weren", "what", "when", "where", "which", "while", "who", "why",
    "will", "with", "won", "would", "wouldn", "y", "yes", "yet", "you", "your", "yours", "d",
};

bool is_digits(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A light plural fold, so "bags" and "bag" are one term: a trailing 's' of a word of four letters
// or more goes, unless the word ends in "ss", "us" or "is".
std::string folded_word(std::string_view w) {
  if (w.size() >= 4 && w.back() == 's') {
    const char p = w[w.size() - 2];
    if (p != 's' && p != 'u' && p != 'i') w.remove_suffix(1);
  }
  return std::string(w);
}

constexpr uint64_t mix(uint64_t x) {  // the splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

}  // namespace

std::string without_links(std::string_view text) {
  std::string out(text);
  size_t i = 0;
  while (i < out.size()) {
    const std::string_view rest = std::string_view(out).substr(i);
    const bool link = rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("www.") ||
                      rest.starts_with("HTTP://") || rest.starts_with("HTTPS://");
    if (!link || (i > 0 && !std::isspace(static_cast<unsigned char>(out[i - 1])) && out[i - 1] != '(')) {
      ++i;
      continue;
    }
    while (i < out.size() && !std::isspace(static_cast<unsigned char>(out[i]))) out[i++] = ' ';
  }
  return out;
}

bool is_stop_word(std::string_view w) {
  // A hash set: asked for every word of every mention (the marketing figures' words too).
  static const std::unordered_set<std::string_view> words(std::begin(kStopWords), std::end(kStopWords));
  return words.count(w) != 0;
}

ComplaintSignature complaint_signature(std::string_view text, const SignatureParams& params) {
  ComplaintSignature sig;
  const TextTokens tokens(without_links(text));
  std::unordered_set<std::string> seen;
  auto add = [&](std::string term) {
    if (seen.insert(term).second) sig.terms.push_back(std::move(term));
  };
  std::string previous;  // the salient word before, "" after a handle, a number or a stop-word
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view w = tokens.folded(i);
    const bool tagged = tokens.prefixed(i);
    if (tagged && w.front() == '@') {  // a handle: the brand's own, mostly; says nothing
      previous.clear();
      continue;
    }
    if (tagged) w.remove_prefix(1);  // a hashtag: the tag, and the word
    if (w.size() < 2 || is_digits(w) || is_stop_word(w)) {
      previous.clear();
      continue;
    }
    std::string word = folded_word(w);
    if (tagged) add("#" + word);
    if (params.bigrams && !previous.empty()) add(previous + " " + word);
    add(word);
    previous = std::move(word);
  }
  if (sig.terms.empty()) return sig;

  const int n = std::max(1, params.bands) * std::max(1, params.rows);
  std::vector<uint64_t> mins(static_cast<size_t>(n), std::numeric_limits<uint64_t>::max());
  for (const auto& t : sig.terms) {
    const uint64_t h = hash_short_string(t);
    for (int k = 0; k < n; ++k)
      mins[static_cast<size_t>(k)] = std::min(mins[static_cast<size_t>(k)], mix(h ^ mix(0x51ed2701u + k)));
  }
  for (int b = 0; b < std::max(1, params.bands); ++b) {
    uint64_t bucket = mix(0x6a09e667f3bcc909ull + static_cast<uint64_t>(b));
    for (int r = 0; r < std::max(1, params.rows); ++r)
      bucket = mix(bucket ^ mins[static_cast<size_t>(b * std::max(1, params.rows) + r)]);
    sig.bands.push_back(bucket);
  }
  return sig;
}

}  // namespace carewatch::rules
