// The facts about one mention that "field" conditions compare against, computed once per
// mention before any rule runs. A built-in field is a name, a type and one entry in
// compute_features(); the fields of models a rules file names ("model.<name>.<label>") follow
// the built-in ones, so conditions stay plain array lookups.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mention/mention.h"
#include "rules/text_tokens.h"

namespace carewatch::rules {

enum class FieldType { number, boolean };

struct FieldSpec {
  std::string_view name;
  FieldType type;
};

// Built-in fields. Values from kFieldCount on are model fields: kFieldCount + i is the i-th
// name of the rule set's model field list.
enum class Field : size_t {
  author_followers,
  author_verified,
  text_length,
  sentiment_compound,
  sentiment_pos,
  sentiment_neu,
  sentiment_neg,
  complaint_score,
  rating,
  cluster_size,
  cluster_authors,
  count_
};
inline constexpr size_t kFieldCount = static_cast<size_t>(Field::count_);

// The field called `name` (a built-in one, or one of `model_fields`), or nullopt.
std::optional<Field> find_field(std::string_view name, const std::vector<std::string>& model_fields = {});
// The spec of a field; model fields are numbers named by `model_fields`.
FieldSpec field_spec(Field f, const std::vector<std::string>& model_fields = {});
// "author.followers, author.verified, ...": for error messages.
std::string field_names(const std::vector<std::string>& model_fields = {});

// The scores of one mention's text, computed once per decision.
struct TextScores {
  SentimentScores sentiment;
  double complaint = 0;
  std::vector<double> models;  // one per model field, in order
};

// Booleans are 0 or 1.
struct Features {
  std::array<double, kFieldCount> values{};
  const std::vector<double>* models = nullptr;  // model field values (owned by TextScores)
  double operator[](Field f) const {
    const auto i = static_cast<size_t>(f);
    if (i < kFieldCount) return values[i];
    return models && i - kFieldCount < models->size() ? (*models)[i - kFieldCount] : 0.0;
  }
};

Features compute_features(const Mention& m, const TextTokens& tokens, const TextScores& scores);

}  // namespace carewatch::rules
