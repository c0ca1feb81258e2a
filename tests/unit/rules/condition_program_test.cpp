// ConditionProgram (the flat form rule sets evaluate) against Condition::holds (the definition):
// random condition trees of every kind, several to a program, over random mention facts.
#include "rules/condition.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace carewatch::rules {
namespace {

struct Rng {
  uint32_t state;
  uint32_t operator()(uint32_t n) {
    state = state * 1664525u + 1013904223u;
    return (state >> 8) % n;
  }
};

constexpr const char* kValues[] = {"x", "mastodon", "reddit", "en", "es", "pt", "feed-a", "feed-b"};
constexpr uint32_t kSlots = 16;
constexpr size_t kModels = 2;

Condition random_condition(Rng& rng, int depth) {
  using Kind = Condition::Kind;
  Condition c;
  const uint32_t kinds = depth > 0 ? 11 : 8;  // the last three have children
  switch (rng(kinds)) {
    case 0: c.kind = Kind::always; break;
    case 1:
      c.kind = Kind::text;
      c.slot = rng(kSlots);
      break;
    case 2:
    case 3:
    case 4:
      c.kind = rng(3) == 0 ? Kind::platform : rng(2) ? Kind::language : Kind::source;
      for (uint32_t k = 0, n = 1 + rng(3); k < n; ++k) c.values.emplace_back(kValues[rng(8)]);
      break;
    case 5:
      c.kind = Kind::category;
      c.categories = rng(128);
      break;
    case 6:
      c.kind = Kind::category_by_rule;
      c.flag = rng(2) != 0;
      break;
    case 7:
      c.kind = Kind::field;
      c.field = static_cast<Field>(rng(static_cast<uint32_t>(kFieldCount + kModels)));
      for (uint32_t k = 0, n = 1 + rng(2); k < n; ++k)
        c.comparisons.push_back({static_cast<CompareOp>(rng(6)), static_cast<double>(rng(5)) / 4});
      break;
    case 8:
    case 9:
      c.kind = rng(2) ? Kind::all : Kind::any;
      for (uint32_t k = 0, n = rng(4); k < n; ++k) c.children.push_back(random_condition(rng, depth - 1));
      break;
    default:
      c.kind = Kind::negate;
      c.children.push_back(random_condition(rng, depth - 1));
      break;
  }
  return c;
}

TEST(ConditionProgram, EvaluatesAsTheConditionTrees) {
  Rng rng{20261123};
  size_t held = 0, evaluated = 0;
  for (int round = 0; round < 200; ++round) {
    ConditionProgram program;
    std::vector<Condition> conditions;
    std::vector<uint32_t> roots;
    for (int k = 0; k < 10; ++k) {
      conditions.push_back(random_condition(rng, 3));
      roots.push_back(program.add(conditions.back()));
    }
    for (int facts = 0; facts < 20; ++facts) {
      SlotBits hits(kSlots);
      for (uint32_t s = 0; s < kSlots; ++s)
        if (rng(3) == 0) hits.set(s);
      Features features;
      for (double& v : features.values) v = static_cast<double>(rng(5)) / 4;
      const std::vector<double> models{static_cast<double>(rng(5)) / 4, static_cast<double>(rng(5)) / 4};
      features.models = &models;
      const std::string language = rng(4) == 0 ? "en-gb" : kValues[rng(8)];
      const EvalContext ctx{hits,   features, kValues[rng(8)], language, kValues[rng(8)],
                            static_cast<Category>(rng(7)), rng(2) != 0};
      for (size_t k = 0; k < conditions.size(); ++k) {
        const bool expected = conditions[k].holds(ctx);
        ASSERT_EQ(program.holds(roots[k], ctx), expected) << "round " << round << ", condition " << k;
        held += expected;
        ++evaluated;
      }
    }
  }
  // Both answers occur often: the comparison is not of constants.
  EXPECT_GT(held, evaluated / 5);
  EXPECT_LT(held, evaluated * 4 / 5);
}

}  // namespace
}  // namespace carewatch::rules
