#include "rules/classifier.h"

#include <cmath>

#include "rules/language_detector.h"
#include "rules/script_check.h"
#include "rules/sentiment.h"
#include "rules/text_model.h"

namespace carewatch::rules {

namespace {

// Words that start a question, compared with a token's accent-folded lowercase form.
constexpr std::string_view kQuestionWords[] = {
    // en
    "how", "what", "whats", "when", "where", "wheres", "why", "who", "whom", "whose", "which",
    "anyone", "anybody",
    // es / pt
    "como", "donde", "cuando", "cuanto", "cuanta", "por", "onde", "quando", "quanto", "qual",
    // fr
    "pourquoi", "quand", "combien", "quel", "quelle",
    // de
    "wie", "wo", "wann", "warum"};

double finite(double v) { return std::isfinite(v) ? v : 0.0; }

}  // namespace

bool asks_question(std::string_view text, const TextTokens& tokens) {
  if (text.find('?') != std::string_view::npos) return true;
  if (text.find("\xC2\xBF") != std::string_view::npos) return true;      // ¿
  if (text.find("\xEF\xBC\x9F") != std::string_view::npos) return true;  // ？
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens.prefixed(i)) continue;  // @handle or #tag before the first word
    const std::string_view first = tokens.folded(i);
    for (std::string_view w : kQuestionWords)
      if (first == w) {
        const std::string_view next = i + 1 < tokens.size() ? tokens.folded(i + 1) : std::string_view();
        if (first == "por") return next == "que";                  // "por qué", not "por favor"
        if (first == "what") return next != "a" && next != "an";  // "what a view!" exclaims
        return true;
      }
    return false;
  }
  return false;
}

Category base_category(const BaseCategoryConfig& config, double complaint, double compound, bool question) {
  if (complaint >= config.complaint_at) return Category::complaint;
  if (question) return Category::question;
  if (compound >= config.praise_at) return Category::praise;
  return Category::engagement;
}

const char* sentiment_band(const BaseCategoryConfig& config, double compound) {
  if (compound >= config.praise_at) return "positive";
  if (compound <= -config.praise_at) return "negative";
  return "neutral";
}

TextScorer::TextScorer(std::vector<NamedModel> models)
    : sentiment_(SentimentAnalyzer::builtin()), complaint_(builtin_complaint_model()), models_(std::move(models)) {
  if (complaint_) complaint_label_ = complaint_label(*complaint_);
  for (const NamedModel& m : models_)
    for (const std::string& label : m.model->labels()) model_fields_.push_back("model." + m.name + "." + label);
}

void TextScorer::score_sentiment(std::string_view text, TextScores& out) const {
  if (sentiment_) {
    const Sentiment s = sentiment_->score(text);
    out.sentiment = {finite(s.compound), finite(s.pos), finite(s.neu), finite(s.neg)};
  } else {
    out.sentiment = {};
  }
}

void TextScorer::score_complaint(std::string_view text, size_t top, TextScores& out,
                                 std::vector<WordWeight>& complaint_words) const {
  out.complaint = 0.0;
  complaint_words.clear();
  if (complaint_ && complaint_label_) {
    thread_local std::vector<Contribution> why;  // reused: one allocation per thread, not per text
    why.clear();
    out.complaint = finite(complaint_->predict(text, *complaint_label_, top, why)[*complaint_label_]);
    if (!why.empty()) complaint_words.reserve(why.size());  // one allocation, not one per growth
    for (Contribution& c : why) {
      if (c.weight <= 0 || !std::isfinite(c.weight)) continue;  // only what pushed toward "complaint"
      complaint_words.push_back({std::move(c.feature), c.weight});
    }
  }
}

void TextScorer::score_models(std::string_view text, TextScores& out) const {
  out.models.clear();
  for (const NamedModel& m : models_) {
    const std::vector<double> p = m.model->predict(text);
    const size_t n = m.model->labels().size();
    for (size_t i = 0; i < n; ++i) out.models.push_back(i < p.size() ? finite(p[i]) : 0.0);
  }
}

namespace {
bool english_tag(std::string_view tag) {
  const std::string_view primary = primary_subtag(tag);
  return primary.size() == 2 && (primary[0] == 'e' || primary[0] == 'E') && (primary[1] == 'n' || primary[1] == 'N');
}
}  // namespace

std::string TextScorer::language(const Mention& m) {
  if (m.language.empty()) return detect_language(m.text).code;
  // Some platforms tag a post with the author's chosen language, not the text's: a German
  // account writing in English is tagged "de". Plainly English text is English whatever the tag,
  // and text in a script the tag's language is not written in goes to CLD2 (without the tag as
  // a hint: the tag is what is in doubt), whose answer wins when it is reliable.
  if (!english_tag(m.language) && plainly_english(m.text)) return "en";
  if (script_contradicts(m.text, m.language)) {  // mostly another script: not plainly English either
    DetectedLanguage detected = detect_language_cld2(m.text);
    if (!detected.code.empty() && detected.reliable) return std::move(detected.code);
  }
  return m.language;
}

}  // namespace carewatch::rules
