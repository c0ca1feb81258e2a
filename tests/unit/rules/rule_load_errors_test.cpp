// Every load error names the origin, the rule (index and name) and the field.
#include <gtest/gtest.h>

#include <string>

#include "rules/rule_set.h"

namespace carewatch {
namespace {

std::string error_of(const std::string& json) {
  std::string error;
  auto rules = RuleSet::load_json(json, "rules.json", error);
  EXPECT_FALSE(rules) << "loaded: " << json;
  return error;
}

// Rules file with the given rules placed after two good ones (so the bad one is rules[2]).
std::string with_rule(const std::string& rule) {
  return R"({"rules": [
    {"name": "first", "when": {"keywords": ["a"]}, "then": {}},
    {"name": "second", "when": {"regex": "b+"}, "then": {}},
    )" + rule + "]}";
}

TEST(RuleLoadErrors, InvalidRegexNamesRuleIndexAndPattern) {
  EXPECT_EQ(error_of(R"({"rules": [{"name": "a", "when": {}, "then": {}}, {"name": "b", "when": {}, "then": {}},
    {"name": "c", "when": {}, "then": {}},
    {"name": "refunds", "when": {"regex": ["refund", "("]}, "then": {}}]})"),
            R"(rules.json: rules[3] "refunds": when.regex[1]: invalid regex "(": missing ))");
}

TEST(RuleLoadErrors, InvalidSingleRegexInsideNestedCondition) {
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"any": [{"keywords": ["k"]}, {"not": {"regex": "[z-a]"}}]}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.any[1].not.regex: invalid regex "[z-a]": invalid character class range: z-a)");
}

TEST(RuleLoadErrors, UnknownKeys) {
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}, "then": {}, "priority": 1})")),
            R"(rules.json: rules[2] "x": priority: unknown key (expected one of: name, description, when, then))");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"keyword": ["a"]}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.keyword: unknown key (expected one of: keywords, phrases, regex, platform, language, source, category, category_by_rule, field, all, any, not))");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}, "then": {"colour": "red"}})")),
            R"(rules.json: rules[2] "x": then.colour: unknown key (expected one of: category, priority, queue, tags, escalate, stop))");
  EXPECT_EQ(error_of(R"({"rules": [], "extra": 1})"),
            R"(rules.json: extra: unknown key (expected one of: default, rules, description, base_category, priority, models))");
  EXPECT_EQ(error_of(R"({"default": {"queue": "care", "stop": true}, "rules": []})"),
            R"(rules.json: default.stop: unknown key (expected one of: category, priority, queue))");
}

TEST(RuleLoadErrors, DuplicateAndMissingNames) {
  EXPECT_EQ(error_of(with_rule(R"({"name": "first", "when": {}, "then": {}})")),
            R"(rules.json: rules[2] "first": name: duplicate rule name (first used by rules[0]))");
  EXPECT_EQ(error_of(with_rule(R"({"when": {}, "then": {}})")), "rules.json: rules[2]: name: required");
  EXPECT_EQ(error_of(with_rule(R"({"name": "", "when": {}, "then": {}})")),
            R"(rules.json: rules[2]: name: expected a non-empty string, got "")");
  EXPECT_EQ(error_of(with_rule(R"("just a string")")),
            R"(rules.json: rules[2]: expected a rule object, got "just a string")");
}

TEST(RuleLoadErrors, WhenAndThenAreRequired) {
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "then": {}})")),
            R"(rules.json: rules[2] "x": when: required (use {} for a rule that always applies))");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}})")), R"(rules.json: rules[2] "x": then: required)");
  EXPECT_EQ(error_of(R"({"default": {}})"), "rules.json: rules: required");
}

TEST(RuleLoadErrors, BadCategory) {
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}, "then": {"category": "angry"}})")),
            R"(rules.json: rules[2] "x": then.category: unknown category "angry" (expected complaint, question, praise, engagement, spam or ignore))");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}, "then": {"category": "unknown"}})")),
            R"(rules.json: rules[2] "x": then.category: unknown category "unknown" (expected complaint, question, praise, engagement, spam or ignore))");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"category": ["complaint", "rage"]}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.category[1]: unknown category "rage" (expected unknown, complaint, question, praise, engagement, spam or ignore))");
}

TEST(RuleLoadErrors, BadPriority) {
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}, "then": {"priority": 7}})")),
            R"(rules.json: rules[2] "x": then.priority: expected 0..3 or "p0".."p3", got 7)");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}, "then": {"priority": "high"}})")),
            R"(rules.json: rules[2] "x": then.priority: expected 0..3 or "p0".."p3", got "high")");
  EXPECT_EQ(error_of(R"({"default": {"priority": -1}, "rules": []})"),
            R"(rules.json: default.priority: expected 0..3 or "p0".."p3", got -1)");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}, "then": {"escalate": 0}})")),
            R"(rules.json: rules[2] "x": then.escalate: expected a number of levels 1..3, got 0)");
}

TEST(RuleLoadErrors, BadActionValues) {
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}, "then": {"queue": "my queue"}})")),
            R"(rules.json: rules[2] "x": then.queue: "my queue" is not a queue name (at most 64 letters, digits, '-', '_', '.'))");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}, "then": {"tags": ["ok", ""]}})")),
            R"(rules.json: rules[2] "x": then.tags[1]: expected a non-empty string, got "")");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {}, "then": {"stop": "yes"}})")),
            R"(rules.json: rules[2] "x": then.stop: expected true or false, got "yes")");
}

TEST(RuleLoadErrors, BadFieldConditions) {
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"field": "author.karma", "gt": 1}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.field: unknown field "author.karma" (known: author.followers, author.verified, text.length, sentiment.compound, sentiment.pos, sentiment.neu, sentiment.neg, complaint_score, rating, cluster.size, cluster.authors, model.<name>.<label> (for the models named in "models")))");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"field": "author.followers", "gte": "10k"}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.gte: expected a number, got "10k")");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"field": "author.verified", "gt": 0}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.gt: "author.verified" is true or false: compare it with eq or ne)");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"field": "text.length"}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.field: a field condition needs one of eq, ne, gt, gte, lt, lte next to "field")");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"gt": 5}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.gt: a comparison needs a "field" next to it)");
}

TEST(RuleLoadErrors, BadTextConditions) {
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"keywords": ["ok", "money back"]}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.keywords[1]: keyword "money back" is several words (put it in "phrases"))");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"keywords": []}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.keywords: expected a string or a non-empty array of strings, got [])");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"phrases": ["ok", 3]}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.phrases[1]: expected a string, got 3)");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"all": []}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.all: expected a non-empty array of conditions, got [])");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": {"platform": [""]}, "then": {}})")),
            R"(rules.json: rules[2] "x": when.platform[0]: expected a non-empty string)");
  EXPECT_EQ(error_of(with_rule(R"({"name": "x", "when": ["keywords"], "then": {}})")),
            R"(rules.json: rules[2] "x": when: expected a condition object, got ["keywords"])");
}

TEST(RuleLoadErrors, DeepNestingIsRefused) {
  std::string when = "{}";
  for (int i = 0; i < 40; ++i) when = R"({"not": )" + when + "}";
  const std::string error = error_of(with_rule(R"({"name": "deep", "when": )" + when + R"(, "then": {}})"));
  EXPECT_NE(error.find(R"(rules.json: rules[2] "deep": when.not.not.)"), std::string::npos) << error;
  EXPECT_NE(error.find("conditions nested too deeply (at most 32 levels)"), std::string::npos) << error;
}

TEST(RuleLoadErrors, BadJsonGivesLineAndColumn) {
  EXPECT_EQ(error_of("{\"rules\": [\n  {\"name\": \"x\" \"when\": {}}\n]}"),
            "rules.json: invalid JSON at line 2, column 16: Missing a comma or '}' after an object member.");
  EXPECT_EQ(error_of("[]"), R"(rules.json: expected a JSON object with "rules")");
  EXPECT_EQ(error_of(R"({"rules": {}})"), "rules.json: rules: expected an array of rules, got {}");
}

TEST(RuleLoadErrors, MissingFileNamesThePath) {
  std::string error;
  EXPECT_FALSE(RuleSet::load_file("/nonexistent-dir/rules.json", error));
  EXPECT_EQ(error, "/nonexistent-dir/rules.json: cannot open: No such file or directory");
}

}  // namespace
}  // namespace carewatch
