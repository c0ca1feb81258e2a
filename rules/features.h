// The facts about one mention that "field" conditions compare against, computed once per
// mention before any rule runs. A field is a name, a type and one entry in compute_features();
// later stages (sentiment.compound, complaint_score, model.<name>.<label>, ...) slot in by
// adding a row to the field table in features.cpp and filling its value there, so rules files
// need no new syntax and conditions stay plain array lookups.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "mention/mention.h"
#include "rules/text_tokens.h"

namespace carewatch::rules {

enum class FieldType { number, boolean };

struct FieldSpec {
  std::string_view name;
  FieldType type;
};

enum class Field : size_t { author_followers, author_verified, text_length, count_ };
inline constexpr size_t kFieldCount = static_cast<size_t>(Field::count_);

// The field called `name`, or nullopt if there is none.
std::optional<Field> find_field(std::string_view name);
const FieldSpec& field_spec(Field f);
// "author.followers, author.verified, text.length": for error messages.
std::string field_names();

// Booleans are 0 or 1.
struct Features {
  std::array<double, kFieldCount> values{};
  double operator[](Field f) const { return values[static_cast<size_t>(f)]; }
};

Features compute_features(const Mention& m, const TextTokens& tokens);

}  // namespace carewatch::rules
