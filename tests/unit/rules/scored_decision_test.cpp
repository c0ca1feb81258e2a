// Decisions with scores: sentiment, complaint score and language as rule fields, the base
// category, the priority formula (worked out by hand), explanations, extra models, and
// untrusted text. Expectations on the real scorers are relations with wide margins (a clear
// complaint scores above 0.5), never exact model outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mention/mention_json.h"
#include "rules/priority.h"
#include "rules/rule_set.h"
#include "rules/text_model.h"
#include "tests/support/issue_examples.h"

namespace carewatch {
namespace {

const char* const kClearComplaint =
    "This is the worst airline ever. My flight was cancelled, nobody helped, and I am still "
    "waiting for my refund after three weeks. Absolutely terrible service.";
const char* const kClearPraise = "I love this airline! The crew was wonderful and so kind, thank you so much!";

std::shared_ptr<const RuleSet> load(const std::string& json) {
  std::string error;
  auto rules = RuleSet::load_json(json, "test.json", error);
  EXPECT_TRUE(rules) << error;
  return rules;
}

std::string load_error(const std::string& json) {
  std::string error;
  auto rules = RuleSet::load_json(json, "test.json", error);
  EXPECT_FALSE(rules) << json;
  return error;
}

Mention mention(const std::string& text) {
  Mention m;
  m.uid = "mastodon:1";
  m.platform = "mastodon";
  m.native_id = "1";
  m.text = text;
  return m;
}

TEST(ScoredDecision, ScoresAreComputedAndInRange) {
  auto rules = load(R"({"rules": []})");
  ASSERT_TRUE(rules);
  const Decision complaint = rules->decide(mention(kClearComplaint));
  EXPECT_TRUE(complaint.scored);
  EXPECT_GT(complaint.complaint_score, 0.5);
  EXPECT_LT(complaint.sentiment.compound, -0.3);
  const Decision praise = rules->decide(mention(kClearPraise));
  EXPECT_LT(praise.complaint_score, complaint.complaint_score);
  EXPECT_GT(praise.sentiment.compound, 0.5);
  for (const Decision* d : {&complaint, &praise}) {
    EXPECT_NEAR(d->sentiment.pos + d->sentiment.neu + d->sentiment.neg, 1.0, 1e-6);
    EXPECT_GE(d->complaint_score, 0.0);
    EXPECT_LE(d->complaint_score, 1.0);
  }
}

TEST(ScoredDecision, FieldConditionsOnSentimentAndComplaintScore) {
  auto rules = load(R"({"rules": [
    {"name": "model-says-complaint", "when": {"field": "complaint_score", "gte": 0.5}, "then": {"tags": ["c"]}},
    {"name": "angry", "when": {"field": "sentiment.compound", "lte": -0.3}, "then": {"tags": ["angry"]}},
    {"name": "happy", "when": {"all": [{"field": "sentiment.pos", "gt": 0.2}, {"field": "sentiment.neg", "lt": 0.1}]},
     "then": {"tags": ["happy"]}},
    {"name": "calm", "when": {"field": "sentiment.neu", "gte": 0.0, "lte": 1.0}, "then": {"tags": ["calm"]}}
  ]})");
  ASSERT_TRUE(rules);
  const Decision c = rules->decide(mention(kClearComplaint));
  EXPECT_EQ(c.rules, (std::vector<std::string>{"model-says-complaint", "angry", "calm"}));
  const Decision p = rules->decide(mention(kClearPraise));
  EXPECT_EQ(p.rules, (std::vector<std::string>{"happy", "calm"}));
}

TEST(ScoredDecision, UnknownFieldErrorListsTheKnownOnes) {
  const std::string error =
      load_error(R"({"rules": [{"name": "x", "when": {"field": "sentiment.score", "gt": 0}, "then": {}}]})");
  for (const char* f : {"sentiment.compound", "sentiment.pos", "sentiment.neu", "sentiment.neg", "complaint_score",
                        "author.followers", "model.<name>.<label>"})
    EXPECT_NE(error.find(f), std::string::npos) << f << " missing in: " << error;
  EXPECT_NE(error.find("\"sentiment.score\""), std::string::npos) << error;
}

TEST(ScoredDecision, BaseCategoryFromScoresWhenDefaultIsAuto) {
  auto rules = load(R"({"default": {"category": "auto", "queue": "care"},
                        "base_category": {"complaint_at": 0.5, "praise_at": 0.5}, "rules": []})");
  ASSERT_TRUE(rules);
  EXPECT_EQ(rules->decide(mention(kClearComplaint)).category, Category::complaint);
  EXPECT_EQ(rules->decide(mention(kClearPraise)).category, Category::praise);
  EXPECT_EQ(rules->decide(mention("how long is the layover in Madrid")).category, Category::question);
  EXPECT_EQ(rules->decide(mention("@acmeair what gate for the 10:40 to Porto")).category, Category::question);
  EXPECT_EQ(rules->decide(mention("Boarding now, see you in Lisbon")).category, Category::engagement);
  // The base category is in the explanation either way.
  auto unknown = load(R"({"rules": []})");
  ASSERT_TRUE(unknown);
  const Decision d = unknown->decide(mention(kClearComplaint));
  EXPECT_EQ(d.category, Category::unknown);
  EXPECT_EQ(d.explain.base_category, Category::complaint);
}

TEST(ScoredDecision, ThresholdsDecideTheBaseCategory) {
  // complaint_at 0 makes everything a complaint; praise_at -1 makes every non-complaint that
  // asks nothing praise.
  auto all_complaints = load(R"({"default": {"category": "auto"}, "base_category": {"complaint_at": 0}, "rules": []})");
  ASSERT_TRUE(all_complaints);
  EXPECT_EQ(all_complaints->decide(mention(kClearPraise)).category, Category::complaint);
  auto all_praise = load(
      R"({"default": {"category": "auto"}, "base_category": {"complaint_at": 1, "praise_at": -1}, "rules": []})");
  ASSERT_TRUE(all_praise);
  EXPECT_EQ(all_praise->decide(mention("Boarding now")).category, Category::praise);
  EXPECT_EQ(all_praise->decide(mention("Boarding now?")).category, Category::question);
}

TEST(ScoredDecision, RulesOverrideTheBaseCategoryAndCategoryByRuleTracksIt) {
  auto rules = load(R"({"default": {"category": "auto"}, "base_category": {"complaint_at": 0.5}, "rules": [
    {"name": "lounge", "when": {"keywords": "lounge"}, "then": {"category": "question"}},
    {"name": "unclaimed", "when": {"category_by_rule": false}, "then": {"tags": ["unclaimed"]}},
    {"name": "claimed", "when": {"category_by_rule": true}, "then": {"tags": ["claimed"]}}
  ]})");
  ASSERT_TRUE(rules);
  const Decision lounge = rules->decide(mention(std::string(kClearComplaint) + " Even the lounge."));
  EXPECT_EQ(lounge.category, Category::question);
  EXPECT_EQ(lounge.explain.base_category, Category::complaint);
  EXPECT_EQ(lounge.tags, (std::vector<std::string>{"claimed"}));
  const Decision other = rules->decide(mention(kClearComplaint));
  EXPECT_EQ(other.category, Category::complaint);
  EXPECT_EQ(other.tags, (std::vector<std::string>{"unclaimed"}));
}

// A formula that ignores the model outputs (weights 0), so every number is known by hand:
//   reach = log10(1 + followers) / 6, capped at 1; verified 0.5; urgent tag 2.
const char* const kHandPriority = R"(
  "priority": {"weights": {"complaint": 0, "negative": 0, "reach": 1, "verified": 0.5, "urgent": 2},
               "thresholds": {"p0": 2.5, "p1": 1.0, "p2": 0.5}, "urgent_tags": ["safety"]})";

TEST(ScoredDecision, PriorityFormulaByHand) {
  auto rules = load(std::string(R"({"default": {"priority": 3},)") + kHandPriority + R"(, "rules": [
    {"name": "fire", "when": {"keywords": "fire"}, "then": {"tags": ["safety"]}}
  ]})");
  ASSERT_TRUE(rules);
  auto decide = [&](const std::string& text, std::int64_t followers, bool verified) {
    Mention m = mention(text);
    m.author.followers = followers;
    m.author.verified = verified;
    return rules->decide(m);
  };
  // Nothing: score 0 → p3.
  Decision d = decide("hello", 0, false);
  EXPECT_TRUE(d.explain.priority.computed);
  EXPECT_DOUBLE_EQ(d.explain.priority.score, 0.0);
  EXPECT_EQ(d.priority, 3);
  // 999 followers: log10(1000)/6 = 0.5 → exactly p2.
  d = decide("hello", 999, false);
  EXPECT_NEAR(d.explain.priority.reach, 0.5, 1e-12);
  EXPECT_EQ(d.priority, 2);
  // 99 followers: log10(100)/6 = 0.333 → p3; verified adds 0.5 → 0.833 → p2.
  EXPECT_EQ(decide("hello", 99, false).priority, 3);
  d = decide("hello", 99, true);
  EXPECT_NEAR(d.explain.priority.score, 2.0 / 6 + 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(d.explain.priority.verified, 0.5);
  EXPECT_EQ(d.priority, 2);
  // 999999 followers: log10(1e6)/6 = 1 → p1; 10^9 is capped at 1 too.
  EXPECT_EQ(decide("hello", 999999, false).priority, 1);
  EXPECT_NEAR(decide("hello", 1000000000, false).explain.priority.reach, 1.0, 1e-12);
  // The urgent tag (set by a rule, seen by the formula): 2 → p1; with 999 followers 2.5 → p0.
  d = decide("there is a fire", 0, false);
  EXPECT_DOUBLE_EQ(d.explain.priority.urgent, 2.0);
  EXPECT_EQ(d.priority, 1);
  d = decide("there is a fire", 999, false);
  EXPECT_NEAR(d.explain.priority.score, 2.5, 1e-12);
  EXPECT_EQ(d.priority, 0);
  EXPECT_EQ(d.explain.priority.priority, 0);
  // Model parts are weighted 0 here.
  EXPECT_DOUBLE_EQ(d.explain.priority.complaint, 0.0);
  EXPECT_DOUBLE_EQ(d.explain.priority.negative, 0.0);
}

TEST(ScoredDecision, RulePriorityActionsApplyAfterTheFormula) {
  auto rules = load(std::string(R"({)") + kHandPriority + R"(, "rules": [
    {"name": "calm-down", "when": {"keywords": "calm"}, "then": {"priority": 3}},
    {"name": "vip", "when": {"keywords": "vip"}, "then": {"escalate": 1}},
    {"name": "spam", "when": {"keywords": "spam"}, "then": {"category": "spam", "priority": 3, "stop": true}}
  ]})");
  ASSERT_TRUE(rules);
  Mention m = mention("calm vip");
  m.author.followers = 999999;  // formula: p1
  Decision d = rules->decide(m);
  EXPECT_EQ(d.explain.priority.priority, 1);
  EXPECT_EQ(d.priority, 2);  // set to 3 by calm-down, then escalated once
  m.text = "vip";
  EXPECT_EQ(rules->decide(m).priority, 0);  // formula p1, escalated once
  m.text = "vip spam";
  EXPECT_EQ(rules->decide(m).priority, 3);  // the escalation came before the priority was set
  m.text = "nothing";
  EXPECT_EQ(rules->decide(m).priority, 1);
}

TEST(ScoredDecision, ModelPartsOfTheFormulaFollowTheScores) {
  auto rules = load(R"({"priority": {"weights": {"complaint": 1, "negative": 1, "reach": 0, "verified": 0, "urgent": 0},
                                     "thresholds": {"p0": 5, "p1": 4, "p2": 3}}, "rules": []})");
  ASSERT_TRUE(rules);
  const Decision d = rules->decide(mention(kClearComplaint));
  EXPECT_NEAR(d.explain.priority.complaint, d.complaint_score, 1e-12);
  EXPECT_NEAR(d.explain.priority.negative, -d.sentiment.compound, 1e-12);
  EXPECT_NEAR(d.explain.priority.score, d.complaint_score - d.sentiment.compound, 1e-12);
  EXPECT_EQ(d.priority, 3);
  const Decision praise = rules->decide(mention(kClearPraise));
  EXPECT_DOUBLE_EQ(praise.explain.priority.negative, 0.0);  // only negative sentiment counts
}

TEST(ScoredDecision, WithoutAFormulaTheDefaultPriorityStands) {
  auto rules = load(R"({"default": {"priority": 2}, "rules": []})");
  ASSERT_TRUE(rules);
  const Decision d = rules->decide(mention(kClearComplaint));
  EXPECT_FALSE(d.explain.priority.computed);
  EXPECT_EQ(d.priority, 2);
}

TEST(ScoredDecision, PriorityConfigErrorsNameThePath) {
  EXPECT_EQ(load_error(R"({"priority": {"thresholds": {"p0": 0.2, "p1": 0.5}}, "rules": []})"),
            "test.json: priority.thresholds: expected p0 >= p1 >= p2, got p0 0.2, p1 0.5, p2 0.4");
  EXPECT_EQ(load_error(R"({"priority": {"weights": {"followers": 1}}, "rules": []})"),
            "test.json: priority.weights.followers: unknown key (expected one of: complaint, negative, reach, "
            "verified, urgent)");
  EXPECT_EQ(load_error(R"({"priority": {"weights": {"reach": "high"}}, "rules": []})"),
            "test.json: priority.weights.reach: expected a number from -100.0 to 100.0, got \"high\"");
  EXPECT_EQ(load_error(R"({"priority": {"urgent_tags": ["safety", ""]}, "rules": []})"),
            "test.json: priority.urgent_tags[1]: expected a non-empty string, got \"\"");
  EXPECT_EQ(load_error(R"({"base_category": {"complaint_at": 2}, "rules": []})"),
            "test.json: base_category.complaint_at: expected a number from 0.0 to 1.0, got 2");
  EXPECT_EQ(load_error(R"({"default": {"category": "automatic"}, "rules": []})"),
            "test.json: default.category: unknown category \"automatic\" (expected auto, unknown, complaint, "
            "question, praise, engagement, spam or ignore)");
  EXPECT_EQ(load_error(R"({"rules": [{"name": "x", "when": {"category_by_rule": "no"}, "then": {}}]})"),
            "test.json: rules[0] \"x\": when.category_by_rule: expected true or false, got \"no\"");
}

TEST(ScoredDecision, LanguageIsThePlatformsElseDetected) {
  auto rules = load(R"({"rules": [{"name": "es", "when": {"language": "es"}, "then": {"tags": ["es"]}}]})");
  ASSERT_TRUE(rules);
  Mention m = mention(
      "Llevo tres días esperando mi maleta en el aeropuerto y nadie de la aerolínea me responde, "
      "es una vergüenza total");
  Decision d = rules->decide(m);
  EXPECT_EQ(d.language, "es");
  EXPECT_EQ(d.tags, std::vector<std::string>{"es"});
  EXPECT_EQ(m.language, "");  // the mention keeps what the platform said
  m.language = "pt-BR";       // the platform's language wins
  d = rules->decide(m);
  EXPECT_EQ(d.language, "pt-BR");
  EXPECT_TRUE(d.tags.empty());
}

TEST(ScoredDecision, PlainlyEnglishTextIsEnglishWhateverTheTag) {
  // A German account's post in English, tagged with the account's language.
  auto rules = load(R"({"rules": [{"name": "de", "when": {"language": "de"}, "then": {"queue": "german"}}]})");
  ASSERT_TRUE(rules);
  Mention m = mention("@acmeair my bag is still missing after four days, can somebody please call me back?");
  m.language = "de";
  Decision d = rules->decide(m);
  EXPECT_EQ(d.language, "en");
  EXPECT_NE(d.queue, "german");
  // German text keeps its tag; so does English text the cheap pass is not sure of.
  m.text = "Mein Koffer ist seit vier Tagen verschwunden und niemand ruft mich zur\xC3\xBC" "ck.";
  EXPECT_EQ(rules->decide(m).language, "de");
  EXPECT_EQ(rules->decide(m).queue, "german");
  m.text = "ok thanks";
  EXPECT_EQ(rules->decide(m).language, "de");
  m.language = "EN-gb";
  m.text = "@acmeair my bag is still missing after four days, can somebody please call me back?";
  EXPECT_EQ(rules->decide(m).language, "EN-gb");  // an English tag stays as the platform wrote it
}

TEST(ScoredDecision, TextInAnotherScriptThanItsTagIsDetected) {
  auto rules = load(R"({"rules": [{"name": "ja", "when": {"language": "ja"}, "then": {"queue": "japan"}}]})");
  ASSERT_TRUE(rules);
  // A Japanese post from an account whose chosen language is English.
  Mention m = mention("\xe8\x8d\xb7\xe7\x89\xa9\xe3\x81\x8c\xe5\xb1\x8a\xe3\x81\x8b\xe3\x81\xaa\xe3\x81\x84\xe3\x81\xae\xe3\x81\xa7\xe5\x95\x8f\xe3\x81\x84\xe5\x90\x88\xe3\x82\x8f\xe3\x81\x9b\xe3\x82\x92\xe3\x81\x97\xe3\x81\x9f\xe3\x81\x84\xe3\x81\xae\xe3\x81\xa7\xe3\x81\x99\xe3\x81\x8c\xe3\x80\x81\xe9\x9b\xbb\xe8\xa9\xb1\xe3\x81\x8c\xe3\x81\xa4\xe3\x81\xaa\xe3\x81\x8c\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93\xe3\x80\x82");
  m.language = "en";
  Decision d = rules->decide(m);
  EXPECT_EQ(d.language, "ja");
  EXPECT_EQ(d.queue, "japan");
  // The other way round: Latin letters under a Japanese tag, Spanish to CLD2.
  m.text = "Mi vuelo sali\xc3\xb3 con tres horas de retraso y nadie nos dio ninguna explicaci\xc3\xb3n en la puerta.";
  m.language = "ja";
  d = rules->decide(m);
  EXPECT_EQ(d.language, "es");
  EXPECT_NE(d.queue, "japan");
  // Text CLD2 cannot place keeps the platform's tag.
  m.text = "AA1234 LIS JFK 14:05";
  EXPECT_EQ(rules->decide(m).language, "ja");
}

TEST(ScoredDecision, ExplanationNamesTheComplaintWords) {
  auto rules = load(R"({"rules": [{"name": "refund", "when": {"keywords": "refund"}, "then": {}}]})");
  ASSERT_TRUE(rules);
  const Decision d = rules->decide(mention(kClearComplaint));
  EXPECT_EQ(d.rules, std::vector<std::string>{"refund"});
  ASSERT_FALSE(d.explain.complaint_words.empty());
  EXPECT_LE(d.explain.complaint_words.size(), 5u);
  for (const auto& w : d.explain.complaint_words) {
    EXPECT_FALSE(w.feature.empty());
    EXPECT_GT(w.weight, 0.0) << w.feature;
  }
}

TEST(ScoredDecision, UntrustedTextAlwaysGetsADecision) {
  auto rules = load(R"({"default": {"category": "auto"}, "priority": {},
                        "rules": [{"name": "any", "when": {"regex": "."}, "then": {"tags": ["x"]}}]})");
  ASSERT_TRUE(rules);
  std::string big;
  while (big.size() < 100 * 1024) big += "my refund never came and the app keeps crashing 😡 ";
  std::string controls;
  for (int c = 0; c < 32; ++c) controls.push_back(static_cast<char>(c));
  controls += "refund\x7f";
  const std::vector<std::string> texts = {
      "",
      std::string("\xff\xfe\xc3\x28 refund \xe2\x82 \xf0\x9f\x98"),
      std::string("\0\0\0", 3),
      controls,
      "😡😡😡🔥",
      "🙏",
      big,
      std::string(5000, '?'),
      "\xed\xa0\x80\xed\xb0\x80 surrogates",
  };
  for (const std::string& text : texts) {
    const Decision d = rules->decide(mention(text));
    EXPECT_TRUE(d.scored);
    EXPECT_GE(d.complaint_score, 0.0);
    EXPECT_LE(d.complaint_score, 1.0);
    EXPECT_GE(d.sentiment.compound, -1.0);
    EXPECT_LE(d.sentiment.compound, 1.0);
    EXPECT_GE(d.priority, 0);
    EXPECT_LE(d.priority, 3);
    EXPECT_NE(d.category, Category::unknown);
    Mention m = mention(text);
    m.decision = d;
    Mention back;
    std::string error;
    EXPECT_TRUE(parse_mention(to_json(m), back, error)) << error;
  }
}

TEST(ScoredDecision, ExtraModelsBecomeFields) {
  // A tiny issue-type model trained here, saved next to a rules file that names it relatively.
  const std::vector<rules::Example> examples = testing::issue_examples();
  std::string error;
  auto model = rules::TextModel::train(examples, rules::TrainOptions{}, error);
  ASSERT_TRUE(model) << error;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("carewatch-models-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                    std::to_string(reinterpret_cast<std::uintptr_t>(&examples)));
  std::filesystem::create_directories(dir / "models");
  ASSERT_TRUE(model->save_file((dir / "models/issue.model").string(), error)) << error;
  {
    std::ofstream rules_file(dir / "rules.json");
    rules_file << R"({"models": {"issue": "models/issue.model"}, "rules": [
      {"name": "billing", "when": {"field": "model.issue.billing", "gte": 0.5}, "then": {"tags": ["billing"]}}
    ]})";
  }
  auto rules = RuleSet::load_file((dir / "rules.json").string(), error);
  ASSERT_TRUE(rules) << error;
  const Decision billing = rules->decide(mention("they billed me twice, the invoice charge is wrong"));
  EXPECT_EQ(billing.tags, std::vector<std::string>{"billing"});
  ASSERT_EQ(billing.explain.models.size(), 2u);
  double sum = 0;
  for (const auto& s : billing.explain.models) {
    EXPECT_EQ(s.name.rfind("model.issue.", 0), 0u) << s.name;
    sum += s.value;
  }
  EXPECT_NEAR(sum, 1.0, 1e-6);
  EXPECT_TRUE(rules->decide(mention("dirty seat and a slow crew on board")).tags.empty());

  // An unknown label lists the model's fields; a missing file names its path.
  std::ofstream(dir / "bad.json") << R"({"models": {"issue": "models/issue.model"}, "rules": [
      {"name": "x", "when": {"field": "model.issue.refund", "gte": 0.5}, "then": {}}]})";
  EXPECT_FALSE(RuleSet::load_file((dir / "bad.json").string(), error));
  EXPECT_NE(error.find("model.issue.billing"), std::string::npos) << error;
  std::ofstream(dir / "missing.json") << R"({"models": {"issue": "nope.model"}, "rules": []})";
  EXPECT_FALSE(RuleSet::load_file((dir / "missing.json").string(), error));
  EXPECT_NE(error.find("models.issue: cannot load model"), std::string::npos) << error;
  EXPECT_NE(error.find("nope.model"), std::string::npos) << error;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace carewatch
