#include "daemon/tools/model_commands.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <numeric>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "daemon/tools/labelled_data.h"
#include "rules/text_model.h"

namespace carewatch {

namespace {

using rules::Example;

std::map<std::string, size_t> label_counts(const std::vector<Example>& examples) {
  std::map<std::string, size_t> counts;
  for (const auto& e : examples) ++counts[e.label];
  return counts;
}

// Leaves out the examples of labels with fewer than `min_count` examples (stray or misspelt
// labels that no model can learn), remembering which.
void drop_rare_labels(Dataset& data, size_t min_count) {
  if (min_count <= 1) return;
  const auto counts = label_counts(data.examples);
  for (const auto& [label, count] : counts)
    if (count < min_count) data.skipped_rare.emplace(label, count);
  if (data.skipped_rare.empty()) return;
  std::erase_if(data.examples, [&](const Example& e) { return data.skipped_rare.count(e.label) > 0; });
}

std::string describe_rare(const Dataset& data, size_t min_count) {
  size_t rows = 0;
  std::string labels;
  for (const auto& [label, count] : data.skipped_rare) {
    rows += count;
    labels += (labels.empty() ? "" : ", ") + ("\"" + label + "\" (" + std::to_string(count) + ")");
  }
  return "skipped " + std::to_string(rows) + " rows of " + std::to_string(data.skipped_rare.size()) +
         " labels with fewer than " + std::to_string(min_count) + " examples: " + labels;
}

std::string fixed(double v, int digits = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}
std::string pad_left(const std::string& s, size_t width) {
  return s.size() >= width ? " " + s : std::string(width - s.size(), ' ') + s;
}

size_t argmax(const std::vector<double>& p) {
  return static_cast<size_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

// The predicted label: the most probable one; or, with a threshold (two labels only), the
// positive label (the complaint label if the model has one, else the second) when its
// probability reaches the threshold, as a rules file's base_category.complaint_at does.
size_t decide_label(const rules::TextModel& model, const std::vector<double>& p, double threshold) {
  if (threshold <= 0 || p.size() != 2) return argmax(p);
  const size_t positive = rules::complaint_label(model).value_or(1);
  return p[positive] >= threshold ? positive : 1 - positive;
}

void print_evaluation(std::ostream& out, const std::vector<std::string>& labels, const rules::Evaluation& e) {
  size_t width = 6;
  for (const auto& l : labels) width = std::max(width, l.size() + 1);
  out << "accuracy  " << fixed(e.accuracy) << "\n";
  out << "macro-F1  " << fixed(e.macro_f1) << "\n\n";
  out << pad("label", width) << "precision  recall     f1         support\n";
  for (size_t k = 0; k < labels.size(); ++k)
    out << pad(labels[k], width) << pad(fixed(e.precision[k]), 11) << pad(fixed(e.recall[k]), 11)
        << pad(fixed(e.f1[k]), 11) << e.support[k] << "\n";
  // Long label names head the columns by number instead ("1" for the first row's label, ...).
  bool numbered = false;
  for (const auto& l : labels) numbered = numbered || l.size() > 8;
  out << "\nconfusion matrix (rows: true label, columns: predicted label"
      << (numbered ? ", numbered as the rows" : "") << ")\n";
  size_t cell = 7;
  if (!numbered)
    for (const auto& l : labels) cell = std::max(cell, l.size() + 1);
  const size_t row_width = width + (numbered ? 4 : 0);
  out << pad("", row_width);
  for (size_t k = 0; k < labels.size(); ++k) out << pad_left(numbered ? std::to_string(k + 1) : labels[k], cell);
  out << "\n";
  for (size_t t = 0; t < labels.size(); ++t) {
    out << pad(numbered ? pad(std::to_string(t + 1), 4) + labels[t] : labels[t], row_width);
    for (size_t p = 0; p < labels.size(); ++p) out << pad_left(std::to_string(e.confusion[t][p]), cell);
    out << "\n";
  }
}

}  // namespace

int run_train(const TrainCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.out.empty()) {
    err << "carewatch train: no output file given (--out FILE.model)\n";
    return 2;
  }
  Dataset data;
  std::string error;
  if (!load_data(options.data, options.text_field, options.label_field, data, error)) {
    err << "carewatch train: " << error << "\n";
    return 2;
  }
  drop_rare_labels(data, options.min_label_count);
  const auto model = rules::TextModel::train(data.examples, options.training, error);
  if (!model) {
    err << "carewatch train: " << options.data << ": " << error << "\n";
    return 2;
  }
  if (!model->save_file(options.out, error)) {
    err << "carewatch train: " << error << "\n";
    return 1;
  }
  out << "trained on " << data.examples.size() << " examples from " << options.data << " (text: \""
      << options.text_field << "\", label: \"" << options.label_field << "\")\n";
  if (data.skipped_empty_label) out << "skipped " << data.skipped_empty_label << " rows with an empty label\n";
  if (!data.skipped_rare.empty()) out << describe_rare(data, options.min_label_count) << "\n";
  for (const auto& [label, count] : label_counts(data.examples)) out << "  " << label << ": " << count << "\n";
  out << "model written to " << options.out << "\n";
  return 0;
}

int run_eval(const EvalCommandOptions& options, std::ostream& out, std::ostream& err) {
  const auto start = std::chrono::steady_clock::now();
  Dataset data;
  std::string error;
  if (!load_data(options.data, options.text_field, options.label_field, data, error)) {
    err << "carewatch eval: " << error << "\n";
    return 2;
  }
  drop_rare_labels(data, options.min_label_count);
  if (data.examples.empty()) {
    err << "carewatch eval: " << options.data << ": no labelled examples\n";
    return 2;
  }
  if (options.threshold > 0 && label_counts(data.examples).size() > 2) {
    err << "carewatch eval: --threshold applies to two-label models; " << options.data << " has "
        << label_counts(data.examples).size() << " labels in \"" << options.label_field << "\"\n";
    return 2;
  }
  std::vector<std::string> labels;
  std::vector<size_t> truth, predicted;
  std::string method;
  // Two-label models: the probability of the positive label per example, and that label's index
  // in `labels` (for the threshold sweep).
  std::vector<double> positive_p(data.examples.size(), 0.0);
  std::optional<size_t> positive;
  auto note_positive = [&](const rules::TextModel& model, const std::vector<size_t>& map, size_t i,
                           const std::vector<double>& p) {
    if (p.size() != 2) return;
    const size_t k = rules::complaint_label(model).value_or(1);
    positive_p[i] = p[k];
    positive = map[k];
  };

  if (options.folds > 1) {
    const auto folds = static_cast<size_t>(options.folds);
    if (data.examples.size() < folds) {
      err << "carewatch eval: " << options.data << ": " << data.examples.size() << " examples cannot make "
          << folds << " folds\n";
      return 2;
    }
    for (const auto& [label, count] : label_counts(data.examples)) labels.push_back(label);
    if (labels.size() < 2) {
      err << "carewatch eval: " << options.data << ": all examples have the label \"" << labels[0]
          << "\": cross-validation needs at least two different labels\n";
      return 2;
    }
    const auto fold = rules::stratified_folds(data.examples, folds, options.seed);
    truth.assign(data.examples.size(), 0);
    predicted.assign(data.examples.size(), 0);
    for (size_t i = 0; i < data.examples.size(); ++i)
      truth[i] = static_cast<size_t>(std::lower_bound(labels.begin(), labels.end(), data.examples[i].label) -
                                     labels.begin());
    for (size_t f = 0; f < folds; ++f) {
      std::vector<Example> train;
      for (size_t i = 0; i < data.examples.size(); ++i)
        if (fold[i] != f) train.push_back(data.examples[i]);
      const auto model = rules::TextModel::train(train, options.training, error);
      if (!model) {
        err << "carewatch eval: fold " << (f + 1) << " of " << folds << ": " << error << "\n";
        return 2;
      }
      // Model label index -> index in `labels`.
      std::vector<size_t> map;
      for (const auto& l : model->labels())
        map.push_back(static_cast<size_t>(std::lower_bound(labels.begin(), labels.end(), l) - labels.begin()));
      for (size_t i = 0; i < data.examples.size(); ++i) {
        if (fold[i] != f) continue;
        const auto p = model->predict(data.examples[i].text);
        predicted[i] = map[decide_label(*model, p, options.threshold)];
        note_positive(*model, map, i, p);
      }
    }
    method = std::to_string(folds) + "-fold stratified cross-validation (seed " + std::to_string(options.seed) +
             "), a fresh model per fold";
  } else {
    std::shared_ptr<const rules::TextModel> model;
    if (options.model.empty()) {
      model = rules::builtin_complaint_model();
      if (!model) {
        err << "carewatch eval: the built-in complaint model does not load\n";
        return 1;
      }
      method = "the built-in complaint model";
    } else {
      model = rules::TextModel::load_file(options.model, error);
      if (!model) {
        err << "carewatch eval: " << error << "\n";
        return 2;
      }
      method = "model " + options.model;
    }
    labels = model->labels();
    std::vector<std::string> unknown;
    for (const auto& [label, count] : label_counts(data.examples))
      if (!model->label_index(label)) {
        labels.push_back(label);
        unknown.push_back(label);
      }
    std::vector<size_t> identity(model->labels().size());
    std::iota(identity.begin(), identity.end(), size_t{0});
    for (size_t i = 0; i < data.examples.size(); ++i) {
      const auto& e = data.examples[i];
      truth.push_back(static_cast<size_t>(std::find(labels.begin(), labels.end(), e.label) - labels.begin()));
      const auto p = model->predict(e.text);
      predicted.push_back(decide_label(*model, p, options.threshold));
      note_positive(*model, identity, i, p);
    }
    for (const auto& l : unknown)
      out << "note: label \"" << l << "\" is not one the model knows; its examples all count as errors\n";
  }

  const auto evaluation = rules::evaluate(truth, predicted, labels.size());
  out << "data: " << options.data << ", " << data.examples.size() << " examples, " << labels.size()
      << " labels (\"" << options.label_field << "\")";
  if (data.skipped_empty_label) out << ", skipped " << data.skipped_empty_label << " rows with an empty label";
  if (!data.skipped_rare.empty()) out << "\n" << describe_rare(data, options.min_label_count);
  out << "\nmethod: " << method;
  if (options.threshold > 0) out << ", positive label from probability >= " << options.threshold;
  out << "\n\n";
  print_evaluation(out, labels, evaluation);
  if (options.sweep) {
    if (!positive || labels.size() != 2) {
      out << "\nno threshold sweep: it needs a two-label model and data with only its labels\n";
    } else {
      // What each threshold on the positive label's probability would give.
      out << "\nthreshold sweep (label \"" << labels[*positive] << "\" when its probability >= threshold)\n";
      out << "threshold  precision  recall     f1         macro-F1\n";
      std::vector<size_t> at(truth.size());
      for (int t = 1; t <= 9; ++t) {
        const double threshold = t / 10.0;
        for (size_t i = 0; i < truth.size(); ++i) at[i] = positive_p[i] >= threshold ? *positive : 1 - *positive;
        const auto e = rules::evaluate(truth, at, labels.size());
        out << pad(fixed(threshold, 1), 11) << pad(fixed(e.precision[*positive]), 11)
            << pad(fixed(e.recall[*positive]), 11) << pad(fixed(e.f1[*positive]), 11) << fixed(e.macro_f1)
            << "\n";
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "\nelapsed " << fixed(seconds, 2) << " s\n";
  return 0;
}

}  // namespace carewatch
