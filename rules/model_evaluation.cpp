// k-fold assignment and the figures that compare predictions with the truth (see text_model.h).
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "rules/text_model.h"

namespace carewatch::rules {

std::vector<size_t> stratified_folds(const std::vector<Example>& examples, size_t folds, unsigned seed) {
  std::vector<size_t> fold(examples.size(), 0);
  if (folds < 2) return fold;
  std::map<std::string, std::vector<size_t>> by_label;
  for (size_t i = 0; i < examples.size(); ++i) by_label[examples[i].label].push_back(i);
  std::mt19937 rng(seed);
  size_t next = 0;
  for (auto& [label, rows] : by_label) {
    std::shuffle(rows.begin(), rows.end(), rng);
    for (const size_t i : rows) fold[i] = next++ % folds;
  }
  return fold;
}

Evaluation evaluate(const std::vector<size_t>& truth, const std::vector<size_t>& predicted, size_t n_labels) {
  Evaluation e;
  e.confusion.assign(n_labels, std::vector<size_t>(n_labels, 0));
  e.precision.assign(n_labels, 0);
  e.recall.assign(n_labels, 0);
  e.f1.assign(n_labels, 0);
  e.support.assign(n_labels, 0);
  size_t correct = 0, total = 0;
  for (size_t i = 0; i < truth.size() && i < predicted.size(); ++i) {
    if (truth[i] >= n_labels || predicted[i] >= n_labels) continue;
    ++e.confusion[truth[i]][predicted[i]];
    ++e.support[truth[i]];
    correct += truth[i] == predicted[i];
    ++total;
  }
  e.accuracy = total ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
  double f1_sum = 0;
  size_t counted = 0;
  for (size_t k = 0; k < n_labels; ++k) {
    size_t predicted_k = 0;
    for (size_t t = 0; t < n_labels; ++t) predicted_k += e.confusion[t][k];
    const double tp = static_cast<double>(e.confusion[k][k]);
    if (predicted_k) e.precision[k] = tp / static_cast<double>(predicted_k);
    if (e.support[k]) e.recall[k] = tp / static_cast<double>(e.support[k]);
    if (e.precision[k] + e.recall[k] > 0) e.f1[k] = 2 * e.precision[k] * e.recall[k] / (e.precision[k] + e.recall[k]);
    if (e.support[k] || predicted_k) {
      f1_sum += e.f1[k];
      ++counted;
    }
  }
  e.macro_f1 = counted ? f1_sum / static_cast<double>(counted) : 0.0;
  return e;
}

}  // namespace carewatch::rules
