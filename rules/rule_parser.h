// Reads a rules file (JSON with comments) into compiled rules, validating everything first:
// every error names the origin, the rule (index and name) and the field, e.g.
//   rules.json: rules[3] "refunds": when.regex[1]: invalid regex "(": missing )
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mention/mention.h"
#include "rules/classifier.h"
#include "rules/condition.h"
#include "rules/priority.h"
#include "rules/text_matcher.h"

namespace carewatch::rules {

struct Actions {
  std::optional<Category> category;
  std::optional<int> priority;
  std::optional<std::string> queue;
  std::vector<std::string> tags;  // distinct
  int escalate = 0;               // raise urgency by this many levels (priority - n, at least 0)
  bool stop = false;              // no later rule is evaluated
};

struct Rule {
  std::string name;
  std::string description;
  Condition when;
  Actions then;
};

struct CompiledRules {
  Decision defaults;
  bool auto_category = false;  // "default": {"category": "auto"}: start from the base category
  BaseCategoryConfig base;     // "base_category"
  std::optional<PriorityConfig> priority;  // "priority": the formula; none: start at default.priority
  std::vector<NamedModel> models;          // "models", loaded
  std::vector<std::string> model_fields;   // their fields, "model.<name>.<label>"
  std::vector<Rule> rules;
  TextMatcher matcher;  // the text conditions of all rules
};

// On failure returns false and sets `error` to "<origin>: <where>: <what>". Model paths in
// "models" are relative to `base_dir` (the rules file's directory; "" = the working directory).
bool parse_rules(std::string_view json, const std::string& origin, CompiledRules& out,
                 std::string& error, const std::string& base_dir = "");

// Applies one rule's actions to a decision.
void apply(const Actions& a, Decision& d);

}  // namespace carewatch::rules
