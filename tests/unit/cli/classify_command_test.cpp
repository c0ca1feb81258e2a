#include "daemon/cli/classify_command.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cstdio>
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
  const char* want[][4] = {{"1", "complaint", "1", "care"}, {"2", "complaint", "0", "care"}, {"77", "engagement", "3", ""}};
  const std::vector<std::vector<std::string>> want_tags = {{"refund"}, {"refund", "reach"}, {}};
  const std::vector<std::vector<std::string>> want_rules = {{"refund"}, {"refund", "big"}, {"rest"}};
  for (size_t i = 0; i < 3; ++i) {
    auto d = parse(r.out[i]);
    EXPECT_EQ(d["id"].GetString(), std::string(want[i][0]));
    EXPECT_EQ(d["category"].GetString(), std::string(want[i][1]));
    EXPECT_EQ(d["priority"].GetInt(), std::stoi(want[i][2]));
    EXPECT_EQ(d["queue"].GetString(), std::string(want[i][3]));
    std::vector<std::string> tags, rules;
    for (const auto& t : d["tags"].GetArray()) tags.emplace_back(t.GetString());
    for (const auto& t : d["rules"].GetArray()) rules.emplace_back(t.GetString());
    EXPECT_EQ(tags, want_tags[i]);
    EXPECT_EQ(rules, want_rules[i]);
  }
}

// Every decision line carries the scores and the explanation, in this shape.
TEST(ClassifyCommand, OutputShapeHasScoresAndExplanation) {
  ClassifyRun r = classify(
      R"({"id": "1", "text": "Worst airline ever: flight cancelled, no refund after three weeks, nobody answers. Terrible."})"
      "\n");
  ASSERT_EQ(r.out.size(), 1u);
  auto d = parse(r.out[0]);
  std::vector<std::string> keys;
  for (const auto& m : d.GetObject()) keys.emplace_back(m.name.GetString());
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "category", "priority", "queue", "tags", "rules", "sentiment",
                                            "complaint_score", "language", "explain"}));
  ASSERT_TRUE(d["sentiment"].IsObject());
  for (const char* k : {"compound", "pos", "neu", "neg"}) EXPECT_TRUE(d["sentiment"][k].IsNumber()) << k;
  EXPECT_LT(d["sentiment"]["compound"].GetDouble(), -0.3);
  EXPECT_GT(d["complaint_score"].GetDouble(), 0.5);
  EXPECT_EQ(d["language"].GetString(), std::string("en"));
  const auto& ex = d["explain"];
  ASSERT_TRUE(ex.IsObject());
  ASSERT_TRUE(ex["rules"].IsArray());
  EXPECT_EQ(ex["rules"].Size(), 1u);
  EXPECT_EQ(ex["rules"][0].GetString(), std::string("refund"));
  EXPECT_EQ(ex["base_category"].GetString(), std::string("complaint"));
  ASSERT_TRUE(ex["scores"].IsObject());
  EXPECT_DOUBLE_EQ(ex["scores"]["complaint_score"].GetDouble(), d["complaint_score"].GetDouble());
  EXPECT_DOUBLE_EQ(ex["scores"]["sentiment.compound"].GetDouble(), d["sentiment"]["compound"].GetDouble());
  EXPECT_FALSE(ex["scores"].HasMember("priority"));  // these rules have no priority formula
  ASSERT_TRUE(ex["complaint_words"].IsArray());
  ASSERT_GE(ex["complaint_words"].Size(), 1u);
  EXPECT_LE(ex["complaint_words"].Size(), 5u);
  for (const auto& w : ex["complaint_words"].GetArray()) {
    EXPECT_TRUE(w["feature"].IsString());
    EXPECT_GT(w["weight"].GetDouble(), 0.0);
  }
}

TEST(ClassifyCommand, PriorityFormulaPartsAreExplained) {
  std::string error;
  auto rules = RuleSet::load_json(R"({"priority": {"weights": {"complaint": 0, "negative": 0, "reach": 1,
      "verified": 0, "urgent": 0}, "thresholds": {"p0": 3, "p1": 2, "p2": 0.5}}, "rules": []})",
                                  "test", error);
  ASSERT_TRUE(rules) << error;
  std::istringstream in(R"({"id": "1", "text": "hi", "author": {"followers": 999}})" "\n");
  std::ostringstream out, err;
  EXPECT_EQ(run_classify(in, out, err, *rules), 0);
  auto d = parse(out.str());
  EXPECT_EQ(d["priority"].GetInt(), 2);
  const auto& p = d["explain"]["scores"]["priority"];
  ASSERT_TRUE(p.IsObject()) << out.str();
  EXPECT_DOUBLE_EQ(p["score"].GetDouble(), 0.5);
  EXPECT_DOUBLE_EQ(p["reach"].GetDouble(), 0.5);
  EXPECT_DOUBLE_EQ(p["complaint"].GetDouble(), 0.0);
  EXPECT_EQ(p["formula"].GetInt(), 2);
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

// Untrusted text: control characters, invalid UTF-8 and emoji only still give a decision with
// scores, and the output stays valid UTF-8 JSON.
TEST(ClassifyCommand, HostileTextsGetScoredDecisionsInValidUtf8) {
  std::string controls = "{\"id\": \"ctl\", \"text\": \"";
  for (int c = 1; c < 32; ++c) {
    char esc[8];
    std::snprintf(esc, sizeof esc, "\\u%04x", c);
    controls += esc;
  }
  controls += "refund\"}\n";
  ClassifyRun r = classify(controls +
                           "{\"id\": \"bad\", \"text\": \"refund \xC0\xAF\xED\xA0\x80 \xF8\x88\x80\x80\x80 money \xFF\"}\n"
                           "{\"id\": \"emoji\", \"text\": \"😡😡😡\"}\n"
                           "{\"id\": \"blank\", \"text\": \"   \"}\n");
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.out.size(), 4u);
  for (const auto& line : r.out) {
    rapidjson::Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
    ASSERT_FALSE(d.HasParseError()) << line;
    EXPECT_TRUE(d["sentiment"].IsObject()) << line;
    EXPECT_TRUE(d["complaint_score"].IsNumber()) << line;
    EXPECT_TRUE(d["explain"]["complaint_words"].IsArray()) << line;
  }
}

// Counts how often the stream is flushed.
class CountingBuf : public std::stringbuf {
 public:
  int syncs = 0;

 protected:
  int sync() override {
    ++syncs;
    return std::stringbuf::sync();
  }
};

TEST(ClassifyCommand, FlushesEachLineOnlyWhenAsked) {
  const std::string input = "{\"id\": \"1\", \"text\": \"a\"}\n{\"id\": \"2\", \"text\": \"b\"}\n{\"id\": \"3\", \"text\": \"c\"}\n";
  for (bool each : {false, true}) {
    std::istringstream in(input);
    CountingBuf buf;
    std::ostream out(&buf);
    std::ostringstream err;
    ClassifyOptions options;
    options.flush_each_line = each;
    EXPECT_EQ(run_classify(in, out, err, *test_rules(), options), 0);
    EXPECT_EQ(buf.syncs, each ? 4 : 1) << "flush_each_line " << each;  // + the final flush
    const std::string written = buf.str();
    EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 3);
  }
  // A stream that is not standard output is never flushed per line.
  std::istringstream in(input);
  CountingBuf buf;
  std::ostream out(&buf);
  std::ostringstream err;
  EXPECT_EQ(run_classify(in, out, err, *test_rules()), 0);
  EXPECT_EQ(buf.syncs, 1);
}

TEST(ClassifyCommand, ReadsLongInputsAcrossBlocks) {
  // Many lines, some longer than the reader's block, all decided in order.
  std::string input;
  const std::string long_text(200 * 1024, 'z');
  for (int i = 0; i < 300; ++i) {
    input += "{\"id\": \"" + std::to_string(i) + "\", \"text\": \"" + (i % 100 == 7 ? long_text : "refund") + "\"}\n";
  }
  ClassifyRun r = classify(input);
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.out.size(), 300u);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(parse(r.out[i])["id"].GetString(), std::to_string(i));
}

}  // namespace
}  // namespace carewatch
