// A compiled "when" condition: a small tree evaluated against facts computed once per mention
// (text match bits, features and scores, the mention's platform/language/source, the category so
// far and whether a rule set it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mention/mention.h"
#include "rules/features.h"
#include "rules/text_matcher.h"

namespace carewatch::rules {

enum class CompareOp { eq, ne, gt, gte, lt, lte };

struct Comparison {
  CompareOp op;
  double value;
};

// What one mention offers to conditions; built once per decide().
struct EvalContext {
  const SlotBits& text_hits;
  const Features& features;
  std::string_view platform;  // lowercase
  std::string_view language;  // lowercase: the platform's language, else the detected one
  std::string_view source;    // lowercase
  Category category;          // the decision so far (rules run in order)
  bool category_by_rule = false;  // a rule that fired so far set the category
};

struct Condition {
  enum class Kind {
    always,    // "when": {}
    text,      // keywords / phrases / regex: slot set by the TextMatcher
    platform,  // any of `values`, exact
    language,  // any of `values`: "en" also matches "en-GB" and "en_US"
    source,    // any of `values`, exact
    category,  // the category decided so far is one of `categories` (bit mask)
    category_by_rule,  // whether a rule so far set the category equals `flag`
    field,     // features[field] satisfies every comparison
    all,
    any,
    negate,
  };
  Kind kind = Kind::always;
  uint32_t slot = 0;
  std::vector<std::string> values;  // lowercase
  uint32_t categories = 0;          // bit (1 << Category)
  bool flag = false;
  Field field = Field::author_followers;
  std::vector<Comparison> comparisons;
  std::vector<Condition> children;

  // The definition; rule sets evaluate the same through a ConditionProgram.
  bool holds(const EvalContext& ctx) const;
};

// Condition trees laid out flat for evaluation: every node in one array, each node followed by
// its subtree (pre-order), each value and comparison in one array too. A Condition's nodes and
// vectors are scattered over the heap, and a decision evaluates a few dozen of them between
// stages that evict them from the first-level cache; flat, a rule reads a few adjacent lines.
class ConditionProgram {
 public:
  // Appends `c` and returns the index of its root.
  uint32_t add(const Condition& c);
  // The same as Condition::holds of the condition added at `root`.
  bool holds(uint32_t root, const EvalContext& ctx) const;

 private:
  struct Node {
    Condition::Kind kind;
    bool flag;       // category_by_rule
    uint32_t field;  // field: the Field
    uint32_t a;      // text: slot; category: mask; else the first of its values or comparisons
    uint32_t count;  // its values or comparisons
    uint32_t end;    // index past this node's subtree
  };
  bool holds_node(uint32_t i, const EvalContext& ctx) const;

  std::vector<Node> nodes_;
  std::vector<std::string> values_;
  std::vector<Comparison> comparisons_;
};

}  // namespace carewatch::rules
