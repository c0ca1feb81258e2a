#include "rules/features.h"

namespace carewatch::rules {

namespace {

// In the order of enum Field.
constexpr std::array<FieldSpec, kFieldCount> kFields = {{
    {"author.followers", FieldType::number},
    {"author.verified", FieldType::boolean},
    {"text.length", FieldType::number},  // in Unicode code points
}};

}  // namespace

std::optional<Field> find_field(std::string_view name) {
  for (size_t i = 0; i < kFields.size(); ++i)
    if (kFields[i].name == name) return static_cast<Field>(i);
  return std::nullopt;
}

const FieldSpec& field_spec(Field f) { return kFields[static_cast<size_t>(f)]; }

std::string field_names() {
  std::string out;
  for (const auto& f : kFields) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

Features compute_features(const Mention& m, const TextTokens& tokens) {
  Features f;
  f.values[static_cast<size_t>(Field::author_followers)] = static_cast<double>(m.author.followers);
  f.values[static_cast<size_t>(Field::author_verified)] = m.author.verified ? 1.0 : 0.0;
  f.values[static_cast<size_t>(Field::text_length)] = static_cast<double>(tokens.code_points());
  return f;
}

}  // namespace carewatch::rules
