// Rules v1: an ordered list of rules, each with conditions and actions. Pure and thread-safe
// once loaded; hot reload = load a new RuleSet and swap the shared_ptr.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "mention/mention.h"

namespace carewatch {

class RuleSet {
 public:
  virtual ~RuleSet() = default;
  // Loads a rules file (JSON, comments allowed). On error returns nullptr and sets `error` to a
  // message naming the file, the rule (name and index) and the field. Model files named in its
  // "models" are read relative to the file's directory (load_json: the working directory).
  static std::shared_ptr<const RuleSet> load_file(const std::string& path, std::string& error);
  static std::shared_ptr<const RuleSet> load_json(std::string_view json, const std::string& origin,
                                                  std::string& error);
  // The decision for one mention: sentiment, complaint score and language computed once; the
  // base category from them; the rules in order; then the priority formula with the rules'
  // priority actions after it; and the explanation (rules, scores, top complaint words).
  virtual Decision decide(const Mention& m) const = 0;
  // decide() of every mention `batch` points to, into `out` (as long as `batch`), with the
  // same results. The work is done stage by stage across up to kBatch mentions at a time
  // (every text's sentiment, then every text's complaint model, then the regexes, then the
  // rest), so that each stage's tables stay in the processor's cache rather than evicting one
  // another at every mention: faster per mention than one decide() after another.
  virtual void decide(std::span<const Mention* const> batch, std::span<Decision> out) const = 0;
  // The mentions a batch decision works on stage by stage: callers that gather mentions to
  // decide gain nothing from batches larger than this.
  static constexpr size_t kBatch = 32;
  virtual size_t size() const = 0;  // number of rules
  // The sentiment band of a decision this rule set made ("negative", "neutral", "positive"; by
  // the rules file's base_category.praise_at, see rules::sentiment_band), "unknown" when the
  // decision carries no scores.
  virtual const char* sentiment_band(const Decision& d) const = 0;
};

}  // namespace carewatch
