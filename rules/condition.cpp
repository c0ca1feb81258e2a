#include "rules/condition.h"

#include <algorithm>

namespace carewatch::rules {

namespace {

bool compare(double actual, const Comparison& c) {
  switch (c.op) {
    case CompareOp::eq: return actual == c.value;
    case CompareOp::ne: return actual != c.value;
    case CompareOp::gt: return actual > c.value;
    case CompareOp::gte: return actual >= c.value;
    case CompareOp::lt: return actual < c.value;
    case CompareOp::lte: return actual <= c.value;
  }
  return false;
}

bool language_matches(std::string_view actual, const std::string& wanted) {
  if (actual.size() < wanted.size() || actual.compare(0, wanted.size(), wanted) != 0) return false;
  return actual.size() == wanted.size() || actual[wanted.size()] == '-' || actual[wanted.size()] == '_';
}

bool contains(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

}  // namespace

bool Condition::holds(const EvalContext& ctx) const {
  switch (kind) {
    case Kind::always: return true;
    case Kind::text: return ctx.text_hits.test(slot);
    case Kind::platform: return contains(values, ctx.platform);
    case Kind::source: return contains(values, ctx.source);
    case Kind::language:
      return std::any_of(values.begin(), values.end(),
                         [&](const std::string& v) { return language_matches(ctx.language, v); });
    case Kind::category: return (categories >> static_cast<unsigned>(ctx.category)) & 1;
    case Kind::category_by_rule: return ctx.category_by_rule == flag;
    case Kind::field: {
      const double actual = ctx.features[field];
      return std::all_of(comparisons.begin(), comparisons.end(),
                         [&](const Comparison& c) { return compare(actual, c); });
    }
    case Kind::all:
      return std::all_of(children.begin(), children.end(), [&](const Condition& c) { return c.holds(ctx); });
    case Kind::any:
      return std::any_of(children.begin(), children.end(), [&](const Condition& c) { return c.holds(ctx); });
    case Kind::negate: return !children.front().holds(ctx);
  }
  return false;
}

}  // namespace carewatch::rules
