// The model's fast scoring path (per-thread cache of each word's part, one pass, prefetching)
// against the model's definition computed the plain way: text_features::text_vector() with the
// idf of the model file, its dot product with the coefficients, the sigmoid.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "rules/text_features.h"
#include "rules/text_model.h"

namespace carewatch::rules {
namespace {

struct Row {
  float idf = 0, w = 0;  // as the model keeps them
};

struct Reference {
  std::map<uint32_t, Row> rows;
  float bias = 0;
  float char_weight = 1;
  text_features::FeatureParams params;

  explicit Reference(const std::string& file) {
    std::istringstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("features char=", 0) == 0) {
        std::sscanf(line.c_str(), "features char=%d-%d char_weight=%f", &params.char_min, &params.char_max, &char_weight);
      } else if (line.rfind("bias ", 0) == 0) {
        bias = std::stof(line.substr(5));
      } else if (line.rfind("weights ", 0) == 0) {
        const size_t n = std::stoul(line.substr(8));
        for (size_t r = 0; r < n && std::getline(in, line); ++r) {
          std::istringstream row(line);
          std::string bucket;
          Row value;
          row >> bucket >> value.idf >> value.w;
          rows[static_cast<uint32_t>(std::stoul(bucket, nullptr, 16))] = value;
        }
      }
    }
  }

  double complaint(const std::string& text) const {
    text_features::Tokens tokens;
    text_features::normalize(text, tokens);
    std::vector<std::pair<uint32_t, double>> vec;
    text_features::text_vector(
        tokens, params, char_weight,
        [&](uint32_t bucket) {
          const auto it = rows.find(bucket);
          return it == rows.end() ? -1.0 : static_cast<double>(it->second.idf);
        },
        vec);
    double z = bias;
    for (const auto& [bucket, v] : vec) z += v * rows.at(bucket).w;
    return 1 / (1 + std::exp(-z));
  }
};

std::vector<std::string> texts() {
  std::vector<std::string> out = {
      "@AcmeAir_Help still waiting for my refund!!! three weeks now :(",
      "refund refund refund, still no refund",  // repeated words and n-grams
      "thanks so much, lovely team <3 https://example.com/x 42",
      "supercalifragilisticexpialidociousandevenlongerthanthirtytwobytes refund",  // not cached
      "caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e \xf0\x9f\x98\xa1 pas de remboursement",
      "\xe9\x85\x8d\xe9\x80\x81\xe3\x81\x8c\xe9\x81\x85\xe3\x81\x84 \xff\xfe broken bytes",
      "",
      "   ",
  };
  std::mt19937 rng(7);
  const std::vector<std::string> words = {"refund", "parcel", "late", "thanks", "@Shop_Help", "never", "!!",
                                          "caf\xc3\xa9", "\xf0\x9f\x98\x8a", "lost", "bag", "again", "LOVE", "x"};
  for (int i = 0; i < 300; ++i) {
    std::string t;
    const int n = 1 + static_cast<int>(rng() % 20);
    for (int k = 0; k < n; ++k) t += words[rng() % words.size()] + (rng() % 5 == 0 ? "? " : " ");
    out.push_back(t);
  }
  return out;
}

TEST(TextModelReference, FastPathEqualsTheDefinition) {
  const auto model = builtin_complaint_model();
  ASSERT_TRUE(model);
  const Reference reference(model->save());
  ASSERT_GT(reference.rows.size(), 1000u);
  for (int pass = 0; pass < 2; ++pass)  // cold and warm word cache
    for (const auto& text : texts()) EXPECT_NEAR(complaint_score(*model, text), reference.complaint(text), 1e-9) << text;
}

TEST(TextModelReference, WordsEvictedFromTheCacheComeBackTheSame) {
  // Far more distinct words than the per-thread cache holds (8,192), so that sets overflow and
  // words are evicted and filled again; every score still equals the definition.
  const auto model = builtin_complaint_model();
  ASSERT_TRUE(model);
  const Reference reference(model->save());
  std::mt19937 rng(11);
  const std::string letters = "abcdefghijklmnopqrstuvwxyz";
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 30000; ++i) {
    std::string w;
    const int n = 3 + static_cast<int>(rng() % 8);
    for (int k = 0; k < n; ++k) w += letters[rng() % letters.size()];
    vocabulary.push_back(w);
  }
  std::vector<std::string> texts;
  for (int i = 0; i < 4000; ++i) {
    std::string t = "still waiting for my refund";  // common words, cached throughout
    for (int k = 0; k < 12; ++k) t += " " + vocabulary[rng() % vocabulary.size()];
    texts.push_back(t);
  }
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < texts.size(); i += 7) {  // a sample, in a different order each pass
      const std::string& text = texts[(i + pass * 3) % texts.size()];
      EXPECT_NEAR(complaint_score(*model, text), reference.complaint(text), 1e-9) << text;
    }
  for (const auto& text : texts) complaint_score(*model, text);  // overflow every set
  for (size_t i = 0; i < texts.size(); i += 13)
    EXPECT_NEAR(complaint_score(*model, texts[i]), reference.complaint(texts[i]), 1e-9) << texts[i];
}

TEST(TextModelReference, TwoModelsDoNotShareCachedWords) {
  // Two models with different features, used alternately on the same words in one thread.
  std::string error;
  TrainOptions narrow;
  narrow.char_min = 3;
  narrow.char_max = 3;
  const std::vector<Example> examples = {{"still waiting for my refund", "1"}, {"parcel never came, refund me", "1"},
                                         {"thanks, lovely team", "0"},         {"love the new range", "0"}};
  const auto a = TextModel::train(examples, TrainOptions{}, error);
  const auto b = TextModel::train(examples, narrow, error);
  ASSERT_TRUE(a && b) << error;
  const Reference ra(a->save()), rb(b->save());
  for (int round = 0; round < 3; ++round)
    for (const auto& text : texts()) {
      EXPECT_NEAR(complaint_score(*a, text), ra.complaint(text), 1e-9) << text;
      EXPECT_NEAR(complaint_score(*b, text), rb.complaint(text), 1e-9) << text;
    }
  // A model loaded from the same file gets its own cache entries and the same answers.
  const auto again = TextModel::load(a->save(), error);
  ASSERT_TRUE(again) << error;
  for (const auto& text : texts()) EXPECT_EQ(again->predict(text), a->predict(text)) << text;
}

}  // namespace
}  // namespace carewatch::rules
