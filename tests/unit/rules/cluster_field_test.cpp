// cluster.size and cluster.authors are rule fields: a rule can raise the priority of the 20th
// report of the same issue.
#include <gtest/gtest.h>

#include "rules/rule_set.h"

namespace carewatch {
namespace {

std::shared_ptr<const RuleSet> load(const std::string& json) {
  std::string error;
  auto rules = RuleSet::load_json(json, "test.json", error);
  EXPECT_TRUE(rules) << error;
  return rules;
}

Mention complaint(std::int64_t size, std::int64_t authors) {
  Mention m;
  m.uid = "mastodon:1";
  m.platform = "mastodon";
  m.text = "the app crashes at login after the update";
  if (size > 0) m.cluster = ClusterInfo{"42", size, authors};
  return m;
}

TEST(ClusterField, TheTwentiethReportOfTheSameIssueGetsPriorityZero) {
  const auto rules = load(R"({
    "default": {"category": "complaint", "priority": 2, "queue": "care"},
    "rules": [
      {"name": "recurring", "when": {"field": "cluster.size", "gte": 20}, "then": {"priority": 0, "tags": ["recurring"]}},
      {"name": "crowd", "when": {"field": "cluster.authors", "gte": 10}, "then": {"tags": ["crowd"]}}
    ]})");
  ASSERT_TRUE(rules);
  const Decision d19 = rules->decide(complaint(19, 12));
  EXPECT_EQ(d19.priority, 2);
  EXPECT_EQ(d19.tags, std::vector<std::string>{"crowd"});
  const Decision d20 = rules->decide(complaint(20, 9));
  EXPECT_EQ(d20.priority, 0);
  EXPECT_EQ(d20.tags, std::vector<std::string>{"recurring"});
  const Decision none = rules->decide(complaint(0, 0));  // not grouped: size 0
  EXPECT_EQ(none.priority, 2);
  EXPECT_TRUE(none.tags.empty());
}

TEST(ClusterField, UnknownFieldErrorsListIt) {
  std::string error;
  EXPECT_FALSE(RuleSet::load_json(R"({"rules": [{"name": "r", "when": {"field": "cluster.sise", "gte": 2}, "then": {}}]})",
                                  "test.json", error));
  EXPECT_NE(error.find("cluster.size"), std::string::npos) << error;
}

}  // namespace
}  // namespace carewatch
