// The vector a text model scores, computed the plain way (see text_features.h, text_vector).
// Training builds its examples with it; the fast path of prediction (text_model.cpp) computes
// the same numbers word by word, and a test holds the two together.
#include <algorithm>
#include <map>

#include "rules/text_features.h"

namespace carewatch::rules::text_features {

void text_vector(const Tokens& tokens, const FeatureParams& params, double char_weight, const IdfLookup& idf,
                 std::vector<std::pair<uint32_t, double>>& out) {
  out.clear();
  std::map<uint32_t, uint32_t> word_view;         // word and bigram buckets, counted
  std::map<std::string_view, uint32_t> distinct;  // tokens with character n-grams, counted
  const size_t n = tokens.size();
  uint32_t prev = kStartHash;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t h = word_hash(tokens.at(i));
    ++word_view[word_bucket_of(h)];
    ++word_view[bigram_bucket(prev, h)];
    if (!tokens.special[i]) ++distinct[tokens.at(i)];
    prev = h;
  }
  if (n > 0) ++word_view[bigram_bucket(prev, kEndHash)];

  double length = 0;
  for (const auto& [bucket, count] : word_view) {
    const double f = idf(bucket);
    if (f < 0) continue;
    const double v = term_weight(count) * f;
    out.emplace_back(bucket, v);
    length += v * v;
  }
  for (auto& [bucket, v] : out) v /= std::sqrt(length);

  if (has_char_features(params)) {
    std::map<uint32_t, double> view;
    double squares = 0;  // sum over tokens of (1 + ln k)^2 |c_t|^2
    for (const auto& [token, count] : distinct) {
      std::map<uint32_t, uint32_t> grams;
      char_features(token, params, [&](uint32_t bucket) { ++grams[bucket]; });
      const double a = term_weight(count);
      double own = 0;  // |c_t|^2
      for (const auto& [bucket, times] : grams) {
        const double f = idf(bucket);
        if (f < 0) continue;
        const double v = times * f;
        view[bucket] += a * v;
        own += v * v;
      }
      squares += a * a * own;
    }
    if (squares > 0) {
      const double scale = char_weight / std::sqrt(squares);
      for (const auto& [bucket, v] : view) out.emplace_back(bucket, v * scale);
    }
  }
  std::sort(out.begin(), out.end());
}

}  // namespace carewatch::rules::text_features
