#include "daemon/tools/model_commands.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "rules/text_model.h"
#include "tests/support/command_run.h"
#include "tests/support/temp_dir.h"

namespace carewatch {
namespace {

namespace fs = std::filesystem;

const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/models/";

class ModelCommands : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& content) { return dir_.write(name, content); }
  std::string path(const std::string& name) const { return dir_.path(name); }

  using Run = testing::CommandRun;
  Run train(const TrainCommandOptions& options) { return testing::run_command(run_train, options); }
  Run train(const std::string& data, const std::string& label_field = "label", const std::string& text_field = "text") {
    TrainCommandOptions o;
    o.data = data;
    o.out = path("out.model");
    o.label_field = label_field;
    o.text_field = text_field;
    return train(o);
  }
  Run eval(const EvalCommandOptions& options) { return testing::run_command(run_eval, options); }

  testing::TempDir dir_{"carewatch-model-test-"};
};

TEST_F(ModelCommands, TrainsOnCsvAndWritesALoadableModel) {
  const auto r = train(kFixtures + "complaints_small.csv");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("trained on 30 examples"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  0: 15\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  1: 15\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(path("out.model")), std::string::npos) << r.out;
  std::string error;
  const auto model = rules::TextModel::load_file(path("out.model"), error);
  ASSERT_TRUE(model) << error;
  EXPECT_GT(rules::complaint_score(*model, "still waiting for my refund, the parcel never arrived"), 0.5);
  EXPECT_LT(rules::complaint_score(*model, "thank you, lovely staff"), 0.5);
}

TEST_F(ModelCommands, TrainsMultiClassOnJsonlAndSkipsEmptyLabels) {
  const auto r = train(kFixtures + "issue_types.jsonl", "issue");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("trained on 15 examples"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skipped 1 rows with an empty label"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  app: 5\n  billing: 5\n  delivery: 5\n"), std::string::npos) << r.out;
  std::string error;
  const auto model = rules::TextModel::load_file(path("out.model"), error);
  ASSERT_TRUE(model) << error;
  const auto p = model->predict("the courier lost my parcel");
  EXPECT_GT(p[*model->label_index("delivery")], p[*model->label_index("billing")]);
  EXPECT_GT(p[*model->label_index("delivery")], p[*model->label_index("app")]);
}

TEST_F(ModelCommands, CsvQuotingCommasLineBreaksCrlfAndBom) {
  const std::string csv =
      "\xEF\xBB\xBFtext,label\r\n"
      "\"refund, please\",yes\r\n"
      "\"a \"\"quoted\"\" word\nacross\r\nlines\",no\r\n"
      "\r\n"
      "plain text,yes\r\n"
      "\"\",no\r\n"
      "last row without line break,yes";
  const auto r = train(write("edge.csv", csv));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("trained on 5 examples"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  no: 2\n  yes: 3\n"), std::string::npos) << r.out;
}

TEST_F(ModelCommands, CsvErrorsNameFileLineAndField) {
  // The record on line 4 has a line break inside quotes, so the short record is on line 6.
  const auto file = write("bad.csv", "id,text,label\n1,fine,a\n2,also fine,b\n3,\"two\nlines\",a\n4,short\n");
  auto r = train(file);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(file + " line 6: 2 fields, the header has 3"), std::string::npos) << r.err;

  r = train(write("unclosed.csv", "text,label\nok,a\n\"never closed,b\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("line 3: quoted field is not closed"), std::string::npos) << r.err;

  r = train(write("after_quote.csv", "text,label\n\"quoted\"x,a\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("line 2: unexpected character after a closing quote in field 1"), std::string::npos) << r.err;

  r = train(write("stray_quote.csv", "text,label\nsay \"hi\",a\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("line 2: a quote inside unquoted field 1"), std::string::npos) << r.err;

  r = train(kFixtures + "complaints_small.csv", "category");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("complaints_small.csv line 1: the header has no column \"category\" (columns: id, text, label, channel)"),
            std::string::npos)
      << r.err;

  r = train(kFixtures + "complaints_small.csv", "label", "body");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no column \"body\""), std::string::npos) << r.err;

  r = train(write("empty.csv", ""));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("empty file"), std::string::npos) << r.err;

  r = train(path("missing.csv"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot read " + path("missing.csv")), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("out.model")));
}

TEST_F(ModelCommands, JsonlErrorsNameFileLineAndField) {
  auto r = train(write("a.jsonl", "{\"text\": \"ok\", \"label\": \"a\"}\n\n{\"text\": \"no label\"}\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("a.jsonl line 3: no field \"label\""), std::string::npos) << r.err;

  r = train(write("b.jsonl", "{\"text\": \"ok\", \"label\": \"a\"}\n{\"text\": \"broken\", \n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("b.jsonl line 2: invalid JSON"), std::string::npos) << r.err;

  r = train(write("c.jsonl", "{\"text\": 5, \"label\": \"a\"}\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("c.jsonl line 1: field \"text\" is not a string"), std::string::npos) << r.err;

  r = train(write("d.jsonl", "[1, 2]\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("d.jsonl line 1: expected a JSON object"), std::string::npos) << r.err;

  r = train(write("e.jsonl", "{\"text\": \"x\", \"label\": {\"a\": 1}}\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("e.jsonl line 1: field \"label\" must be a string"), std::string::npos) << r.err;

  // Integer and boolean labels become text.
  r = train(write("f.jsonl", "{\"text\": \"refund now\", \"label\": 1}\n{\"text\": \"thanks\", \"label\": 0}\n"
                             "{\"text\": \"great\", \"label\": false}\n"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("  0: 1\n  1: 1\n  false: 1\n"), std::string::npos) << r.out;
}

TEST_F(ModelCommands, TrainNeedsTwoLabelsAndAnOutput) {
  auto r = train(write("one.csv", "text,label\na,x\nb,x\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("one.csv"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at least two different labels"), std::string::npos) << r.err;

  TrainCommandOptions o;
  o.data = kFixtures + "complaints_small.csv";
  r = train(o);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
}

TEST_F(ModelCommands, EvalOfAModelOnAHandMadeSet) {
  ASSERT_EQ(train(kFixtures + "complaints_small.csv").status, 0);
  // Texts the model was trained on (so its predictions are known), with one deliberately wrong
  // label: 3 true complaints, the model says complaint for 2 of them; 1 true non-complaint.
  //   confusion (rows true 0, 1):  [1 0]
  //                                [1 2]
  //   accuracy 3/4; label 0: precision 1/2, recall 1, F1 2/3; label 1: precision 1, recall 2/3,
  //   F1 4/5; macro-F1 (2/3 + 4/5) / 2 = 0.7333
  const auto data = write("hand.csv",
                          "text,label\n"
                          "\"still waiting for my refund, three weeks now\",1\n"
                          "\"charged twice for one order, please fix this\",1\n"
                          "thank you for the quick reply,1\n"
                          "do you ship to canada?,0\n");
  EvalCommandOptions o;
  o.data = data;
  o.model = path("out.model");
  const auto r = eval(o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("4 examples, 2 labels"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("accuracy  0.7500\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("macro-F1  0.7333\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0     0.5000     1.0000     0.6667     1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1     1.0000     0.6667     0.8000     3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0           1      0\n1           1      2\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("elapsed "), std::string::npos) << r.out;
}

TEST_F(ModelCommands, EvalCountsLabelsTheModelDoesNotKnowAsErrors) {
  ASSERT_EQ(train(kFixtures + "complaints_small.csv").status, 0);
  EvalCommandOptions o;
  o.data = write("other.csv", "text,label\nthank you for the quick reply,0\ndo you ship to canada?,maybe\n");
  o.model = path("out.model");
  const auto r = eval(o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("label \"maybe\" is not one the model knows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("accuracy  0.5000"), std::string::npos) << r.out;
}

TEST_F(ModelCommands, CrossValidationTestsEveryRowOnce) {
  EvalCommandOptions o;
  o.data = kFixtures + "complaints_small.csv";
  o.folds = 3;
  const auto r = eval(o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("3-fold stratified cross-validation"), std::string::npos) << r.out;
  // Supports add up to every row: 15 + 15.
  EXPECT_NE(r.out.find(" 15\n1 "), std::string::npos) << r.out;
  const auto again = eval(o);
  auto strip_elapsed = [](const std::string& s) { return s.substr(0, s.find("elapsed")); };
  EXPECT_EQ(strip_elapsed(again.out), strip_elapsed(r.out));  // deterministic with the seed

  EvalCommandOptions multi;
  multi.data = kFixtures + "issue_types.jsonl";
  multi.label_field = "issue";
  multi.folds = 5;
  const auto m = eval(multi);
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_NE(m.out.find("15 examples, 3 labels"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("delivery"), std::string::npos) << m.out;
}

TEST_F(ModelCommands, RareLabelsAreLeftOutAndNamed) {
  const std::string jsonl =
      "{\"text\": \"the parcel is late\", \"issue\": \"delivery\"}\n"
      "{\"text\": \"courier lost my parcel\", \"issue\": \"delivery\"}\n"
      "{\"text\": \"parcel went to the wrong house\", \"issue\": \"delivery\"}\n"
      "{\"text\": \"charged twice\", \"issue\": \"billing\"}\n"
      "{\"text\": \"the bill is wrong\", \"issue\": \"billing\"}\n"
      "{\"text\": \"refund the fee\", \"issue\": \"billing\"}\n"
      "{\"text\": \"great flight\", \"issue\": \"good flight\"}\n";
  const auto data = write("issues.jsonl", jsonl);
  TrainCommandOptions t;
  t.data = data;
  t.label_field = "issue";
  t.out = path("issues.model");
  t.min_label_count = 2;
  const auto r = train(t);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("trained on 6 examples"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skipped 1 rows of 1 labels with fewer than 2 examples: \"good flight\" (1)"),
            std::string::npos)
      << r.out;
  std::string error;
  const auto model = rules::TextModel::load_file(path("issues.model"), error);
  ASSERT_TRUE(model) << error;
  EXPECT_EQ(model->labels(), (std::vector<std::string>{"billing", "delivery"}));

  EvalCommandOptions e;
  e.data = data;
  e.label_field = "issue";
  e.folds = 3;
  e.min_label_count = 2;
  const auto m = eval(e);
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_NE(m.out.find("6 examples, 2 labels"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("\"good flight\" (1)"), std::string::npos) << m.out;
  // Without the option every label stays.
  e.min_label_count = 1;
  const auto all = eval(e);
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_NE(all.out.find("7 examples, 3 labels"), std::string::npos) << all.out;
}

TEST_F(ModelCommands, TrainingKnobsReachTheModel) {
  TrainCommandOptions t;
  t.data = kFixtures + "complaints_small.csv";
  t.out = path("knobs.model");
  t.training.char_min = 3;
  t.training.char_max = 5;
  t.training.char_weight = 0.5;
  const auto r = train(t);
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream f(path("knobs.model"));
  std::string first, second;
  std::getline(f, first);
  std::getline(f, second);
  EXPECT_EQ(second, "features char=3-5 char_weight=0.5");
  // A stronger regularisation gives a less confident model.
  t.training = {};
  t.training.c = 0.01;
  t.out = path("weak.model");
  ASSERT_EQ(train(t).status, 0);
  t.training.c = 100;
  t.out = path("strong.model");
  ASSERT_EQ(train(t).status, 0);
  std::string error;
  const auto weak = rules::TextModel::load_file(path("weak.model"), error);
  const auto strong = rules::TextModel::load_file(path("strong.model"), error);
  ASSERT_TRUE(weak && strong) << error;
  const std::string text = "still waiting for my refund, the parcel never arrived";
  EXPECT_GT(rules::complaint_score(*strong, text), rules::complaint_score(*weak, text));
}

TEST_F(ModelCommands, ThresholdMovesTheOperatingPoint) {
  ASSERT_EQ(train(kFixtures + "complaints_small.csv").status, 0);
  auto complaints_predicted = [&](double threshold) {
    EvalCommandOptions o;
    o.data = kFixtures + "complaints_small.csv";
    o.model = path("out.model");
    o.threshold = threshold;
    const auto r = eval(o);
    EXPECT_EQ(r.status, 0) << r.err;
    // The confusion matrix's column "1": the rows "0 a b" and "1 c d" hold b + d.
    std::istringstream in(r.out.substr(r.out.find("confusion matrix")));
    std::string line;
    size_t total = 0;
    while (std::getline(in, line)) {
      std::istringstream row(line);
      std::string label;
      size_t a = 0, b = 0;
      if (row >> label >> a >> b && (label == "0" || label == "1")) total += b;
    }
    if (threshold > 0) {
      EXPECT_NE(r.out.find("positive label from probability >= "), std::string::npos) << r.out;
    }
    return total;
  };
  const size_t low = complaints_predicted(0.01), plain = complaints_predicted(0), high = complaints_predicted(0.99);
  EXPECT_EQ(low, 30u) << "every row reaches 0.01";
  EXPECT_EQ(high, 0u) << "no row reaches 0.99 on so little data";
  EXPECT_GT(plain, high);
  EXPECT_LT(plain, low);

  EvalCommandOptions multi;
  multi.data = kFixtures + "issue_types.jsonl";
  multi.label_field = "issue";
  multi.folds = 3;
  multi.threshold = 0.5;
  const auto m = eval(multi);
  EXPECT_EQ(m.status, 2);
  EXPECT_NE(m.err.find("--threshold applies to two-label models"), std::string::npos) << m.err;
  EXPECT_NE(m.err.find("3 labels"), std::string::npos) << m.err;
}

TEST_F(ModelCommands, SweepShowsEveryThreshold) {
  EvalCommandOptions o;
  o.data = kFixtures + "complaints_small.csv";
  o.folds = 3;
  o.sweep = true;
  const auto r = eval(o);
  ASSERT_EQ(r.status, 0) << r.err;
  const size_t table = r.out.find("threshold sweep (label \"1\" when its probability >= threshold)");
  ASSERT_NE(table, std::string::npos) << r.out;
  std::istringstream in(r.out.substr(table));
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  EXPECT_EQ(line.rfind("threshold  precision  recall", 0), 0u) << line;
  std::vector<double> recall;
  std::string macro_at_half;
  for (int t = 1; t <= 9; ++t) {
    ASSERT_TRUE(std::getline(in, line));
    std::istringstream row(line);
    double threshold = 0, p = 0, rc = 0, f1 = 0;
    std::string macro;
    ASSERT_TRUE(row >> threshold >> p >> rc >> f1 >> macro) << line;
    EXPECT_NEAR(threshold, t / 10.0, 1e-9);
    recall.push_back(rc);
    if (t == 5) macro_at_half = macro;
  }
  for (size_t k = 1; k < recall.size(); ++k) EXPECT_LE(recall[k], recall[k - 1]) << "recall falls as the threshold rises";
  // At 0.5 the sweep agrees with the most-probable-label figures above it.
  EXPECT_NE(r.out.find("macro-F1  " + macro_at_half), std::string::npos) << r.out;

  EvalCommandOptions multi;
  multi.data = kFixtures + "issue_types.jsonl";
  multi.label_field = "issue";
  multi.folds = 3;
  multi.sweep = true;
  const auto m = eval(multi);
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_NE(m.out.find("no threshold sweep: it needs a two-label model"), std::string::npos) << m.out;
}

TEST_F(ModelCommands, EvalErrors) {
  EvalCommandOptions o;
  o.data = write("one.csv", "text,label\na,x\nb,x\nc,x\n");
  o.folds = 2;
  auto r = eval(o);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("at least two different labels"), std::string::npos) << r.err;

  o.data = write("few.csv", "text,label\na,x\nb,y\n");
  o.folds = 5;
  r = eval(o);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot make 5 folds"), std::string::npos) << r.err;

  o.folds = 0;
  o.model = path("no.model");
  r = eval(o);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(path("no.model")), std::string::npos) << r.err;
}

TEST_F(ModelCommands, EvalUsesTheBuiltinComplaintModel) {
  EvalCommandOptions o;
  o.data = kFixtures + "complaints_small.csv";
  const auto r = eval(o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("the built-in complaint model"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("30 examples, 2 labels"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace carewatch
