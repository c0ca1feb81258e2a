#include "rules/features.h"

#include <limits>

namespace carewatch::rules {

namespace {

// In the order of enum Field.
constexpr std::array<FieldSpec, kFieldCount> kFields = {{
    {"author.followers", FieldType::number},
    {"author.verified", FieldType::boolean},
    {"text.length", FieldType::number},  // in Unicode code points
    {"sentiment.compound", FieldType::number},  // -1 .. 1
    {"sentiment.pos", FieldType::number},       // 0 .. 1
    {"sentiment.neu", FieldType::number},
    {"sentiment.neg", FieldType::number},
    {"complaint_score", FieldType::number},     // 0 .. 1
    {"rating", FieldType::number},              // a review's stars 1 .. 5; missing (no comparison holds) otherwise
    {"cluster.size", FieldType::number},        // complaints in its recurring-issue group (window); 0: none
    {"cluster.authors", FieldType::number},     // their distinct authors; 0: not grouped
}};

void set(Features& f, Field field, double v) { f.values[static_cast<size_t>(field)] = v; }

}  // namespace

std::optional<Field> find_field(std::string_view name, const std::vector<std::string>& model_fields) {
  for (size_t i = 0; i < kFields.size(); ++i)
    if (kFields[i].name == name) return static_cast<Field>(i);
  for (size_t i = 0; i < model_fields.size(); ++i)
    if (model_fields[i] == name) return static_cast<Field>(kFieldCount + i);
  return std::nullopt;
}

FieldSpec field_spec(Field f, const std::vector<std::string>& model_fields) {
  const auto i = static_cast<size_t>(f);
  if (i < kFieldCount) return kFields[i];
  return {model_fields.at(i - kFieldCount), FieldType::number};
}

std::string field_names(const std::vector<std::string>& model_fields) {
  std::string out;
  for (const auto& f : kFields) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  for (const auto& f : model_fields) out += ", " + f;
  if (model_fields.empty()) out += ", model.<name>.<label> (for the models named in \"models\")";
  return out;
}

Features compute_features(const Mention& m, const TextTokens& tokens, const TextScores& scores) {
  Features f;
  set(f, Field::author_followers, static_cast<double>(m.author.followers));
  set(f, Field::author_verified, m.author.verified ? 1.0 : 0.0);
  set(f, Field::text_length, static_cast<double>(tokens.code_points()));
  set(f, Field::sentiment_compound, scores.sentiment.compound);
  set(f, Field::sentiment_pos, scores.sentiment.pos);
  set(f, Field::sentiment_neu, scores.sentiment.neu);
  set(f, Field::sentiment_neg, scores.sentiment.neg);
  set(f, Field::complaint_score, scores.complaint);
  // Not a review: NaN, so that no comparison holds ({"field": "rating", "lte": 2} is false).
  set(f, Field::rating, m.rating ? static_cast<double>(m.rating) : std::numeric_limits<double>::quiet_NaN());
  set(f, Field::cluster_size, static_cast<double>(m.cluster.size));
  set(f, Field::cluster_authors, static_cast<double>(m.cluster.authors));
  f.models = &scores.models;
  return f;
}

}  // namespace carewatch::rules
