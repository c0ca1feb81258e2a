#include "rules/text_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace carewatch::rules {
namespace {

std::vector<Example> complaint_examples() {
  return {
      {"my parcel never arrived and nobody answers the phone", "1"},
      {"still waiting for my refund, three weeks now", "1"},
      {"the app crashes every time I open my basket", "1"},
      {"charged twice for one order, please fix this", "1"},
      {"worst service ever, the courier left my box in the rain", "1"},
      {"I want my money back, the blender broke after two days", "1"},
      {"the train was cancelled again and no refund offered", "1"},
      {"my card was blocked for no reason and the hotline hangs up", "1"},
      {"delivery late again, the parcel tracking is broken", "1"},
      {"billing error on my invoice, refund me please", "1"},
      {"thank you for the quick reply", "0"},
      {"love the new colours in the autumn range, great work", "0"},
      {"what time does the store on main street open on sunday?", "0"},
      {"great news, the new app update looks lovely", "0"},
      {"do you ship to canada?", "0"},
      {"happy birthday to the whole team, enjoy the cake", "0"},
      {"just booked my summer trip, so excited", "0"},
      {"thanks, the agent was lovely and helpful", "0"},
      {"congrats on the award, well deserved", "0"},
      {"lovely staff at the airport lounge, thank you", "0"},
  };
}

std::vector<Example> issue_examples() {
  return {
      {"where is my parcel, tracking has not moved", "delivery"},
      {"the courier never came and the parcel is lost", "delivery"},
      {"parcel delivered to the wrong address", "delivery"},
      {"delivery late again, parcel due monday", "delivery"},
      {"charged twice on my card", "billing"},
      {"the invoice shows a fee I never agreed to", "billing"},
      {"refund the extra charge on my bill", "billing"},
      {"wrong amount charged on the monthly bill", "billing"},
      {"the app crashes when I log in", "app"},
      {"cannot log in to the app since the update", "app"},
      {"the app freezes on the checkout screen", "app"},
      {"login button does nothing in the app", "app"},
  };
}

std::shared_ptr<const TextModel> train_or_die(const std::vector<Example>& examples) {
  std::string error;
  auto model = TextModel::train(examples, TrainOptions{}, error);
  EXPECT_TRUE(model) << error;
  return model;
}

size_t argmax(const std::vector<double>& p) {
  return static_cast<size_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

void expect_distribution(const std::vector<double>& p, size_t n) {
  ASSERT_EQ(p.size(), n);
  double sum = 0;
  for (const double v : p) {
    EXPECT_TRUE(std::isfinite(v));
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
    sum += v;
  }
  EXPECT_NEAR(sum, 1.0, 1e-9);
}

TEST(TextModel, TrainingSeparatesTheExamples) {
  const auto examples = complaint_examples();
  const auto model = train_or_die(examples);
  ASSERT_TRUE(model);
  EXPECT_EQ(model->labels(), (std::vector<std::string>{"0", "1"}));
  for (const auto& e : examples) {
    const auto p = model->predict(e.text);
    EXPECT_EQ(model->labels()[argmax(p)], e.label) << e.text;
  }
  // Unseen texts made of the same kind of words.
  EXPECT_GT(complaint_score(*model, "still no refund and my parcel never arrived"), 0.5);
  EXPECT_LT(complaint_score(*model, "thank you, lovely team, great work"), 0.5);
}

TEST(TextModel, MultiClassTrainingPredictsEachLabel) {
  const auto model = train_or_die(issue_examples());
  ASSERT_TRUE(model);
  EXPECT_EQ(model->labels(), (std::vector<std::string>{"app", "billing", "delivery"}));
  for (const auto& e : issue_examples()) {
    const auto p = model->predict(e.text);
    expect_distribution(p, 3);
    EXPECT_EQ(model->labels()[argmax(p)], e.label) << e.text;
  }
  EXPECT_EQ(model->labels()[argmax(model->predict("the parcel courier is late"))], "delivery");
  EXPECT_EQ(model->labels()[argmax(model->predict("the app will not let me log in"))], "app");
}

TEST(TextModel, TrainingIsDeterministicForASeed) {
  const auto a = train_or_die(complaint_examples());
  const auto b = train_or_die(complaint_examples());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->save(), b->save());
}

TEST(TextModel, SaveAndLoadGiveIdenticalPredictions) {
  for (const auto& examples : {complaint_examples(), issue_examples()}) {
    const auto model = train_or_die(examples);
    ASSERT_TRUE(model);
    std::string error;
    const auto loaded = TextModel::load(model->save(), error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_EQ(loaded->labels(), model->labels());
    EXPECT_EQ(loaded->save(), model->save());
    for (const auto& e : examples) EXPECT_EQ(loaded->predict(e.text), model->predict(e.text)) << e.text;
    EXPECT_EQ(loaded->predict("something else entirely"), model->predict("something else entirely"));
  }
}

TEST(TextModel, ProbabilitiesSumToOne) {
  const auto binary = train_or_die(complaint_examples());
  const auto multi = train_or_die(issue_examples());
  ASSERT_TRUE(binary && multi);
  for (const std::string text : {"refund please", "thank you", "", "parcel app bill", "?!?! :( :)"}) {
    expect_distribution(binary->predict(text), 2);
    expect_distribution(multi->predict(text), 3);
  }
}

TEST(TextModel, ExplainNamesFeaturesOfTheTextWithTheirSign) {
  const auto model = train_or_die(complaint_examples());
  ASSERT_TRUE(model);
  const std::string text = "still waiting for my refund";
  const auto toward_complaint = model->explain(text, *model->label_index("1"), 50);
  ASSERT_FALSE(toward_complaint.empty());
  std::set<std::string> names;
  for (const auto& c : toward_complaint) {
    EXPECT_GT(c.weight, 0.0) << c.feature;
    names.insert(c.feature);
  }
  EXPECT_TRUE(names.count("word:refund")) << "refund should push toward a complaint";
  EXPECT_TRUE(names.count("word:my"));
  // Sorted, largest first.
  for (size_t i = 1; i < toward_complaint.size(); ++i)
    EXPECT_GE(toward_complaint[i - 1].weight, toward_complaint[i].weight);
  // Every named feature comes from the text.
  for (const auto& c : toward_complaint) {
    const auto colon = c.feature.find(':');
    ASSERT_NE(colon, std::string::npos) << c.feature;
    const std::string kind = c.feature.substr(0, colon);
    EXPECT_TRUE(kind == "word" || kind == "bigram" || kind == "char") << c.feature;
    if (kind == "word") {
      EXPECT_NE(text.find(c.feature.substr(colon + 1)), std::string::npos) << c.feature;
    }
  }
  // The other label: refund does not push toward "not a complaint"; thanks does.
  for (const auto& c : model->explain(text, *model->label_index("0"), 50)) EXPECT_NE(c.feature, "word:refund");
  const auto toward_other = model->explain("thank you, lovely", *model->label_index("0"), 3);
  ASSERT_FALSE(toward_other.empty());
  EXPECT_LE(toward_other.size(), 3u);
  bool thanks = false;
  for (const auto& c : model->explain("thank you, lovely", *model->label_index("0"), 50))
    thanks = thanks || c.feature == "word:thank" || c.feature == "word:lovely";
  EXPECT_TRUE(thanks);
  EXPECT_TRUE(model->explain(text, 7, 5).empty());
  EXPECT_TRUE(model->explain(text, 1, 0).empty());
}

TEST(TextModel, PredictWithReasonsEqualsPredictAndExplain) {
  const auto model = train_or_die(complaint_examples());
  ASSERT_TRUE(model);
  const size_t complaint = *model->label_index("1");
  for (const std::string text : {"still waiting for my refund", "thank you, lovely", "", "\xff\xfe refund"}) {
    std::vector<Contribution> why;
    EXPECT_EQ(model->predict(text, complaint, 5, why), model->predict(text)) << text;
    const auto expected = model->explain(text, complaint, 5);
    ASSERT_EQ(why.size(), expected.size()) << text;
    for (size_t i = 0; i < why.size(); ++i) {
      EXPECT_EQ(why[i].feature, expected[i].feature) << text;
      EXPECT_EQ(why[i].weight, expected[i].weight) << text;
    }
  }
  std::vector<Contribution> why = {{"stale", 1.0}};
  model->predict("my refund", 7, 5, why);  // no such label: no reasons, old ones cleared
  EXPECT_TRUE(why.empty());
}

TEST(TextModel, ExplainShowsNormalisedTokens) {
  const auto model = train_or_die({{"@shop refund!!! http://x.example/a 42 sooooo bad", "1"},
                                   {"@shop refund!!! http://x.example/b 7 sooooo bad", "1"},
                                   {"@shop thanks :) great", "0"},
                                   {"@shop thanks :) lovely", "0"}});
  ASSERT_TRUE(model);
  std::set<std::string> names;
  for (const auto& c : model->explain("@other REFUND!!! https://y.example 99 soooo bad", 1, 100)) names.insert(c.feature);
  EXPECT_TRUE(names.count("word:refund"));
  EXPECT_TRUE(names.count("word:!!"));
  EXPECT_TRUE(names.count("word:<url>"));
  EXPECT_TRUE(names.count("word:<num>"));
  EXPECT_TRUE(names.count("word:soo"));
  EXPECT_TRUE(names.count("bigram:refund !!"));
  names.clear();
  for (const auto& c : model->explain("@shop thanks :)", 0, 100)) names.insert(c.feature);
  EXPECT_TRUE(names.count("word:<smile>"));
  EXPECT_TRUE(names.count("word:thanks"));
}

TEST(TextModel, HandlesCountAsThemselvesAndAsTheirWords) {
  // Mentions addressed to a help desk handle are complaints here, those to a friend are not;
  // the model learns it from the handle's words, so it carries over to another desk's handle.
  const auto model = train_or_die({{"@AcmeHelp my order", "1"},
                                   {"@ShopSupport my order", "1"},
                                   {"@Acme_Help the parcel", "1"},
                                   {"@jane_doe my order", "0"},
                                   {"@bob42 my order", "0"},
                                   {"@JaneDoe the parcel", "0"}});
  ASSERT_TRUE(model);
  std::set<std::string> names;
  for (const auto& c : model->explain("@AcmeAirHelp my order", 1, 100)) names.insert(c.feature);
  EXPECT_TRUE(names.count("word:help")) << "the handle's last word";
  EXPECT_TRUE(names.count("word:acme"));
  EXPECT_GT(complaint_score(*model, "@TelcoHelp my order"), 0.5);
  EXPECT_LT(complaint_score(*model, "@JohnDoe my order"), 0.5);
  // Split at case changes, digits and underscores; a run of capitals stays one word.
  const auto split = train_or_die({{"@FCHelp_UK2 my order", "1"}, {"hello there", "0"}});
  ASSERT_TRUE(split);
  names.clear();
  for (const size_t label : {0u, 1u})
    for (const auto& c : split->explain("@FCHelp_UK2", label, 1000)) names.insert(c.feature);
  for (const char* word : {"word:@fchelp_uk2", "word:fc", "word:help", "word:uk", "word:<num>"})
    EXPECT_TRUE(names.count(word)) << word;
  EXPECT_FALSE(names.count("word:f"));
  EXPECT_FALSE(names.count("word:fchelp"));
}

TEST(TextModel, ExplainCountsAWordsCharacterNGramsToTheWord) {
  // "refunds" is not a word the model knows, but its character n-grams are those of "refund":
  // the explanation names the word of the text, with the push of its n-grams.
  const auto model = train_or_die(complaint_examples());
  ASSERT_TRUE(model);
  const auto why = model->explain("still waiting for my refunds", 1, 1000);
  double refunds = 0;
  for (const auto& c : why) {
    EXPECT_TRUE(c.feature.rfind("word:", 0) == 0 || c.feature.rfind("bigram:", 0) == 0) << c.feature;
    if (c.feature == "word:refunds") refunds = c.weight;
  }
  EXPECT_GT(refunds, 0.0);
  // The pushes add up to the score: toward both labels, every word and bigram accounted for.
  std::string error;
  double toward = 0, away = 0;
  for (const auto& c : model->explain("still waiting for my refunds", 1, 1000)) toward += c.weight;
  for (const auto& c : model->explain("still waiting for my refunds", 0, 1000)) away += c.weight;
  const double p = complaint_score(*model, "still waiting for my refunds");
  const double bias = std::log(p / (1 - p)) - (toward - away);
  const double p_empty = complaint_score(*model, "");
  EXPECT_NEAR(bias, std::log(p_empty / (1 - p_empty)), 1e-9);
}

TEST(TextModel, PredictNeverFailsOnOddInput) {
  const auto model = train_or_die(complaint_examples());
  ASSERT_TRUE(model);
  const std::string invalid_utf8 = "refund \xff\xfe\xc3 \xe2\x82 broken \xf0\x9f\x98 \xed\xa0\x80 ok";
  expect_distribution(model->predict(invalid_utf8), 2);
  expect_distribution(model->predict(""), 2);
  expect_distribution(model->predict("   \n\t "), 2);
  expect_distribution(model->predict(std::string(1, '\0') + "refund"), 2);
  std::string big;
  while (big.size() < 100 * 1024) big += "still waiting for my refund \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\xa1 !!! ";
  expect_distribution(model->predict(big), 2);
  std::string one_word(100 * 1024, 'a');
  expect_distribution(model->predict(one_word), 2);
  EXPECT_FALSE(model->explain(invalid_utf8, 1, 10).size() > 10);
  EXPECT_FALSE(model->explain(big, 1, 5).size() > 5);
}

TEST(TextModel, TrainingRejectsBadInput) {
  std::string error;
  EXPECT_FALSE(TextModel::train({}, TrainOptions{}, error));
  EXPECT_NE(error.find("no examples"), std::string::npos) << error;
  EXPECT_FALSE(TextModel::train({{"a", "x"}, {"b", "x"}}, TrainOptions{}, error));
  EXPECT_NE(error.find("\"x\""), std::string::npos) << error;
  EXPECT_NE(error.find("two different labels"), std::string::npos) << error;
  EXPECT_FALSE(TextModel::train({{"a", "x"}, {"b", ""}}, TrainOptions{}, error));
  EXPECT_NE(error.find("empty label"), std::string::npos) << error;
  EXPECT_FALSE(TextModel::train({{"a", "x"}, {"b", "y\nz"}}, TrainOptions{}, error));
  EXPECT_NE(error.find("line break"), std::string::npos) << error;
}

TEST(TextModel, LoadRejectsBrokenFiles) {
  const auto model = train_or_die(complaint_examples());
  ASSERT_TRUE(model);
  const std::string good = model->save();
  std::string error;
  EXPECT_FALSE(TextModel::load("", error));
  EXPECT_NE(error.find("not a carewatch text model"), std::string::npos) << error;
  EXPECT_FALSE(TextModel::load("hello\n", error));
  ASSERT_EQ(good.rfind("carewatch-text-model 3\n", 0), 0u);
  std::string v9 = good;
  v9.replace(good.find(" 3\n"), 3, " 9\n");
  EXPECT_FALSE(TextModel::load(v9, error));
  EXPECT_NE(error.find("version 9"), std::string::npos) << error;
  // A model of an older format (1: no idf per feature; 2: other character view and bigram
  // hashes) is named as such, with what to do.
  for (const char* old : {"1", "2"}) {
    std::string v = good;
    v.replace(good.find(" 3\n"), 3, std::string(" ") + old + "\n");
    EXPECT_FALSE(TextModel::load(v, error));
    EXPECT_NE(error.find(std::string("version ") + old), std::string::npos) << error;
    EXPECT_NE(error.find("carewatch train"), std::string::npos) << error;
  }
  // A negative idf.
  std::string negative = good;
  const size_t row = negative.find('\n', negative.find("weights ")) + 1;
  negative.insert(negative.find(' ', row) + 1, "-");
  EXPECT_FALSE(TextModel::load(negative, error));
  EXPECT_NE(error.find("idf"), std::string::npos) << error;
  // Cut in the middle of the weights.
  EXPECT_FALSE(TextModel::load(good.substr(0, good.size() / 2), error));
  EXPECT_NE(error.find("model line"), std::string::npos) << error;
  // A weight that is not a number.
  std::string bad = good;
  const size_t weights = bad.find("weights ");
  const size_t first_row = bad.find('\n', weights) + 1;
  const size_t space = bad.find(' ', first_row);
  bad.replace(space + 1, 1, "x");
  EXPECT_FALSE(TextModel::load(bad, error));
  EXPECT_NE(error.find("bad weight line"), std::string::npos) << error;
  // Missing end marker.
  EXPECT_FALSE(TextModel::load(good.substr(0, good.size() - 4), error));
  EXPECT_NE(error.find("end"), std::string::npos) << error;
  EXPECT_FALSE(TextModel::load_file("/nonexistent/dir/x.model", error));
  EXPECT_NE(error.find("/nonexistent/dir/x.model"), std::string::npos) << error;
}

TEST(TextModel, BuiltinComplaintModelLoadsAndScores) {
  const auto model = builtin_complaint_model();
  ASSERT_TRUE(model);
  EXPECT_EQ(model->labels(), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(builtin_complaint_model().get(), model.get());
  const double complaint =
      complaint_score(*model, "@shop three weeks and still waiting for my refund. this is ridiculous, worst service");
  const double praise = complaint_score(*model, "@shop thank you so much, love the new collection!");
  EXPECT_GT(complaint, 0.5);
  EXPECT_LT(praise, 0.5);
  const auto why = model->explain("still waiting for my refund", 1, 5);
  ASSERT_FALSE(why.empty());
  EXPECT_LE(why.size(), 5u);
}

TEST(TextModel, ComplaintScoreFindsTheComplaintLabel) {
  auto examples = complaint_examples();
  for (auto& e : examples) e.label = e.label == "1" ? "complaint" : "praise";
  const auto model = train_or_die(examples);
  ASSERT_TRUE(model);
  const std::string text = "still waiting for my refund";
  EXPECT_DOUBLE_EQ(complaint_score(*model, text), model->predict(text)[*model->label_index("complaint")]);
  const auto issues = train_or_die(issue_examples());
  ASSERT_TRUE(issues);
  EXPECT_EQ(complaint_score(*issues, text), 0.0);  // no complaint label
  EXPECT_EQ(complaint_label(*model), model->label_index("complaint"));
  EXPECT_FALSE(complaint_label(*issues));
}

TEST(StratifiedFolds, CoverEveryRowOnceAndKeepLabelShares) {
  std::vector<Example> examples;
  for (int i = 0; i < 53; ++i) examples.push_back({"t" + std::to_string(i), i % 3 == 0 ? "a" : (i % 3 == 1 ? "b" : "c")});
  for (int i = 0; i < 7; ++i) examples.push_back({"r" + std::to_string(i), "rare"});
  const size_t k = 5;
  const auto fold = stratified_folds(examples, k, 42);
  ASSERT_EQ(fold.size(), examples.size());  // every row gets exactly one fold
  std::map<std::string, std::vector<size_t>> per_label;  // label -> examples per fold
  std::vector<size_t> sizes(k, 0);
  for (size_t i = 0; i < examples.size(); ++i) {
    ASSERT_LT(fold[i], k);
    ++sizes[fold[i]];
    auto& counts = per_label[examples[i].label];
    counts.resize(k, 0);
    ++counts[fold[i]];
  }
  EXPECT_EQ(std::accumulate(sizes.begin(), sizes.end(), size_t{0}), examples.size());
  EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()), 1u);
  for (const auto& [label, counts] : per_label)
    EXPECT_LE(*std::max_element(counts.begin(), counts.end()) - *std::min_element(counts.begin(), counts.end()), 1u)
        << label;
  EXPECT_EQ(stratified_folds(examples, k, 42), fold);  // deterministic
  EXPECT_NE(stratified_folds(examples, k, 43), fold);  // the seed shuffles
  EXPECT_EQ(stratified_folds(examples, 1, 42), std::vector<size_t>(examples.size(), 0));
}

TEST(Evaluate, HandWorkedConfusionMatrix) {
  // Labels: 0 = no, 1 = yes, 2 = maybe.
  //   truth:     0 0 0 0 1 1 1 2 2 2
  //   predicted: 0 0 1 2 1 1 0 2 2 1
  const std::vector<size_t> truth{0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
  const std::vector<size_t> predicted{0, 0, 1, 2, 1, 1, 0, 2, 2, 1};
  const auto e = evaluate(truth, predicted, 3);
  const std::vector<std::vector<size_t>> confusion{{2, 1, 1}, {1, 2, 0}, {0, 1, 2}};
  EXPECT_EQ(e.confusion, confusion);
  EXPECT_EQ(e.support, (std::vector<size_t>{4, 3, 3}));
  EXPECT_DOUBLE_EQ(e.accuracy, 0.6);
  // no: precision 2/3, recall 2/4, F1 = 2*(2/3)(1/2)/(2/3+1/2) = 4/7
  EXPECT_NEAR(e.precision[0], 2.0 / 3, 1e-12);
  EXPECT_NEAR(e.recall[0], 0.5, 1e-12);
  EXPECT_NEAR(e.f1[0], 4.0 / 7, 1e-12);
  // yes: precision 2/4, recall 2/3, F1 = 4/7
  EXPECT_NEAR(e.precision[1], 0.5, 1e-12);
  EXPECT_NEAR(e.recall[1], 2.0 / 3, 1e-12);
  EXPECT_NEAR(e.f1[1], 4.0 / 7, 1e-12);
  // maybe: precision 2/3, recall 2/3, F1 = 2/3
  EXPECT_NEAR(e.f1[2], 2.0 / 3, 1e-12);
  EXPECT_NEAR(e.macro_f1, (4.0 / 7 + 4.0 / 7 + 2.0 / 3) / 3, 1e-12);
}

TEST(Evaluate, LabelNeverPredictedHasZeroPrecision) {
  const auto e = evaluate({0, 0, 1, 1}, {0, 0, 0, 0}, 2);
  EXPECT_DOUBLE_EQ(e.accuracy, 0.5);
  EXPECT_DOUBLE_EQ(e.precision[1], 0.0);
  EXPECT_DOUBLE_EQ(e.recall[1], 0.0);
  EXPECT_DOUBLE_EQ(e.f1[1], 0.0);
  EXPECT_NEAR(e.f1[0], 2 * 0.5 * 1.0 / 1.5, 1e-12);
  EXPECT_NEAR(e.macro_f1, (2.0 / 3) / 2, 1e-12);
}

}  // namespace
}  // namespace carewatch::rules
