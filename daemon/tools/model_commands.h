// `carewatch train` and `carewatch eval`: a team trains the text classifier on its own labelled
// history (CSV with a header row, or JSONL) and measures it.
#pragma once

#include <iosfwd>
#include <string>

#include "rules/text_model.h"

namespace carewatch {

struct TrainCommandOptions {
  std::string data;                 // FILE.csv or FILE.jsonl
  std::string text_field = "text";
  std::string label_field = "label";
  size_t min_label_count = 1;       // leave out labels with fewer examples
  std::string out;                  // model file to write
  rules::TrainOptions training;     // knobs; defaults are what measured best on complaints
};

// Prints what it trained on (examples per label) and where the model went. 0 ok, 2 bad input.
int run_train(const TrainCommandOptions& options, std::ostream& out, std::ostream& err);

struct EvalCommandOptions {
  std::string data;
  std::string text_field = "text";
  std::string label_field = "label";
  size_t min_label_count = 1;       // leave out labels with fewer examples
  std::string model;                // evaluate this model file; empty: the built-in complaint model
  int folds = 0;                    // > 1: k-fold cross-validation (train on k-1 folds, test on 1)
  unsigned seed = 1;                // of the fold split
  double threshold = 0;             // > 0, two labels: positive when its probability >= this
  bool sweep = false;               // two labels: also print precision / recall at thresholds 0.1 .. 0.9
  rules::TrainOptions training;     // for the models cross-validation trains
};

// Prints accuracy, macro-F1, per-class precision / recall / F1 and a confusion matrix.
int run_eval(const EvalCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace carewatch
