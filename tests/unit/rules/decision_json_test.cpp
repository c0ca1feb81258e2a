// The JSON form of a decision with scores: what the daemon stores in Redis (to_json(Mention))
// reads back the same, and older records without scores still parse.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "mention/mention_json.h"

namespace carewatch {
namespace {

Mention scored_mention() {
  Mention m;
  m.uid = "mastodon:9";
  m.platform = "mastodon";
  m.native_id = "9";
  m.text = "refund please";
  m.language = "";
  Decision& d = m.decision;
  d.category = Category::complaint;
  d.priority = 1;
  d.queue = "care";
  d.tags = {"refund"};
  d.rules = {"refund"};
  d.scored = true;
  d.sentiment = {-0.5, 0.0, 0.625, 0.375};
  d.complaint_score = 0.875;
  d.language = "en";
  d.explain.base_category = Category::complaint;
  d.explain.priority = {true, 0.75, 0.5, 0.125, 0.0625, 0.0625, 0.0, 1};
  d.explain.complaint_words = {{"word:refund", 1.25}, {"bigram:refund please", 0.5}};
  d.explain.models = {{"model.issue.billing", 0.75}, {"model.issue.onboard", 0.25}};
  return m;
}

TEST(DecisionJson, ScoredDecisionRoundTrips) {
  const Mention m = scored_mention();
  Mention back;
  std::string error;
  ASSERT_TRUE(parse_mention(to_json(m), back, error)) << error;
  const Decision& a = m.decision;
  const Decision& b = back.decision;
  EXPECT_EQ(b.category, a.category);
  EXPECT_EQ(b.priority, a.priority);
  EXPECT_EQ(b.tags, a.tags);
  EXPECT_EQ(b.rules, a.rules);
  EXPECT_TRUE(b.scored);
  EXPECT_DOUBLE_EQ(b.sentiment.compound, -0.5);
  EXPECT_DOUBLE_EQ(b.sentiment.neu, 0.625);
  EXPECT_DOUBLE_EQ(b.sentiment.neg, 0.375);
  EXPECT_DOUBLE_EQ(b.complaint_score, 0.875);
  EXPECT_EQ(b.language, "en");
  EXPECT_EQ(back.language, "");  // the mention's own language is separate
  EXPECT_EQ(b.explain.base_category, Category::complaint);
  EXPECT_TRUE(b.explain.priority.computed);
  EXPECT_DOUBLE_EQ(b.explain.priority.score, 0.75);
  EXPECT_DOUBLE_EQ(b.explain.priority.negative, 0.125);
  EXPECT_DOUBLE_EQ(b.explain.priority.reach, 0.0625);
  EXPECT_EQ(b.explain.priority.priority, 1);
  ASSERT_EQ(b.explain.complaint_words.size(), 2u);
  EXPECT_EQ(b.explain.complaint_words[1].feature, "bigram:refund please");
  EXPECT_DOUBLE_EQ(b.explain.complaint_words[0].weight, 1.25);
  ASSERT_EQ(b.explain.models.size(), 2u);
  EXPECT_EQ(b.explain.models[0].name, "model.issue.billing");
  EXPECT_DOUBLE_EQ(b.explain.models[1].value, 0.25);
  EXPECT_EQ(to_json(back), to_json(m));
}

TEST(DecisionJson, ScoresAreRoundedToFourDecimals) {
  Decision d = scored_mention().decision;
  d.complaint_score = 0.123456789;
  rapidjson::Document doc;
  const std::string json = to_json(d);
  doc.Parse(json.data(), json.size());
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_DOUBLE_EQ(doc["complaint_score"].GetDouble(), 0.1235);
  EXPECT_DOUBLE_EQ(doc["explain"]["scores"]["complaint_score"].GetDouble(), 0.1235);
  EXPECT_DOUBLE_EQ(doc["explain"]["scores"]["model.issue.billing"].GetDouble(), 0.75);
}

TEST(DecisionJson, UnscoredDecisionKeepsTheOldShape) {
  Decision d;
  d.category = Category::ignore;
  d.tags = {"brand"};
  EXPECT_EQ(to_json(d), R"({"category":"ignore","priority":3,"queue":"","tags":["brand"],"rules":[]})");
}

TEST(DecisionJson, OldRecordsWithoutScoresParse) {
  Mention m;
  std::string error;
  ASSERT_TRUE(parse_mention(R"({"uid": "x:1", "text": "hi", "decision": {"category": "praise", "priority": 3,
                                "queue": "engagement", "tags": ["praise"], "rules": ["praise"]}})",
                            m, error))
      << error;
  EXPECT_EQ(m.decision.category, Category::praise);
  EXPECT_FALSE(m.decision.scored);
  EXPECT_FALSE(m.decision.explain.priority.computed);
  EXPECT_TRUE(m.decision.explain.complaint_words.empty());
}

TEST(DecisionJson, MalformedScoresAreIgnoredNotFatal) {
  Mention m;
  std::string error;
  ASSERT_TRUE(parse_mention(R"({"text": "hi", "decision": {"category": "complaint", "sentiment": {"compound": "x"},
                                "complaint_score": 0.5, "explain": {"scores": {"priority": 3, "model.a.b": "z"},
                                "complaint_words": [1, {"weight": 2}, {"feature": "word:x"}]}}})",
                            m, error))
      << error;
  EXPECT_TRUE(m.decision.scored);
  EXPECT_DOUBLE_EQ(m.decision.sentiment.compound, 0.0);
  EXPECT_DOUBLE_EQ(m.decision.complaint_score, 0.5);
  EXPECT_FALSE(m.decision.explain.priority.computed);
  EXPECT_TRUE(m.decision.explain.models.empty());
  ASSERT_EQ(m.decision.explain.complaint_words.size(), 1u);
  EXPECT_EQ(m.decision.explain.complaint_words[0].feature, "word:x");
}

TEST(DecisionJson, InvalidUtf8InModelFeaturesIsReplaced) {
  Decision d = scored_mention().decision;
  d.explain.complaint_words = {{std::string("word:caf\xC3", 9), 1.0}, {"word:ok\xE2\x82\xAC", 0.5}};
  const std::string json = to_json(d);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_EQ(std::string(doc["explain"]["complaint_words"][0]["feature"].GetString()), "word:caf\xEF\xBF\xBD");
  EXPECT_EQ(std::string(doc["explain"]["complaint_words"][1]["feature"].GetString()), "word:ok\xE2\x82\xAC");
}

}  // namespace
}  // namespace carewatch
