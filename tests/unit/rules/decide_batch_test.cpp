// RuleSet::decide of a batch makes each decision stage by stage across the batch; these tests
// hold it to decide() of one mention at a time, field for field (the decision's JSON), over the
// bundled sample mentions, hostile texts and a rules file with every kind of condition and an
// extra model, in batches of many sizes.
#include <gtest/gtest.h>

#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "mention/mention_json.h"
#include "rules/default_rules.h"
#include "rules/rule_set.h"
#include "rules/text_model.h"
#include "tests/support/issue_examples.h"
#include "tests/support/temp_dir.h"

namespace carewatch {
namespace {

std::vector<Mention> sample_mentions() {
  std::vector<Mention> out;
  std::ifstream in(std::string(CAREWATCH_SOURCE_DIR) + "/config/samples/mentions.jsonl");
  std::string line, error;
  while (std::getline(in, line)) {
    Mention m;
    if (parse_mention(line, m, error)) out.push_back(std::move(m));
  }
  EXPECT_GT(out.size(), 200u);
  // Hostile texts among them: each gets a decision in a batch as alone.
  for (std::string text : {std::string(), std::string("\xff\xfe invalid \xc3"), std::string("😡😡😡"),
                           std::string("ctrl\x01\x02\x7f chars\n\t"), std::string(100 * 1024, 'a'),
                           std::string(70 * 1024, ' ') + "refund now!!"}) {
    Mention m;
    m.uid = "x:" + std::to_string(out.size());
    m.platform = "x";
    m.text = std::move(text);
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(out.size() / 2), std::move(m));
  }
  return out;
}

std::string json_of(const Decision& d) {
  std::string out;
  append_decision_json("id", true, d, out);
  return out;
}

// Every batch size given, over all of `mentions`: the same decisions as one at a time.
void expect_batches_decide_alike(const RuleSet& rules, const std::vector<Mention>& mentions) {
  std::vector<std::string> alone;
  for (const Mention& m : mentions) alone.push_back(json_of(rules.decide(m)));
  for (size_t size : {size_t{1}, size_t{7}, size_t{32}, size_t{33}, mentions.size()}) {
    for (size_t start = 0; start < mentions.size(); start += size) {
      const size_t n = std::min(size, mentions.size() - start);
      std::vector<const Mention*> batch;
      for (size_t i = 0; i < n; ++i) batch.push_back(&mentions[start + i]);
      std::vector<Decision> out(n);
      rules.decide(std::span<const Mention* const>(batch), std::span<Decision>(out));
      for (size_t i = 0; i < n; ++i)
        ASSERT_EQ(json_of(out[i]), alone[start + i]) << "batch size " << size << ", mention " << start + i;
    }
  }
}

TEST(DecideBatch, DefaultRulesDecideABatchAsEachAlone) {
  const auto rules = default_rules();
  ASSERT_TRUE(rules);
  expect_batches_decide_alike(*rules, sample_mentions());
}

TEST(DecideBatch, EveryKindOfConditionAndAnExtraModelDecideABatchAsEachAlone) {
  const std::vector<rules::Example> examples = testing::issue_examples();
  std::string error;
  auto model = rules::TextModel::train(examples, rules::TrainOptions{}, error);
  ASSERT_TRUE(model) << error;
  testing::TempDir dir;
  ASSERT_TRUE(model->save_file(dir.path("issue.model"), error)) << error;
  const std::string rules_path = dir.write("rules.json", R"({"models": {"issue": "issue.model"}, "rules": [
    {"name": "billing", "when": {"field": "model.issue.billing", "gte": 0.5}, "then": {"tags": ["billing"]}},
    {"name": "refund", "when": {"keywords": ["refund", "reembolso"]}, "then": {"queue": "refunds", "priority": 1}},
    {"name": "late", "when": {"phrases": ["still waiting", "flight delayed"]}, "then": {"tags": ["late"]}},
    {"name": "order", "when": {"regex": "order\\s*#?\\d{5,}"}, "then": {"tags": ["order"]}},
    {"name": "angry", "when": {"all": [{"field": "sentiment.compound", "lt": -0.3}, {"field": "complaint_score", "gte": 0.5}]},
     "then": {"escalate": 1}},
    {"name": "spanish", "when": {"language": "es"}, "then": {"queue": "es"}},
    {"name": "quiet", "when": {"not": {"platform": ["x"]}}, "then": {"tags": ["not-x"]}}
  ]})");
  const auto rules = RuleSet::load_file(rules_path, error);
  ASSERT_TRUE(rules) << error;
  expect_batches_decide_alike(*rules, sample_mentions());
}

}  // namespace
}  // namespace carewatch
