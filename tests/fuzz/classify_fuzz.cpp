// Fuzz target: arbitrary bytes as a mention — as its text, and as JSONL input to
// `carewatch classify` — through the default rules, language detection and (when built in)
// sentiment and the complaint model. Checks the invariants the rest of carewatch relies on.
#include <rapidjson/document.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "daemon/cli/classify_command.h"
#include "mention/mention_json.h"
#include "rules/default_rules.h"
#include "rules/language_detector.h"
#include "tests/fuzz/fuzz_check.h"
#ifdef CAREWATCH_FUZZ_SENTIMENT
#include "rules/sentiment.h"
#endif
#ifdef CAREWATCH_FUZZ_MODEL
#include "rules/text_model.h"
#endif

namespace {

using namespace carewatch;

void check_decision(const Decision& d) {
  CW_FUZZ_CHECK(d.priority >= 0 && d.priority <= 3, "priority out of range");
  CW_FUZZ_CHECK(to_string(d.category) != nullptr, "category has no name");
  if (d.category == Category::ignore) CW_FUZZ_CHECK(d.queue.empty(), "ignored mention routed");
}

void check_language(const rules::DetectedLanguage& l) {
  CW_FUZZ_CHECK(l.percent >= 0 && l.percent <= 100, "language percent out of range");
  for (char c : l.code) {
    CW_FUZZ_CHECK((c >= 'a' && c <= 'z') || c == '-', "language code not lower-case ASCII");
  }
  if (l.code.empty()) CW_FUZZ_CHECK(!l.reliable && l.percent == 0, "unknown language with a verdict");
}

bool in_unit(double x) { return std::isfinite(x) && x >= 0 && x <= 1; }

void score_text(std::string_view text, std::string_view hint) {
  check_language(rules::detect_language(text, hint));
#ifdef CAREWATCH_FUZZ_SENTIMENT
  static const auto analyzer = rules::SentimentAnalyzer::builtin();
  const rules::Sentiment s = analyzer->score(text);
  CW_FUZZ_CHECK(std::isfinite(s.compound) && s.compound >= -1 && s.compound <= 1,
                "compound outside [-1, 1]");
  CW_FUZZ_CHECK(in_unit(s.pos) && in_unit(s.neu) && in_unit(s.neg), "proportion outside [0, 1]");
  const double sum = s.pos + s.neu + s.neg;
  CW_FUZZ_CHECK(sum == 0 || std::fabs(sum - 1) < 1e-6, "proportions do not sum to 1");
#endif
#ifdef CAREWATCH_FUZZ_MODEL
  static const auto model = rules::builtin_complaint_model();
  const std::vector<double> p = model->predict(text);
  CW_FUZZ_CHECK(p.size() == model->labels().size(), "one probability per label");
  double total = 0;
  for (double x : p) {
    CW_FUZZ_CHECK(in_unit(x), "probability outside [0, 1]");
    total += x;
  }
  CW_FUZZ_CHECK(std::fabs(total - 1) < 1e-6, "probabilities do not sum to 1");
  CW_FUZZ_CHECK(in_unit(rules::complaint_score(*model, text)), "complaint score outside [0, 1]");
  if (!p.empty()) (void)model->explain(text, 0, 5);
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto ruleset = default_rules();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // 1. The bytes as the text of a mention (the first few bytes double as the platform's
  //    language tag, which is untrusted too).
  Mention m;
  m.platform = "x";
  m.text = std::string(bytes);
  m.language = std::string(bytes.substr(0, 5));
  check_decision(ruleset->decide(m));
  score_text(bytes, {});
  score_text(bytes, m.language);

  // 2. The bytes as one mention in carewatch's JSON format.
  Mention parsed;
  std::string error;
  if (parse_mention(bytes, parsed, error)) {
    check_decision(ruleset->decide(parsed));
    score_text(parsed.text, parsed.language);
    (void)to_json(parsed);
  } else {
    CW_FUZZ_CHECK(!error.empty(), "parse failure without a message");
  }

  // 3. The bytes as JSONL input to `carewatch classify`: every output line is a JSON object.
  std::istringstream in{std::string(bytes)};
  std::ostringstream out, err;
  const int rc = run_classify(in, out, err, *ruleset);
  CW_FUZZ_CHECK(rc == 0 || rc == 1, "classify exit code");
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    CW_FUZZ_CHECK(!doc.HasParseError() && doc.IsObject(), "classify wrote a line that is not JSON");
    CW_FUZZ_CHECK(doc.HasMember("id"), "classify output without an id");
  }
  return 0;
}
