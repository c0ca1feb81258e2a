#include "rules/rule_set.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace carewatch {
namespace {

std::shared_ptr<const RuleSet> load(const std::string& json) {
  std::string error;
  auto rules = RuleSet::load_json(json, "test.json", error);
  EXPECT_TRUE(rules) << error;
  return rules;
}

// One rule "r" with the given condition that tags the mention "hit".
std::shared_ptr<const RuleSet> one(const std::string& when) {
  return load(R"({"rules": [{"name": "r", "when": )" + when + R"(, "then": {"tags": ["hit"]}}]})");
}

Mention mention(const std::string& text) {
  Mention m;
  m.uid = "mastodon:1";
  m.platform = "mastodon";
  m.native_id = "1";
  m.text = text;
  return m;
}

bool fires(const RuleSet& rules, const Mention& m) { return rules.decide(m).rules == std::vector<std::string>{"r"}; }
bool fires(const RuleSet& rules, const std::string& text) { return fires(rules, mention(text)); }

TEST(RuleSetConditions, Keywords) {
  auto r = one(R"({"keywords": ["refund", "broken"]})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(fires(*r, "my screen is BROKEN"));
  EXPECT_TRUE(fires(*r, "#refund"));
  EXPECT_FALSE(fires(*r, "refunded already"));
}

TEST(RuleSetConditions, KeywordAsASingleString) {
  auto r = one(R"({"keywords": "refund"})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(fires(*r, "refund"));
}

TEST(RuleSetConditions, Phrases) {
  auto r = one(R"({"phrases": ["not working", "money back"]})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(fires(*r, "Wifi not   WORKING"));
  EXPECT_TRUE(fires(*r, "give me my money back!"));
  EXPECT_FALSE(fires(*r, "working fine, not bad"));
}

TEST(RuleSetConditions, RegexOneOrMany) {
  auto r = one(R"({"regex": ["\\bcharged\\s+(twice|two times)\\b", "^refund"]})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(fires(*r, "I was Charged  TWICE"));
  EXPECT_TRUE(fires(*r, "REFUND please"));
  EXPECT_FALSE(fires(*r, "please refund"));
  auto single = one(R"({"regex": "\\d{3}-\\d{4}"})");
  ASSERT_TRUE(single);
  EXPECT_TRUE(fires(*single, "call 555-1234"));
}

TEST(RuleSetConditions, PlatformLanguageSourceAreCaseInsensitive) {
  auto r = one(R"({"platform": ["Mastodon", "bluesky"], "language": "es", "source": "Brand-Tag"})");
  ASSERT_TRUE(r);
  Mention m = mention("hola");
  m.language = "ES-mx";
  m.source = "brand-tag";
  EXPECT_TRUE(fires(*r, m));
  m.language = "est";  // not "es"
  EXPECT_FALSE(fires(*r, m));
  m.language = "es";
  m.platform = "x";
  EXPECT_FALSE(fires(*r, m));
  m.platform = "BLUESKY";
  EXPECT_TRUE(fires(*r, m));
  m.source = "other";
  EXPECT_FALSE(fires(*r, m));
}

TEST(RuleSetConditions, NumericFieldComparisons) {
  Mention m = mention("hello");
  m.author.followers = 10000;
  struct Case {
    const char* op;
    long value;
    bool expected;
  };
  for (const Case& c : {Case{"eq", 10000, true}, Case{"ne", 10000, false}, Case{"gt", 10000, false},
                        Case{"gte", 10000, true}, Case{"lt", 10001, true}, Case{"lte", 9999, false}}) {
    auto r = one(std::string(R"({"field": "author.followers", ")") + c.op + "\": " + std::to_string(c.value) + "}");
    ASSERT_TRUE(r);
    EXPECT_EQ(fires(*r, m), c.expected) << c.op << " " << c.value;
  }
}

TEST(RuleSetConditions, RangeNeedsEveryComparison) {
  auto r = one(R"({"field": "text.length", "gte": 3, "lt": 6})");
  ASSERT_TRUE(r);
  EXPECT_FALSE(fires(*r, "ab"));
  EXPECT_TRUE(fires(*r, "abc"));
  EXPECT_TRUE(fires(*r, "héllo"));  // 5 characters, 6 bytes
  EXPECT_FALSE(fires(*r, "abcdef"));
}

TEST(RuleSetConditions, BooleanField) {
  auto r = one(R"({"field": "author.verified", "eq": true})");
  ASSERT_TRUE(r);
  Mention m = mention("x");
  EXPECT_FALSE(fires(*r, m));
  m.author.verified = true;
  EXPECT_TRUE(fires(*r, m));
}

TEST(RuleSetConditions, SeveralKeysInOneObjectMustAllHold) {
  auto r = one(R"({"keywords": ["refund"], "platform": "x"})");
  ASSERT_TRUE(r);
  Mention m = mention("refund");
  EXPECT_FALSE(fires(*r, m));
  m.platform = "x";
  EXPECT_TRUE(fires(*r, m));
}

TEST(RuleSetConditions, AllAnyNot) {
  auto r = one(R"({"all": [{"any": [{"keywords": ["bag"]}, {"keywords": ["luggage"]}]},
                           {"not": {"keywords": ["found"]}}]})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(fires(*r, "where is my luggage"));
  EXPECT_TRUE(fires(*r, "bag missing"));
  EXPECT_FALSE(fires(*r, "bag found, thanks"));
  EXPECT_FALSE(fires(*r, "flight late"));
}

TEST(RuleSetConditions, EmptyConditionAlwaysHolds) {
  auto r = one("{}");
  ASSERT_TRUE(r);
  EXPECT_TRUE(fires(*r, ""));
}

TEST(RuleSetConditions, CategorySoFar) {
  auto r = load(R"({"rules": [
    {"name": "complaint", "when": {"keywords": ["broken"]}, "then": {"category": "complaint"}},
    {"name": "r", "when": {"category": ["complaint", "question"]}, "then": {"tags": ["followup"]}},
    {"name": "rest", "when": {"category": "unknown"}, "then": {"category": "engagement"}}]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->decide(mention("broken")).rules, (std::vector<std::string>{"complaint", "r"}));
  EXPECT_EQ(r->decide(mention("nice")).rules, (std::vector<std::string>{"rest"}));
}

TEST(RuleSetActions, DefaultsApplyBeforeAnyRule) {
  auto r = load(R"({"default": {"category": "unknown", "priority": "p2", "queue": "care"}, "rules": []})");
  ASSERT_TRUE(r);
  Decision d = r->decide(mention("anything"));
  EXPECT_EQ(d.category, Category::unknown);
  EXPECT_EQ(d.priority, 2);
  EXPECT_EQ(d.queue, "care");
  EXPECT_TRUE(d.tags.empty());
  EXPECT_TRUE(d.rules.empty());
  EXPECT_EQ(r->size(), 0u);
}

TEST(RuleSetActions, LaterRulesOverwriteAndTagsAccumulateWithoutDuplicates) {
  auto r = load(R"({"default": {"queue": "care"}, "rules": [
    {"name": "a", "when": {"keywords": ["refund"]},
     "then": {"category": "complaint", "priority": 2, "queue": "care", "tags": ["billing", "refund"]}},
    {"name": "b", "when": {"keywords": ["fraud"]},
     "then": {"priority": "P0", "queue": "urgent", "tags": ["refund", "fraud"]}},
    {"name": "c", "when": {"keywords": ["nothing"]}, "then": {"category": "praise"}}]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 3u);
  Decision d = r->decide(mention("refund this fraud"));
  EXPECT_EQ(d.category, Category::complaint);
  EXPECT_EQ(d.priority, 0);
  EXPECT_EQ(d.queue, "urgent");
  EXPECT_EQ(d.tags, (std::vector<std::string>{"billing", "refund", "fraud"}));
  EXPECT_EQ(d.rules, (std::vector<std::string>{"a", "b"}));
}

TEST(RuleSetActions, StopEndsEvaluation) {
  auto r = load(R"({"rules": [
    {"name": "spam", "when": {"keywords": ["giveaway"]}, "then": {"category": "spam", "queue": "", "stop": true}},
    {"name": "later", "when": {}, "then": {"category": "engagement", "tags": ["seen"]}}]})");
  ASSERT_TRUE(r);
  Decision spam = r->decide(mention("crypto giveaway"));
  EXPECT_EQ(spam.category, Category::spam);
  EXPECT_EQ(spam.rules, (std::vector<std::string>{"spam"}));
  EXPECT_TRUE(spam.tags.empty());
  Decision other = r->decide(mention("hi"));
  EXPECT_EQ(other.rules, (std::vector<std::string>{"later"}));
  EXPECT_EQ(other.category, Category::engagement);
}

TEST(RuleSetActions, StopFalseContinues) {
  auto r = load(R"({"rules": [
    {"name": "a", "when": {}, "then": {"priority": 1, "stop": false}},
    {"name": "b", "when": {}, "then": {"priority": 2}}]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->decide(mention("x")).priority, 2);
}

TEST(RuleSetActions, IgnoreIsNeverRouted) {
  auto r = load(R"({"default": {"queue": "care"}, "rules": [
    {"name": "own", "when": {"keywords": ["@acme"]}, "then": {"category": "ignore"}},
    {"name": "route", "when": {}, "then": {"queue": "care"}}]})");
  ASSERT_TRUE(r);
  Decision d = r->decide(mention("@acme replying"));
  EXPECT_EQ(d.category, Category::ignore);
  EXPECT_EQ(d.queue, "");
  EXPECT_EQ(d.rules, (std::vector<std::string>{"own", "route"}));
}

TEST(RuleSetActions, EscalateRaisesUrgencyDownToP0) {
  auto r = load(R"({"default": {"priority": 2}, "rules": [
    {"name": "reach", "when": {"field": "author.followers", "gte": 50000}, "then": {"escalate": 1}},
    {"name": "vip", "when": {"field": "author.verified", "eq": true}, "then": {"escalate": 3}}]})");
  ASSERT_TRUE(r);
  Mention m = mention("x");
  EXPECT_EQ(r->decide(m).priority, 2);
  m.author.followers = 60000;
  EXPECT_EQ(r->decide(m).priority, 1);
  m.author.verified = true;
  EXPECT_EQ(r->decide(m).priority, 0);
}

TEST(RuleSet, DecideIsSafeFromManyThreads) {
  auto r = load(R"({"rules": [
    {"name": "kw", "when": {"keywords": ["refund"]}, "then": {"category": "complaint"}},
    {"name": "re", "when": {"regex": "charged\\s+twice"}, "then": {"tags": ["billing"]}}]})");
  ASSERT_TRUE(r);
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        Decision d = r->decide(mention(i % 2 ? "refund, I was charged twice" : "hello"));
        const bool expected = i % 2 ? d.rules.size() == 2 && d.category == Category::complaint : d.rules.empty();
        good[t] += expected;
      }
    });
  for (auto& th : threads) th.join();
  for (int g : good) EXPECT_EQ(g, 2000);
}

TEST(RuleSet, LoadsAFileWithCommentsAndTrailingCommas) {
  const std::string path = testing::TempDir() + "rules_with_comments.json";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_TRUE(f);
    std::fputs("// a comment\n{\"rules\": [/* inline */ {\"name\": \"a\", \"when\": {}, \"then\": {},},],}\n", f);
    std::fclose(f);
  }
  std::string error;
  auto r = RuleSet::load_file(path, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->size(), 1u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace carewatch

namespace carewatch {
namespace {

// "rating" compares a review's stars; on a mention that is not a review no comparison holds, not
// even "ne".
TEST(RuleSetConditions, RatingOnlyHoldsForReviews) {
  auto low = one(R"({"field": "rating", "lte": 2})");
  auto not_three = one(R"({"field": "rating", "ne": 3})");
  ASSERT_TRUE(low && not_three);
  Mention review = mention("It is ok I guess");
  review.platform = "appstore";
  review.rating = 1;
  EXPECT_TRUE(fires(*low, review));
  review.rating = 2;
  EXPECT_TRUE(fires(*low, review));
  review.rating = 3;
  EXPECT_FALSE(fires(*low, review));
  EXPECT_FALSE(fires(*not_three, review));
  const Mention post = mention("It is ok I guess");  // rating 0: not a review
  EXPECT_FALSE(fires(*low, post));
  EXPECT_FALSE(fires(*not_three, post));
}

}  // namespace
}  // namespace carewatch
