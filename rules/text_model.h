// A trained text classifier: labelled texts in, a model file out; a probability per label for a
// new text, and the words behind it. Used for the complaint score (labels "0"/"1") and for any
// other label set a team trains (e.g. issue types), exposed to rules as model.<name>.<label>.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch::rules {

struct Example {
  std::string text;
  std::string label;
};

struct TrainOptions {
  // Knobs; 0 (or < 0 where 0 is meaningful) takes the default, which is what measured best
  // (10-fold cross-validation) on the complaint data.
  double c = 0;              // inverse L2 strength: larger fits the training data more closely
  int iterations = 0;        // L-BFGS iterations at most
  int char_min = 0;          // character n-gram orders (code points, within " word ")
  int char_max = 0;          //   char_max < char_min: no character n-grams
  double char_weight = -1;   // the character view's length relative to the word view's
  int min_df = 0;            // keep features seen in at least this many examples
  int balance = -1;          // weight classes inversely to their frequency (1) or not (0)
};

// Why a model leaned one way: the text's features with the largest weight toward a label.
struct Contribution {
  std::string feature;  // "word:refund" (with its character n-grams), "bigram:still waiting"
  double weight = 0;    // positive: toward the label
};

class TextModel {
 public:
  // Trains on `examples` (at least two labels). nullptr with `error` on bad input.
  static std::shared_ptr<const TextModel> train(const std::vector<Example>& examples,
                                                const TrainOptions& options, std::string& error);
  // The model file format (text or binary, the implementation's choice; versioned).
  static std::shared_ptr<const TextModel> load(std::string_view model_bytes, std::string& error);
  static std::shared_ptr<const TextModel> load_file(const std::string& path, std::string& error);
  std::string save() const;
  bool save_file(const std::string& path, std::string& error) const;

  const std::vector<std::string>& labels() const;
  // One probability per label (same order as labels()), summing to 1. Thread-safe, never throws.
  std::vector<double> predict(std::string_view text) const;
  // The same, and in one pass over the text the `top` features that pushed most toward `label`
  // (what explain() gives).
  std::vector<double> predict(std::string_view text, size_t label, size_t top,
                              std::vector<Contribution>& why) const;
  // Index of `label` in labels(), or nullopt.
  std::optional<size_t> label_index(std::string_view label) const;
  // The `top` features of `text` that pushed most toward `label`.
  std::vector<Contribution> explain(std::string_view text, size_t label, size_t top) const;

  ~TextModel();
  struct Impl;
  explicit TextModel(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// The fold (0 .. folds-1) of each example for k-fold cross-validation, stratified: each label's
// examples are shuffled (deterministically from `seed`) and dealt to the folds in turn, so every
// fold gets its share of every label and fold sizes differ by at most one.
std::vector<size_t> stratified_folds(const std::vector<Example>& examples, size_t folds, unsigned seed);

// How predictions compare with the truth (labels as indices 0 .. n_labels-1).
struct Evaluation {
  std::vector<std::vector<size_t>> confusion;  // [true label][predicted label]
  std::vector<double> precision, recall, f1;   // per label; 0 where undefined
  std::vector<size_t> support;                 // examples per true label
  double accuracy = 0;
  double macro_f1 = 0;                         // mean F1 over labels with support or predictions
};
Evaluation evaluate(const std::vector<size_t>& truth, const std::vector<size_t>& predicted, size_t n_labels);

// The complaint model shipped with carewatch (rules/models/complaint.model, embedded).
std::shared_ptr<const TextModel> builtin_complaint_model();
// A complaint model's complaint label: "1", "complaint", "true" or "yes" (any case); nullopt if
// it has none.
std::optional<size_t> complaint_label(const TextModel& model);
// Probability that `text` is a complaint under a complaint model (see complaint_label).
double complaint_score(const TextModel& model, std::string_view text);

}  // namespace carewatch::rules
