#include "daemon/classify_command.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <sstream>
#include <string>
#include <vector>

namespace carewatch {
namespace {

std::shared_ptr<const RuleSet> test_rules() {
  std::string error;
  auto rules = RuleSet::load_json(R"({
    "default": {"category": "unknown", "priority": 3, "queue": "care"},
    "rules": [
      {"name": "refund", "when": {"keywords": ["refund"]},
       "then": {"category": "complaint", "priority": 1, "queue": "care", "tags": ["refund"]}},
      {"name": "big", "when": {"field": "author.followers", "gte": 50000}, "then": {"escalate": 1, "tags": ["reach"]}},
      {"name": "fire", "when": {"regex": "🔥"}, "then": {"category": "praise", "queue": "engagement"}},
      {"name": "rest", "when": {"category": "unknown"}, "then": {"category": "engagement", "queue": ""}}
    ]})",
                                  "test", error);
  EXPECT_TRUE(rules) << error;
  return rules;
}

struct ClassifyRun {
  int status;
  std::vector<std::string> out;
  std::string err;
};

ClassifyRun classify(const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err;
  ClassifyRun r;
  r.status = run_classify(in, out, err, *test_rules());
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) r.out.push_back(line);
  r.err = err.str();
  return r;
}

rapidjson::Document parse(const std::string& line) {
  rapidjson::Document d;
  d.Parse(line.data(), line.size());
  EXPECT_FALSE(d.HasParseError()) << line;
  EXPECT_TRUE(d.IsObject()) << line;
  return d;
}

TEST(ClassifyCommand, WritesOneDecisionPerMention) {
  ClassifyRun r = classify(
      R"({"id": "1", "text": "I want a REFUND", "platform": "x", "author": {"handle": "ana", "followers": 120}})"
      "\n"
      R"({"id": 2, "text": "refund please", "author": {"followers": 90000}})"
      "\n"
      R"({"uid": "mastodon:77", "text": "nice weather"})"
      "\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  ASSERT_EQ(r.out.size(), 3u);
  EXPECT_EQ(r.out[0],
            R"({"id":"1","category":"complaint","priority":1,"queue":"care","tags":["refund"],"rules":["refund"]})");
  EXPECT_EQ(r.out[1],
            R"({"id":"2","category":"complaint","priority":0,"queue":"care","tags":["refund","reach"],"rules":["refund","big"]})");
  EXPECT_EQ(r.out[2],
            R"({"id":"77","category":"engagement","priority":3,"queue":"","tags":[],"rules":["rest"]})");
}

TEST(ClassifyCommand, BadLinesAreReportedAndProcessingContinues) {
  ClassifyRun r = classify(
      "{\"id\": \"a\", \"text\": \"refund\"}\n"
      "not json at all\n"
      "{\"id\": \"b\", \"txt\": \"typo\"}\n"
      "{\"id\": 7, \"text\": \"x\", \"author\": {\"followers\": \"many\"}}\n"
      "[1, 2]\n"
      "{\"id\": \"c\", \"text\": \"ok\"}\n");
  EXPECT_EQ(r.status, 1);
  ASSERT_EQ(r.out.size(), 6u);
  EXPECT_EQ(parse(r.out[0])["category"].GetString(), std::string("complaint"));

  EXPECT_EQ(r.out[1], R"({"id":null,"error":"invalid JSON at offset 1: Invalid value."})");

  EXPECT_EQ(r.out[2], R"({"id":"b","error":"text: expected a string"})");
  EXPECT_EQ(r.out[3], R"({"id":"7","error":"author.followers: expected an integer"})");
  EXPECT_EQ(r.out[4], R"({"id":null,"error":"expected a JSON object"})");
  EXPECT_EQ(parse(r.out[5])["id"].GetString(), std::string("c"));

  std::istringstream errs(r.err);
  std::vector<std::string> err_lines;
  for (std::string line; std::getline(errs, line);) err_lines.push_back(line);
  ASSERT_EQ(err_lines.size(), 4u);
  EXPECT_EQ(err_lines[0], "line 2: invalid JSON at offset 1: Invalid value.");
  EXPECT_EQ(err_lines[1], "line 3: text: expected a string");
  EXPECT_EQ(err_lines[2], "line 4: author.followers: expected an integer");
  EXPECT_EQ(err_lines[3], "line 5: expected a JSON object");
}

TEST(ClassifyCommand, SkipsBlankLinesAndHandlesCrlfAndMissingFinalNewline) {
  ClassifyRun r = classify("\n  \r\n{\"id\": \"1\", \"text\": \"refund\"}\r\n\n{\"id\": \"2\", \"text\": \"hi\"}");
  EXPECT_EQ(r.status, 0);
  ASSERT_EQ(r.out.size(), 2u);
  EXPECT_EQ(parse(r.out[0])["id"].GetString(), std::string("1"));
  EXPECT_EQ(parse(r.out[1])["id"].GetString(), std::string("2"));
}

TEST(ClassifyCommand, EmptyInputWritesNothing) {
  ClassifyRun r = classify("");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.out.empty());
}

TEST(ClassifyCommand, OddTextsAllGetADecision) {
  const std::string huge(100 * 1024, 'a');
  std::string huge_with_word = std::string(50 * 1024, 'x') + " refund " + std::string(50 * 1024, 'y');
  ClassifyRun r = classify(
      "{\"id\": \"empty\", \"text\": \"\"}\n"
      "{\"id\": \"utf8\", \"text\": \"refund \xFF\xFE\xC3 broken\"}\n"
      "{\"id\": \"huge\", \"text\": \"" + huge + "\"}\n"
      "{\"id\": \"huge-word\", \"text\": \"" + huge_with_word + "\"}\n"
      "{\"id\": \"emoji\", \"text\": \"🔥🔥🔥\"}\n"
      "{\"id\": \"escapes\", \"text\": \"\\u0000refund\\n\\ud83d\\udd25\"}\n");
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.out.size(), 6u);
  const char* expected[][2] = {{"empty", "engagement"}, {"utf8", "complaint"},   {"huge", "engagement"},
                               {"huge-word", "complaint"}, {"emoji", "praise"}, {"escapes", "praise"}};
  for (size_t i = 0; i < 6; ++i) {
    auto d = parse(r.out[i]);
    EXPECT_EQ(d["id"].GetString(), std::string(expected[i][0]));
    EXPECT_EQ(d["category"].GetString(), std::string(expected[i][1])) << r.out[i];
  }
  // "\u0000refund" is one token after the NUL separator: refund fires, then the emoji.
  auto escapes = parse(r.out[5]);
  EXPECT_EQ(escapes["rules"].Size(), 2u);
}

TEST(ClassifyCommand, OutputIsValidJsonEvenForHostileIds) {
  ClassifyRun r = classify(R"({"id": "a\"b\\c</script>", "text": "refund"})" "\n");
  ASSERT_EQ(r.out.size(), 1u);
  auto d = parse(r.out[0]);
  EXPECT_EQ(d["id"].GetString(), std::string("a\"b\\c</script>"));
}

}  // namespace
}  // namespace carewatch
