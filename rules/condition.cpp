#include "rules/condition.h"

#include <algorithm>
#include <cmath>

namespace carewatch::rules {

namespace {

// A missing value (NaN: a rating on a mention that is not a review) satisfies no comparison.
bool compare(double actual, const Comparison& c) {
  if (std::isnan(actual)) return false;
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

uint32_t ConditionProgram::add(const Condition& c) {
  const auto at = static_cast<uint32_t>(nodes_.size());
  nodes_.push_back(Node{c.kind, c.flag, static_cast<uint32_t>(c.field), 0, 0, 0});
  Node n = nodes_.back();
  switch (c.kind) {
    case Condition::Kind::text: n.a = c.slot; break;
    case Condition::Kind::category: n.a = c.categories; break;
    case Condition::Kind::platform:
    case Condition::Kind::source:
    case Condition::Kind::language:
      n.a = static_cast<uint32_t>(values_.size());
      n.count = static_cast<uint32_t>(c.values.size());
      values_.insert(values_.end(), c.values.begin(), c.values.end());
      break;
    case Condition::Kind::field:
      n.a = static_cast<uint32_t>(comparisons_.size());
      n.count = static_cast<uint32_t>(c.comparisons.size());
      comparisons_.insert(comparisons_.end(), c.comparisons.begin(), c.comparisons.end());
      break;
    default: break;
  }
  for (const Condition& child : c.children) add(child);
  n.end = static_cast<uint32_t>(nodes_.size());
  nodes_[at] = n;
  return at;
}

bool ConditionProgram::holds(uint32_t root, const EvalContext& ctx) const { return holds_node(root, ctx); }

bool ConditionProgram::holds_node(uint32_t i, const EvalContext& ctx) const {
  const Node& n = nodes_[i];
  using Kind = Condition::Kind;
  switch (n.kind) {
    case Kind::always: return true;
    case Kind::text: return ctx.text_hits.test(n.a);
    case Kind::platform:
    case Kind::source: {
      const std::string_view actual = n.kind == Kind::platform ? ctx.platform : ctx.source;
      for (uint32_t k = n.a; k < n.a + n.count; ++k)
        if (values_[k] == actual) return true;
      return false;
    }
    case Kind::language:
      for (uint32_t k = n.a; k < n.a + n.count; ++k)
        if (language_matches(ctx.language, values_[k])) return true;
      return false;
    case Kind::category: return (n.a >> static_cast<unsigned>(ctx.category)) & 1;
    case Kind::category_by_rule: return ctx.category_by_rule == n.flag;
    case Kind::field: {
      const double actual = ctx.features[static_cast<Field>(n.field)];
      for (uint32_t k = n.a; k < n.a + n.count; ++k)
        if (!compare(actual, comparisons_[k])) return false;
      return true;
    }
    case Kind::all:
      for (uint32_t c = i + 1; c < n.end; c = nodes_[c].end)
        if (!holds_node(c, ctx)) return false;
      return true;
    case Kind::any:
      for (uint32_t c = i + 1; c < n.end; c = nodes_[c].end)
        if (holds_node(c, ctx)) return true;
      return false;
    case Kind::negate: return i + 1 < n.end && !holds_node(i + 1, ctx);
  }
  return false;
}

}  // namespace carewatch::rules
