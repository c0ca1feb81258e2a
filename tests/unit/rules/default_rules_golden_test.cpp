// Golden tests for config/rules/default.json: every line of tests/fixtures/rules/golden/*.jsonl
// is {"mention": {...}, "expected": {category, priority, queue, tags, rules}}, and the decision
// must match exactly (tags and rules in order). "expected" may also hold relations on the scores
// (see check_scores).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mention/mention_json.h"
#include "rules/default_rules.h"
#include "rules/rule_set.h"

namespace carewatch {
namespace {

const std::filesystem::path kSource = CAREWATCH_SOURCE_DIR;

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

std::vector<std::string> strings(const rapidjson::Value& arr) {
  std::vector<std::string> out;
  for (const auto& s : arr.GetArray()) out.emplace_back(s.GetString(), s.GetStringLength());
  return out;
}

// Optional expectations on the scores, as relations rather than exact model outputs:
//   "base_category": "complaint", "language": "es",
//   "complaint_score": {"gt": 0.5}, "sentiment.compound": {"lt": -0.2, "gt": -1}
void check_scores(const rapidjson::Value& want, const Decision& d, const std::string& where) {
  if (auto b = want.FindMember("base_category"); b != want.MemberEnd()) {
    EXPECT_EQ(to_string(d.explain.base_category), std::string(b->value.GetString())) << where;
  }
  if (auto l = want.FindMember("language"); l != want.MemberEnd()) {
    EXPECT_EQ(d.language, std::string(l->value.GetString())) << where;
  }
  const std::pair<const char*, double> scores[] = {{"complaint_score", d.complaint_score},
                                                   {"sentiment.compound", d.sentiment.compound}};
  for (const auto& [key, actual] : scores) {
    auto it = want.FindMember(key);
    if (it == want.MemberEnd()) continue;
    if (auto gt = it->value.FindMember("gt"); gt != it->value.MemberEnd()) {
      EXPECT_GT(actual, gt->value.GetDouble()) << where << ": " << key;
    }
    if (auto lt = it->value.FindMember("lt"); lt != it->value.MemberEnd()) {
      EXPECT_LT(actual, lt->value.GetDouble()) << where << ": " << key;
    }
  }
}

std::shared_ptr<const RuleSet> file_rules() {
  std::string error;
  auto rules = RuleSet::load_file((kSource / "config/rules/default.json").string(), error);
  EXPECT_TRUE(rules) << error;
  return rules;
}

// The rule set built into the binary decides every sample mention exactly as the rules file in
// the source tree does (a build that embedded a stale or different file fails here), and it is
// loaded once for every caller.
TEST(DefaultRules, BuiltInSetDecidesAsTheRulesFile) {
  auto built_in = default_rules();
  auto file = file_rules();
  ASSERT_TRUE(built_in);
  ASSERT_TRUE(file);
  EXPECT_EQ(built_in.get(), default_rules().get());
  EXPECT_EQ(built_in->size(), file->size());
  std::istringstream samples(read(kSource / "config/samples/mentions.jsonl"));
  std::string line;
  size_t n = 0, queued = 0;
  while (std::getline(samples, line)) {
    if (line.empty()) continue;
    Mention m;
    std::string error;
    ASSERT_TRUE(parse_mention(line, m, error)) << "sample " << n + 1 << ": " << error;
    const Decision a = built_in->decide(m), b = file->decide(m);
    EXPECT_EQ(to_json(a), to_json(b)) << "sample " << n + 1;
    if (!a.queue.empty()) ++queued;
    ++n;
  }
  EXPECT_GE(n, 100u);
  EXPECT_GT(queued, 0u);  // the samples exercise routing, not only the fall-through
}

TEST(DefaultRules, GoldenDecisions) {
  auto rules = file_rules();
  ASSERT_TRUE(rules);
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(kSource / "tests/fixtures/rules/golden"))
    if (e.path().extension() == ".jsonl") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u);

  size_t cases = 0;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      const std::string where = file.filename().string() + ":" + std::to_string(n);
      rapidjson::Document doc;
      doc.Parse(line.data(), line.size());
      ASSERT_FALSE(doc.HasParseError()) << where;
      ASSERT_TRUE(doc.IsObject() && doc.HasMember("mention") && doc.HasMember("expected")) << where;
      Mention m;
      std::string error;
      ASSERT_TRUE(parse_mention(to_text(doc["mention"]), m, error)) << where << ": " << error;
      const Decision d = rules->decide(m);
      const auto& want = doc["expected"];
      EXPECT_EQ(to_string(d.category), std::string(want["category"].GetString())) << where << " " << m.text;
      EXPECT_EQ(d.priority, want["priority"].GetInt()) << where << " " << m.text;
      EXPECT_EQ(d.queue, std::string(want["queue"].GetString())) << where << " " << m.text;
      EXPECT_EQ(d.tags, strings(want["tags"])) << where << " " << m.text;
      EXPECT_EQ(d.rules, strings(want["rules"])) << where << " " << m.text;
      check_scores(want, d, where + " " + m.text);
      ++cases;
    }
  }
  EXPECT_GE(cases, 60u);
}

// Every category the default set routes ends in one of its three queues, or none.
TEST(DefaultRules, QueuesAreUrgentCareEngagementOrNone) {
  auto rules = default_rules();
  for (const char* text : {"refund", "outage", "how do I change my seat?", "love it", "hello", "free bitcoin giveaway"}) {
    Mention m;
    m.text = text;
    const Decision d = rules->decide(m);
    EXPECT_TRUE(d.queue == "" || d.queue == "urgent" || d.queue == "care" || d.queue == "engagement")
        << text << " → " << d.queue;
    EXPECT_NE(d.category, Category::unknown) << text;
  }
}

}  // namespace
}  // namespace carewatch
