// The inside of a TextModel, shared by its prediction (text_model.cpp) and its training
// (text_model_train.cpp).
//
// A text's vector is text_features::text_vector(): TF-IDF weighted words and bigrams, and
// character n-grams built word by word. Features the model does not know are left out, as they
// were in training. A logistic regression for two labels; for more, a softmax over one linear
// score per label.
#pragma once

#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "rules/text_features.h"
#include "rules/text_model.h"

namespace carewatch::rules {

struct TextModel::Impl {
  std::vector<std::string> labels;
  text_features::FeatureParams params;
  double char_weight = 1.0;
  size_t outputs = 1;     // 1 for two labels (the score of labels[1]), else one per label
  std::vector<float> bias;  // [outputs]
  // Per known feature (row): its bucket, then idf and `outputs` coefficients in `data`.
  std::vector<uint32_t> row_bucket;
  std::vector<float> data;  // [row * (outputs + 1)]: idf, w_0 .. w_{outputs-1}
  // Open-addressing table bucket -> row, with the idf and the first coefficient in the slot
  // itself, so a binary model's lookup touches one cache line.
  struct Slot {
    uint32_t key = 0;  // bucket + 1; 0: empty
    uint32_t row = 0;
    float idf = 0;
    float w0 = 0;
  };
  std::vector<Slot> slots;

  uint64_t id = 0;  // unique per built table, so per-thread caches can tell models apart

  size_t stride() const { return outputs + 1; }
  void build_table() {
    static std::atomic<uint64_t> next_id{1};
    id = next_id.fetch_add(1);
    size_t cap = 16;
    while (cap < row_bucket.size() * 2 + 1) cap <<= 1;
    slots.assign(cap, Slot{});
    for (uint32_t r = 0; r < row_bucket.size(); ++r) {
      size_t s = slot_of(row_bucket[r]);
      while (slots[s].key != 0) s = (s + 1) & (cap - 1);
      slots[s] = Slot{row_bucket[r] + 1, r, data[r * stride()], data[r * stride() + 1]};
    }
  }
  size_t slot_of(uint32_t bucket) const { return (bucket * 2654435761u) & (slots.size() - 1); }
  // The slot of `bucket`, or nullptr if the model does not know it.
  const Slot* find(uint32_t bucket) const {
    if (slots.empty()) return nullptr;
    const size_t mask = slots.size() - 1;
    size_t s = slot_of(bucket);
    while (true) {
      const Slot& slot = slots[s];
      if (slot.key == 0) return nullptr;
      if (slot.key == bucket + 1) return &slot;
      s = (s + 1) & mask;
    }
  }
  // The coefficients of a row.
  const float* weights(const Slot& slot) const { return &data[static_cast<size_t>(slot.row) * stride() + 1]; }
};

namespace text_model_detail {

// Rounds to what the model file keeps (5 significant digits), so a saved and loaded model
// predicts exactly as the trained one.
float keep(double v);

}  // namespace text_model_detail

}  // namespace carewatch::rules
