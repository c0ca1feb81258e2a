// Training a TextModel: the features of every example (text_features.h), their idf, and a
// logistic regression (two labels) or a softmax regression (more) fitted by L-BFGS until it
// stops improving. Deterministic: the same examples and options give the same model, byte for
// byte.
#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>
#include <unordered_map>

#include "rules/text_model.h"
#include "rules/text_model_impl.h"

namespace carewatch::rules {

namespace {

using text_model_detail::keep;

// Defaults chosen by 10-fold cross-validation on the complaint data (scripts/measure-complaints).
constexpr double kDefaultC = 10.0;
constexpr int kDefaultIterations = 300;
constexpr int kDefaultCharMin = 2;
constexpr int kDefaultCharMax = 4;
constexpr double kDefaultCharWeight = 1.0;
constexpr int kDefaultMinDf = 1;
constexpr bool kDefaultBalance = true;

// Examples as sparse rows of (feature, value), each view already scaled to unit length.
struct Matrix {
  std::vector<size_t> start;  // row i is entries [start[i], start[i + 1])
  std::vector<uint32_t> column;
  std::vector<double> value;
  size_t rows() const { return start.size() - 1; }
};

// Weighted logistic loss of one output plus its L2 term, and the gradient; x = (w, b), b last
// and not regularised.
struct Objective {
  const Matrix& m;
  const std::vector<double>& target;  // 1 or 0 per row
  const std::vector<double>& weight;  // per row
  double inv_c;
  mutable std::vector<double> residual;

  double operator()(const std::vector<double>& x, std::vector<double>& grad) const {
    const size_t d = x.size() - 1;
    const double b = x[d];
    double f = 0;
    residual.resize(m.rows());
    for (size_t i = 0; i < m.rows(); ++i) {
      double z = b;
      for (size_t e = m.start[i]; e < m.start[i + 1]; ++e) z += x[m.column[e]] * m.value[e];
      // log(1 + exp(-z)) for a positive, log(1 + exp(z)) for a negative, computed stably.
      const double s = target[i] > 0.5 ? -z : z;
      f += weight[i] * (s > 0 ? s + std::log1p(std::exp(-s)) : std::log1p(std::exp(s)));
      const double p = z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
      residual[i] = weight[i] * (p - target[i]);
    }
    grad.assign(x.size(), 0.0);
    for (size_t i = 0; i < m.rows(); ++i) {
      for (size_t e = m.start[i]; e < m.start[i + 1]; ++e) grad[m.column[e]] += residual[i] * m.value[e];
      grad[d] += residual[i];
    }
    for (size_t j = 0; j < d; ++j) {
      f += 0.5 * inv_c * x[j] * x[j];
      grad[j] += inv_c * x[j];
    }
    return f;
  }
};

// For more than two labels: the weighted cross-entropy of a softmax over K outputs plus the L2
// term; x = (W as d rows of K, then the K biases, not regularised).
struct SoftmaxObjective {
  const Matrix& m;
  const std::vector<uint32_t>& label;  // per row, 0 .. K-1
  const std::vector<double>& weight;   // per row
  size_t k;
  double inv_c;
  mutable std::vector<double> z;

  double operator()(const std::vector<double>& x, std::vector<double>& grad) const {
    const size_t d = (x.size() - k) / k;
    const double* bias = &x[d * k];
    grad.assign(x.size(), 0.0);
    double f = 0;
    z.resize(k);
    for (size_t i = 0; i < m.rows(); ++i) {
      std::copy(bias, bias + k, z.begin());
      for (size_t e = m.start[i]; e < m.start[i + 1]; ++e) {
        const double* w = &x[static_cast<size_t>(m.column[e]) * k];
        for (size_t c = 0; c < k; ++c) z[c] += w[c] * m.value[e];
      }
      const double top = *std::max_element(z.begin(), z.end());
      double sum = 0;
      for (double& v : z) sum += v = std::exp(v - top);
      f += weight[i] * -std::log(z[label[i]] / sum);
      for (size_t c = 0; c < k; ++c) z[c] = weight[i] * (z[c] / sum - (c == label[i] ? 1.0 : 0.0));
      for (size_t e = m.start[i]; e < m.start[i + 1]; ++e) {
        double* g = &grad[static_cast<size_t>(m.column[e]) * k];
        for (size_t c = 0; c < k; ++c) g[c] += z[c] * m.value[e];
      }
      for (size_t c = 0; c < k; ++c) grad[d * k + c] += z[c];
    }
    for (size_t j = 0; j < d * k; ++j) {
      f += 0.5 * inv_c * x[j] * x[j];
      grad[j] += inv_c * x[j];
    }
    return f;
  }
};

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s[4] = {0, 0, 0, 0};  // four running sums, so the loop can use vector instructions
  const size_t n = a.size(), body = n - n % 4;
  for (size_t i = 0; i < body; i += 4)
    for (size_t k = 0; k < 4; ++k) s[k] += a[i + k] * b[i + k];
  for (size_t i = body; i < n; ++i) s[0] += a[i] * b[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// Minimises a smooth convex function from x = 0: limited-memory BFGS (the last 10 steps) with a
// backtracking line search; stops when the relative improvement or the gradient is tiny, or
// after `iterations`.
template <typename F>
std::vector<double> minimise(const F& objective, size_t n, int iterations) {
  constexpr size_t kMemory = 10;
  std::vector<double> x(n, 0.0), g, next(n), g_next, dir(n);
  double f = objective(x, g);
  std::deque<std::vector<double>> s_hist, y_hist;
  std::deque<double> rho;
  std::vector<double> alpha(kMemory);
  for (int it = 0; it < iterations; ++it) {
    double g_max = 0;
    for (const double v : g) g_max = std::max(g_max, std::abs(v));
    if (g_max < 1e-5) break;
    // Two-loop recursion: dir = -H g.
    dir = g;
    for (size_t k = s_hist.size(); k-- > 0;) {
      alpha[k] = rho[k] * dot(s_hist[k], dir);
      for (size_t j = 0; j < n; ++j) dir[j] -= alpha[k] * y_hist[k][j];
    }
    if (!s_hist.empty()) {
      const double gamma = dot(s_hist.back(), y_hist.back()) / dot(y_hist.back(), y_hist.back());
      for (double& v : dir) v *= gamma;
    }
    for (size_t k = 0; k < s_hist.size(); ++k) {
      const double beta = rho[k] * dot(y_hist[k], dir);
      for (size_t j = 0; j < n; ++j) dir[j] += s_hist[k][j] * (alpha[k] - beta);
    }
    for (double& v : dir) v = -v;
    double slope = dot(g, dir);
    if (!(slope < 0)) {  // not a descent direction: start over from the gradient
      s_hist.clear();
      y_hist.clear();
      rho.clear();
      for (size_t j = 0; j < n; ++j) dir[j] = -g[j];
      slope = dot(g, dir);
    }
    double step = s_hist.empty() ? 1.0 / std::sqrt(std::max(1e-12, -slope)) : 1.0;
    double f_next = 0;
    bool moved = false;
    for (int tries = 0; tries < 40; ++tries) {
      for (size_t j = 0; j < n; ++j) next[j] = x[j] + step * dir[j];
      f_next = objective(next, g_next);
      if (f_next <= f + 1e-4 * step * slope) {
        moved = true;
        break;
      }
      step *= 0.5;
    }
    if (!moved) break;
    std::vector<double> s(n), y(n);
    for (size_t j = 0; j < n; ++j) {
      s[j] = next[j] - x[j];
      y[j] = g_next[j] - g[j];
    }
    const double sy = dot(s, y);
    if (sy > 1e-12) {
      if (s_hist.size() == kMemory) {
        s_hist.pop_front();
        y_hist.pop_front();
        rho.pop_front();
      }
      s_hist.push_back(std::move(s));
      y_hist.push_back(std::move(y));
      rho.push_back(1.0 / sy);
    }
    const double improvement = f - f_next;
    x.swap(next);
    g.swap(g_next);
    f = f_next;
    if (improvement <= 1e-7 * std::max(1.0, std::abs(f))) break;
  }
  return x;
}

}  // namespace

std::shared_ptr<const TextModel> TextModel::train(const std::vector<Example>& examples, const TrainOptions& options,
                                                  std::string& error) {
  const double c = options.c > 0 ? options.c : kDefaultC;
  const int iterations = options.iterations > 0 ? options.iterations : kDefaultIterations;
  const int min_df = options.min_df > 0 ? options.min_df : kDefaultMinDf;
  const bool balance = options.balance < 0 ? kDefaultBalance : options.balance != 0;
  auto impl = std::make_unique<Impl>();
  impl->params.char_min = options.char_min > 0 ? options.char_min : kDefaultCharMin;
  impl->params.char_max = options.char_max > 0 ? options.char_max : kDefaultCharMax;
  impl->char_weight = keep(options.char_weight >= 0 ? options.char_weight : kDefaultCharWeight);

  for (const auto& e : examples) {
    if (e.label.empty()) {
      error = "an example has an empty label";
      return nullptr;
    }
    if (e.label.find_first_of("\r\n") != std::string::npos) {
      error = "label \"" + e.label + "\" contains a line break";
      return nullptr;
    }
    impl->labels.push_back(e.label);
  }
  std::sort(impl->labels.begin(), impl->labels.end());
  impl->labels.erase(std::unique(impl->labels.begin(), impl->labels.end()), impl->labels.end());
  if (impl->labels.size() < 2) {
    error = impl->labels.empty() ? "no examples to train on"
                                 : "all examples have the label \"" + impl->labels[0] +
                                       "\": training needs at least two different labels";
    return nullptr;
  }
  const size_t n_labels = impl->labels.size();
  impl->outputs = n_labels == 2 ? 1 : n_labels;
  const size_t outputs = impl->outputs;
  const size_t n = examples.size();

  // Document frequencies of every feature.
  std::vector<uint32_t> y(n);
  std::unordered_map<uint32_t, uint32_t> df;
  text_features::Tokens tokens;
  std::vector<uint32_t> all;
  for (size_t i = 0; i < n; ++i) {
    text_features::normalize(examples[i].text, tokens);
    all.clear();
    text_features::features(tokens, impl->params, [&](uint32_t b) { all.push_back(b); });
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    for (const uint32_t b : all) ++df[b];
    y[i] = static_cast<uint32_t>(std::lower_bound(impl->labels.begin(), impl->labels.end(), examples[i].label) -
                                 impl->labels.begin());
  }
  // Kept features get rows in bucket order (deterministic), with a smoothed idf.
  for (const auto& [b, count] : df)
    if (count >= static_cast<uint32_t>(min_df)) impl->row_bucket.push_back(b);
  std::sort(impl->row_bucket.begin(), impl->row_bucket.end());
  const size_t d = impl->row_bucket.size();
  std::unordered_map<uint32_t, uint32_t> row_of;
  row_of.reserve(d);
  std::vector<float> idf(d);
  for (uint32_t r = 0; r < d; ++r) {
    row_of.emplace(impl->row_bucket[r], r);
    idf[r] = keep(std::log((1.0 + static_cast<double>(n)) / (1.0 + df[impl->row_bucket[r]])) + 1.0);
  }
  df.clear();

  // The examples as the model will see them at prediction time (text_features::text_vector).
  Matrix m;
  m.start.push_back(0);
  const text_features::IdfLookup idf_of = [&](uint32_t bucket) {
    const auto it = row_of.find(bucket);
    return it == row_of.end() ? -1.0 : static_cast<double>(idf[it->second]);
  };
  std::vector<std::pair<uint32_t, double>> vec;
  for (size_t i = 0; i < n; ++i) {
    text_features::normalize(examples[i].text, tokens);
    text_features::text_vector(tokens, impl->params, impl->char_weight, idf_of, vec);
    for (const auto& [bucket, v] : vec) {
      m.column.push_back(row_of.at(bucket));
      m.value.push_back(v);
    }
    m.start.push_back(m.column.size());
  }

  std::vector<size_t> count(n_labels, 0);
  for (const auto label : y) ++count[label];
  impl->data.assign(d * impl->stride(), 0.0f);
  for (size_t r = 0; r < d; ++r) impl->data[r * impl->stride()] = idf[r];
  impl->bias.assign(outputs, 0.0f);
  std::vector<double> weight(n);
  if (outputs == 1) {
    std::vector<double> target(n);
    const double n_pos = static_cast<double>(count[1]), n_neg = static_cast<double>(count[0]);
    for (size_t i = 0; i < n; ++i) {
      target[i] = y[i] == 1 ? 1.0 : 0.0;
      weight[i] = balance ? static_cast<double>(n) / (2.0 * (y[i] == 1 ? n_pos : n_neg)) : 1.0;
    }
    const Objective objective{m, target, weight, 1.0 / c, {}};
    const std::vector<double> x = minimise(objective, d + 1, iterations);
    for (size_t r = 0; r < d; ++r) impl->data[r * impl->stride() + 1] = keep(x[r]);
    impl->bias[0] = keep(x[d]);
  } else {
    for (size_t i = 0; i < n; ++i)
      weight[i] = balance ? static_cast<double>(n) / (static_cast<double>(n_labels) * static_cast<double>(count[y[i]])) : 1.0;
    const SoftmaxObjective objective{m, y, weight, outputs, 1.0 / c, {}};
    const std::vector<double> x = minimise(objective, (d + 1) * outputs, iterations);
    for (size_t r = 0; r < d; ++r)
      for (size_t k = 0; k < outputs; ++k) impl->data[r * impl->stride() + 1 + k] = keep(x[r * outputs + k]);
    for (size_t k = 0; k < outputs; ++k) impl->bias[k] = keep(x[d * outputs + k]);
  }
  impl->build_table();
  return std::make_shared<const TextModel>(std::move(impl));
}

}  // namespace carewatch::rules
