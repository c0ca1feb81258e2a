// What a mention's text says before any rule runs: its sentiment, its complaint score, its
// language, the probabilities of any extra models a rules file names, and from these a base
// category (complaint, question, praise or engagement) that rules may then override.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mention/mention.h"
#include "rules/features.h"
#include "rules/text_tokens.h"

namespace carewatch::rules {

class SentimentAnalyzer;
class TextModel;

// Thresholds for the base category (the rules file's "base_category" object).
struct BaseCategoryConfig {
  double complaint_at = 0.6;  // complaint when complaint_score >= this
  double praise_at = 0.5;     // praise when sentiment.compound >= this (and not a complaint)
};

// A model a rules file names in "models": {"issue": "issue.model"}; its labels become the
// fields model.<name>.<label>.
struct NamedModel {
  std::string name;
  std::shared_ptr<const TextModel> model;
};

// True if the text asks something: a question mark ('?', '¿', full-width '？') or a question
// word first ("how", "what", "why", "cómo", "pourquoi", "wie", ...; @handles before it skipped).
bool asks_question(std::string_view text, const TextTokens& tokens);

// complaint if complaint >= complaint_at; else question if `question`; else praise if
// compound >= praise_at; else engagement.
Category base_category(const BaseCategoryConfig& config, double complaint, double compound, bool question);

// The sentiment band the marketing figures count a mention in, by the same threshold the base
// category uses for praise: "positive" when compound >= praise_at, "negative" when
// compound <= -praise_at, else "neutral".
const char* sentiment_band(const BaseCategoryConfig& config, double compound);

// Scores texts with the built-in sentiment analyzer and complaint model, plus named models.
// Immutable and thread-safe once built.
class TextScorer {
 public:
  explicit TextScorer(std::vector<NamedModel> models = {});

  // The field names of the named models, "model.<name>.<label>", in the order of
  // TextScores::models.
  const std::vector<std::string>& model_fields() const { return model_fields_; }

  // A text's scores, one part at a time, so that a caller can run each part over many texts in
  // turn (each part's tables then stay in the cache from one text to the next); non-finite
  // values become 0.
  // Sentiment.
  void score_sentiment(std::string_view text, TextScores& out) const;
  // The complaint score and, from the same pass over the text, the `top` features that pushed
  // it up most (`complaint_words`; empty without a model).
  void score_complaint(std::string_view text, size_t top, TextScores& out,
                       std::vector<WordWeight>& complaint_words) const;
  // The probabilities of the named models.
  void score_models(std::string_view text, TextScores& out) const;
  // The language to use: the platform's when it gave one, unless the text is plainly English
  // (see plainly_english) and the tag says otherwise, or the text is written in a script the
  // tag's language is not (see script_contradicts) and CLD2 reliably says what it is; else the
  // detected one ("" unknown).
  static std::string language(const Mention& m);

 private:
  std::shared_ptr<const SentimentAnalyzer> sentiment_;
  std::shared_ptr<const TextModel> complaint_;
  std::optional<size_t> complaint_label_;
  std::vector<NamedModel> models_;
  std::vector<std::string> model_fields_;
};

}  // namespace carewatch::rules
