// Sentiment of a mention by the VADER method (Hutto & Gilbert, ICWSM 2014): a valence lexicon
// with rules for boosters and dampeners, negation, contrastive "but", ALL-CAPS emphasis,
// exclamation and question marks, and emoji; a normalised compound score in [-1, 1] and the
// proportions of positive, neutral and negative text.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace carewatch::rules {

struct Sentiment {
  double compound = 0;  // -1 (most negative) .. 1 (most positive)
  double pos = 0, neu = 0, neg = 0;  // proportions, summing to 1 (all 0 for empty text)
};

class SentimentAnalyzer {
 public:
  // Lexicons in VADER's formats: "token<TAB>mean valence<TAB>sd<TAB>[ratings]" per line, and
  // "emoji<TAB>description" per line. nullptr with `error` naming the line on malformed input.
  static std::shared_ptr<const SentimentAnalyzer> from_text(std::string_view lexicon,
                                                            std::string_view emoji_lexicon,
                                                            std::string& error);
  // The lexicons shipped with carewatch (rules/data/, embedded in the binary). Loaded once.
  static std::shared_ptr<const SentimentAnalyzer> builtin();

  // Thread-safe; never throws; any bytes (invalid UTF-8, control characters, 100 KB) are fine.
  Sentiment score(std::string_view text) const;

  ~SentimentAnalyzer();
  struct Impl;
  explicit SentimentAnalyzer(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch::rules
