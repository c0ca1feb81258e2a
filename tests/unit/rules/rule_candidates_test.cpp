// RuleSet::decide evaluates only the rules that can hold (those without a text gate, and those
// gated on a text condition the mention hit). These tests pin down that the shortcut never
// changes a decision: rule order, conditions on the category so far, negated text conditions,
// "stop", shared keywords, and rule sets spanning many 64-rule words.
#include "rules/rule_set.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace carewatch {
namespace {

std::shared_ptr<const RuleSet> load(const std::string& rules) {
  std::string error;
  auto set = RuleSet::load_json(R"({"rules": [)" + rules + "]}", "candidates.json", error);
  EXPECT_TRUE(set) << error;
  return set;
}

std::string rule(const std::string& name, const std::string& when, const std::string& then = R"({})") {
  return R"({"name": ")" + name + R"(", "when": )" + when + R"(, "then": )" + then + "}";
}

Decision decide(const RuleSet& rules, const std::string& text, const std::string& platform = "mastodon") {
  Mention m;
  m.uid = platform + ":1";
  m.platform = platform;
  m.text = text;
  m.language = "en";
  return rules.decide(m);
}

using Names = std::vector<std::string>;

TEST(RuleCandidates, GatedAndUngatedRulesFireInFileOrder) {
  auto r = load(rule("late", R"({"keywords": ["late"]})", R"({"category": "complaint"})") + "," +
                rule("complaint-so-far", R"({"category": "complaint"})", R"({"tags": ["c"]})") + "," +
                rule("refund", R"({"any": [{"keywords": ["refund"]}, {"phrases": ["money back"]}]})") + "," +
                rule("no-refund", R"({"not": {"keywords": ["refund"]}})") + "," +
                rule("late-again", R"({"all": [{"keywords": ["late"]}, {"platform": "x"}]})") + "," +
                rule("always", R"({})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(decide(*r, "late again").rules, (Names{"late", "complaint-so-far", "no-refund", "always"}));
  EXPECT_EQ(decide(*r, "late again", "x").rules,
            (Names{"late", "complaint-so-far", "no-refund", "late-again", "always"}));
  EXPECT_EQ(decide(*r, "money back please").rules, (Names{"refund", "no-refund", "always"}));
  EXPECT_EQ(decide(*r, "REFUND, I'm late").rules, (Names{"late", "complaint-so-far", "refund", "always"}));
  EXPECT_EQ(decide(*r, "nothing").rules, (Names{"no-refund", "always"}));
}

TEST(RuleCandidates, StopEndsEvaluationAmongCandidates) {
  auto r = load(rule("first", R"({"keywords": ["refund"]})", R"({"tags": ["a"], "stop": true})") + "," +
                rule("second", R"({"keywords": ["refund"]})", R"({"tags": ["b"]})") + "," +
                rule("third", R"({})", R"({"tags": ["c"]})"));
  ASSERT_TRUE(r);
  const Decision d = decide(*r, "refund");
  EXPECT_EQ(d.rules, (Names{"first"}));
  EXPECT_EQ(d.tags, (Names{"a"}));
  EXPECT_EQ(decide(*r, "hello").rules, (Names{"third"}));
}

TEST(RuleCandidates, ManyRulesAcrossSeveralWords) {
  // 200 rules, one keyword each; every 10th rule is ungated (a platform condition).
  std::string rules;
  for (int i = 0; i < 200; ++i) {
    if (i) rules += ",";
    rules += i % 10 == 0 ? rule("r" + std::to_string(i), R"({"platform": "mastodon"})")
                         : rule("r" + std::to_string(i), R"({"keywords": ["w)" + std::to_string(i) + R"("]})");
  }
  auto r = load(rules);
  ASSERT_TRUE(r);
  Names want;
  for (int i = 0; i < 200; ++i)
    if (i % 10 == 0 || i == 3 || i == 63 || i == 64 || i == 65 || i == 127 || i == 199) want.push_back("r" + std::to_string(i));
  EXPECT_EQ(decide(*r, "w199 w64 w3 w63 w127 w65 w200").rules, want);
}

}  // namespace
}  // namespace carewatch
