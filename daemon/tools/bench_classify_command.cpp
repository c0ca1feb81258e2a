#include "daemon/tools/bench_classify_command.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <sstream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/replay/synthetic_mentions.h"
#include "mention/mention_json.h"
#include "rules/default_rules.h"
#include "rules/language_detector.h"
#include "rules/rule_set.h"
#include "rules/sentiment.h"
#include "rules/text_model.h"

namespace carewatch {

extern const char* const kVaderLexicon;

namespace {

using Clock = std::chrono::steady_clock;

// Distinct texts at most; longer runs cycle through them (the text mix stays the same, and the
// inputs do not dominate memory).
constexpr size_t kMaxDistinct = 50000;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // KiB on Linux
}

std::vector<Mention> make_mentions(size_t count, std::string& error) {
  std::stringstream jsonl;
  write_synthetic_mentions(jsonl, count, 1);
  std::vector<Mention> out;
  out.reserve(count);
  std::string line;
  while (std::getline(jsonl, line)) {
    Mention m;
    if (!parse_mention(line, m, error)) {
      error = "synthetic mention " + std::to_string(out.size() + 1) + ": " + error;
      return {};
    }
    // One text a line for the NLTK run; the same texts are scored on both sides.
    std::replace(m.text.begin(), m.text.end(), '\n', ' ');
    std::replace(m.text.begin(), m.text.end(), '\r', ' ');
    m.raw.clear();
    out.push_back(std::move(m));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A rule set of N rules: the default rules, then generated keyword / phrase / regex rules of
// the kinds a care team writes (product names, campaign tags, order-number patterns), most of
// which do not fire on a given mention, as in a real rules file.

constexpr const char* kWords[] = {
    "refund", "delayed", "cancelled", "luggage", "baggage", "suitcase", "gate", "boarding",
    "seat", "upgrade", "lounge", "miles", "points", "app", "login", "password", "crash",
    "update", "checkout", "payment", "charged", "twice", "invoice", "receipt", "voucher",
    "crew", "pilot", "meal", "wifi", "legroom", "rebooking", "connection", "tarmac", "weather",
    "strike", "compensation", "claim", "lawyer", "unsafe", "smoke", "rude", "helpful", "thanks",
    "amazing", "love", "worst", "terrible", "broken", "missing", "lost", "waiting", "hold",
    "vuelo", "maleta", "retraso", "reembolso", "gracias", "vol", "remboursement", "bagage",
    "merci", "flug", "koffer", "verspätung", "danke", "voo", "mala", "atraso", "obrigado",
    "lisbon", "madrid", "berlin", "paris", "tokyo", "denver", "boston", "porto", "munich",
};
constexpr const char* kSyllables[] = {"ka", "ro", "mi", "tu", "ne", "sa", "lo", "vi", "da",
                                      "pe", "zo", "ri", "bu", "fe", "go", "ha", "ju", "ye"};
constexpr const char* kPlatforms[] = {"x", "mastodon", "reddit", "bluesky", "youtube", "appstore"};
constexpr const char* kLanguages[] = {"en", "es", "fr", "de", "pt", "ja"};

class RuleGenerator {
 public:
  explicit RuleGenerator(unsigned seed) : rng_(seed) {}

  // The i-th generated rule as a JSON object in `doc`'s allocator.
  rapidjson::Value rule(size_t i, bool score_fields, rapidjson::Document::AllocatorType& a) {
    using rapidjson::Value;
    Value when(rapidjson::kObjectType);
    switch (i % 6) {
      case 0:
        when.AddMember("keywords", strings(4, [&] { return word(); }, a), a);
        break;
      case 1:
        when.AddMember("phrases", strings(2, [&] { return word() + " " + word(); }, a), a);
        break;
      case 2:
        when.AddMember("regex", str(regex(), a), a);
        break;
      case 3: {
        Value all(rapidjson::kArrayType);
        all.PushBack(object("keywords", strings(3, [&] { return word(); }, a), a), a);
        all.PushBack(object("platform", strings(2, [&] { return std::string(pick(kPlatforms)); }, a), a), a);
        when.AddMember("all", all, a);
        break;
      }
      case 4: {
        Value any(rapidjson::kArrayType);
        any.PushBack(object("keywords", strings(3, [&] { return word(); }, a), a), a);
        any.PushBack(object("phrases", strings(1, [&] { return word() + " " + word(); }, a), a), a);
        when.AddMember("any", any, a);
        when.AddMember("language", str(pick(kLanguages), a), a);
        break;
      }
      default: {
        Value all(rapidjson::kArrayType);
        all.PushBack(object("keywords", strings(3, [&] { return word(); }, a), a), a);
        Value field(rapidjson::kObjectType);
        if (score_fields && below(2) == 0) {
          field.AddMember("field", "sentiment.compound", a);
          field.AddMember("lt", -0.05 * static_cast<double>(1 + below(10)), a);
        } else if (score_fields) {
          field.AddMember("field", "complaint_score", a);
          field.AddMember("gte", 0.1 * static_cast<double>(3 + below(7)), a);
        } else {
          field.AddMember("field", "author.followers", a);
          field.AddMember("gte", static_cast<int>(100 * (1 + below(1000))), a);
        }
        all.PushBack(field, a);
        when.AddMember("all", all, a);
        break;
      }
    }
    Value then(rapidjson::kObjectType);
    Value tags(rapidjson::kArrayType);
    tags.PushBack(str("topic-" + std::to_string(i), a), a);
    then.AddMember("tags", tags, a);
    if (below(4) == 0) {
      then.AddMember("category", rapidjson::StringRef(below(2) ? "complaint" : "question"), a);
      then.AddMember("priority", static_cast<int>(1 + below(3)), a);
      then.AddMember("queue", "care", a);
    }
    Value r(rapidjson::kObjectType);
    r.AddMember("name", str("generated-" + std::to_string(i), a), a);
    r.AddMember("when", when, a);
    r.AddMember("then", then, a);
    return r;
  }

 private:
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  template <typename T, size_t N>
  const T& pick(const T (&items)[N]) { return items[below(static_cast<uint32_t>(N))]; }

  // One word in three is a real care word; the rest are made-up product and campaign names.
  std::string word() {
    if (below(3) == 0) return pick(kWords);
    std::string w;
    for (uint32_t k = 0, n = 2 + below(3); k < n; ++k) w += pick(kSyllables);
    return w;
  }

  std::string regex() {
    switch (below(4)) {
      case 0: return "\\b" + word() + "\\w{0,3}\\b";
      case 1: return "(?:" + word() + "|" + word() + ")\\s+(?:" + word() + "|" + word() + ")";
      case 2: return word() + "[\\s#-]*\\d{" + std::to_string(4 + below(5)) + "}";
      default: return "\\b" + word() + "\\b.{0,30}\\b" + word() + "\\b";
    }
  }

  static rapidjson::Value str(const std::string& s, rapidjson::Document::AllocatorType& a) {
    rapidjson::Value v;
    v.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
    return v;
  }
  static rapidjson::Value object(const char* key, rapidjson::Value value,
                                 rapidjson::Document::AllocatorType& a) {
    rapidjson::Value o(rapidjson::kObjectType);
    o.AddMember(rapidjson::StringRef(key), value, a);
    return o;
  }
  rapidjson::Value strings(size_t n, const std::function<std::string()>& make,
                           rapidjson::Document::AllocatorType& a) {
    rapidjson::Value arr(rapidjson::kArrayType);
    for (size_t k = 0; k < n; ++k) arr.PushBack(str(make(), a), a);
    return arr;
  }

  std::mt19937 rng_;
};

// The default rules plus generated ones up to `total` rules, loaded through RuleSet's loader.
std::shared_ptr<const RuleSet> build_rule_set(size_t total, bool score_fields, size_t& generated,
                                              std::string& error) {
  rapidjson::Document doc;
  const std::string_view defaults = default_rules_json();
  doc.Parse<rapidjson::kParseCommentsFlag>(defaults.data(), defaults.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("rules") || !doc["rules"].IsArray()) {
    error = "the built-in default rules are not a JSON object with a \"rules\" array";
    return nullptr;
  }
  auto& a = doc.GetAllocator();
  rapidjson::Value& list = doc["rules"];
  RuleGenerator gen(7);
  generated = 0;
  while (list.Size() < total) list.PushBack(gen.rule(generated++, score_fields, a), a);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return RuleSet::load_json(std::string_view(buf.GetString(), buf.GetSize()), "bench rules", error);
}

// ---------------------------------------------------------------------------------------------

struct Timing {
  std::string name;
  double seconds = 0;
  size_t count = 0;
};

void print_timing(std::ostream& out, const Timing& t, const std::string& note = {}) {
  const double per_s = t.seconds > 0 ? static_cast<double>(t.count) / t.seconds : 0;
  const double us = t.count ? t.seconds * 1e6 / static_cast<double>(t.count) : 0;
  out << "  " << std::left << std::setw(16) << t.name << std::right << std::setw(12)
      << static_cast<long long>(per_s) << " mentions/s " << std::setw(9) << std::fixed
      << std::setprecision(2) << us << " us/mention" << (note.empty() ? "" : "   " + note) << "\n";
}

// Times `fn(mention)` over `n` mentions, cycling through `pool`.
template <typename Fn>
Timing time_part(const std::string& name, const std::vector<Mention>& pool, size_t n, Fn&& fn) {
  const auto start = Clock::now();
  for (size_t i = 0; i < n; ++i) fn(pool[i % pool.size()]);
  return {name, seconds_since(start), n};
}

// How many mentions the daemon and `carewatch classify` decide at a time.
constexpr size_t kDecideBatch = RuleSet::kBatch;
const std::string kDecideBatchNote =
    "(the same, " + std::to_string(kDecideBatch) + " mentions at a time, as the daemon and classify decide)";

// Times RuleSet::decide of batches of `batch` mentions (as the daemon and `carewatch classify`
// decide) over `n` mentions, cycling through `pool`.
Timing time_batches(const std::string& name, const std::vector<Mention>& pool, size_t n, size_t batch,
                    const RuleSet& rules, double& sink) {
  std::vector<const Mention*> in(batch);
  std::vector<Decision> out(batch);
  const auto start = Clock::now();
  for (size_t i = 0; i < n;) {
    const size_t k = std::min(batch, n - i);
    for (size_t j = 0; j < k; ++j) in[j] = &pool[(i + j) % pool.size()];
    rules.decide(std::span<const Mention* const>(in).first(k), std::span<Decision>(out).first(k));
    sink += out[0].priority;
    i += k;
  }
  return {name, seconds_since(start), n};
}

// ---------------------------------------------------------------------------------------------
// NLTK's VADER on the same texts, in a python3 child process; only its scoring loop is timed.

constexpr const char* kNltkScript = R"py(import sys, time
try:
    import nltk
    from nltk.sentiment.vader import SentimentIntensityAnalyzer
except ImportError as e:
    print("missing", e)
    sys.exit(3)
lexicon, texts_path, scores_path = sys.argv[1:4]
sia = SentimentIntensityAnalyzer(lexicon_file="file:" + lexicon)
with open(texts_path, encoding="utf-8", errors="replace") as f:
    texts = f.read().split("\n")
if texts and texts[-1] == "":
    texts.pop()
start = time.perf_counter()
scores = [sia.polarity_scores(t)["compound"] for t in texts]
elapsed = time.perf_counter() - start
with open(scores_path, "w") as f:
    f.write("\n".join(repr(s) for s in scores))
print("ok", len(texts), elapsed, nltk.__version__)
)py";

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "carewatch-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data())) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

bool write_file(const std::filesystem::path& p, std::string_view content) {
  std::ofstream f(p, std::ios::binary);
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  return static_cast<bool>(f);
}

// Runs `python` on the script; returns its exit status and first stdout line.
int run_python(const std::string& python, const TempDir& dir, std::string& line) {
  const auto q = [](const std::filesystem::path& p) { return "'" + p.string() + "'"; };
  const std::string cmd = python + " " + q(dir.path / "vader_nltk.py") + " " +
                          q(dir.path / "vader_lexicon.txt") + " " + q(dir.path / "texts.txt") +
                          " " + q(dir.path / "nltk_scores.txt") + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::array<char, 512> buf{};
  line.clear();
  if (fgets(buf.data(), static_cast<int>(buf.size()), p)) line = buf.data();
  while (fgets(buf.data(), static_cast<int>(buf.size()), p)) {
  }
  const int status = pclose(p);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void compare_nltk(const std::vector<Mention>& pool, const rules::SentimentAnalyzer& analyzer,
                  std::ostream& out) {
  TempDir dir;
  if (dir.path.empty()) {
    out << "NLTK comparison skipped: cannot create a temporary directory\n";
    return;
  }
  // NLTK's loader reads every line as "token<TAB>valence...": no blank lines.
  std::string lexicon(kVaderLexicon);
  while (!lexicon.empty() && (lexicon.back() == '\n' || lexicon.back() == '\r')) lexicon.pop_back();
  std::string texts;
  for (const Mention& m : pool) texts += m.text + "\n";
  if (!write_file(dir.path / "vader_nltk.py", kNltkScript) ||
      !write_file(dir.path / "vader_lexicon.txt", lexicon) ||
      !write_file(dir.path / "texts.txt", texts)) {
    out << "NLTK comparison skipped: cannot write to " << dir.path.string() << "\n";
    return;
  }

  // The same texts through carewatch's sentiment, timed the same way (scoring loop only).
  std::vector<double> ours(pool.size());
  const auto start = Clock::now();
  for (size_t i = 0; i < pool.size(); ++i) ours[i] = analyzer.score(pool[i].text).compound;
  const double our_seconds = seconds_since(start);

  // $CAREWATCH_PYTHON if set; else python3 on PATH, then Debian's system python3 (where the
  // python3-nltk package installs) in case PATH leads to another interpreter without nltk.
  std::vector<std::string> pythons;
  if (const char* env = std::getenv("CAREWATCH_PYTHON"); env && *env) pythons.push_back(env);
  else pythons = {"python3", "/usr/bin/python3"};
  std::string line, used;
  int status = -1;
  for (const std::string& py : pythons) {
    status = run_python(py, dir, line);
    used = py;
    if (status == 0) break;
  }
  if (status != 0 || line.rfind("ok ", 0) != 0) {
    out << "NLTK comparison skipped: "
        << (status == 3 ? "python3 has no nltk (Debian: apt-get install python3-nltk)"
                        : "python3 with nltk not found or failed (tried " + std::to_string(pythons.size()) +
                              " interpreter(s); set CAREWATCH_PYTHON)")
        << "\n";
    return;
  }
  std::istringstream fields(line.substr(3));
  size_t count = 0;
  double nltk_seconds = 0;
  std::string version;
  fields >> count >> nltk_seconds >> version;
  std::ifstream scores_file(dir.path / "nltk_scores.txt");
  std::vector<double> theirs;
  for (double s; scores_file >> s;) theirs.push_back(s);

  const double ours_per_s = our_seconds > 0 ? static_cast<double>(pool.size()) / our_seconds : 0;
  const double nltk_per_s = nltk_seconds > 0 ? static_cast<double>(count) / nltk_seconds : 0;
  out << "NLTK VADER (nltk " << version << ", " << used << "), same " << count << " texts, same lexicon:\n"
      << "  nltk           " << std::setw(12) << static_cast<long long>(nltk_per_s) << " texts/s\n"
      << "  carewatch      " << std::setw(12) << static_cast<long long>(ours_per_s) << " texts/s\n"
      << "  ratio carewatch/nltk: " << std::setprecision(1) << std::fixed
      << (nltk_per_s > 0 ? ours_per_s / nltk_per_s : 0) << "x\n";
  if (theirs.size() == ours.size() && !ours.empty()) {
    double abs_sum = 0;
    size_t close = 0;
    for (size_t i = 0; i < ours.size(); ++i) {
      const double d = std::fabs(ours[i] - theirs[i]);
      abs_sum += d;
      close += d <= 0.05;
    }
    out << "  compound agreement: mean |difference| " << std::setprecision(4)
        << abs_sum / static_cast<double>(ours.size()) << ", within 0.05 on " << std::setprecision(1)
        << 100.0 * static_cast<double>(close) / static_cast<double>(ours.size())
        << "% of texts (nltk's VADER has no emoji lexicon)\n";
  }
}

}  // namespace

int run_bench_classify(const BenchClassifyOptions& options, std::ostream& out, std::ostream& err) {
  if (options.mentions == 0) {
    err << "bench classify: --mentions must be at least 1\n";
    return 2;
  }
  std::string error;
  const size_t distinct = std::min(options.mentions, kMaxDistinct);
  std::vector<Mention> pool = make_mentions(distinct, error);
  if (pool.empty()) {
    err << "bench classify: " << (error.empty() ? "no synthetic mentions" : error) << "\n";
    return 1;
  }
  size_t text_bytes = 0;
  for (const Mention& m : pool) text_bytes += m.text.size();

  // A rule set of N rules whose generated rules test words, patterns, platform, language,
  // author and, where the rules language has them, sentiment.compound and complaint_score.
  size_t generated = 0;
  std::string score_error;
  auto ruleset = build_rule_set(options.rules, true, generated, score_error);
  const bool score_fields = ruleset != nullptr;
  if (!ruleset) ruleset = build_rule_set(options.rules, false, generated, error);
  if (!ruleset) {
    err << "bench classify: generated rule set does not load: " << error << "\n";
    return 1;
  }

  const auto analyzer = rules::SentimentAnalyzer::builtin();
  const auto model = rules::builtin_complaint_model();

  out << "carewatch bench classify: " << options.mentions << " mentions (" << pool.size()
      << " distinct synthetic texts, mean " << text_bytes / pool.size() << " bytes), "
      << ruleset->size() << " rules (" << ruleset->size() - generated << " default + "
      << generated << " generated), one thread\n";
  if (!score_fields) {
    out << "note: sentiment/complaint fields unavailable in rules (" << score_error
        << "); generated rules test author fields instead\n";
  }

  // Results are folded into a checksum so that no part can be optimised away.
  double sink = 0;
  const size_t n = options.mentions;
  std::vector<Timing> timings;
  // RuleSet::decide as it is: the rules, plus whatever scoring the decision itself carries
  // (sentiment, complaint score and its explanation, the language when the mention has none).
  timings.push_back(time_part("decide", pool, n, [&](const Mention& m) {
    sink += ruleset->decide(m).priority;
  }));
  // The same decisions, made stage by stage over batches (see RuleSet::decide of a batch).
  timings.push_back(time_batches("decide batch", pool, n, kDecideBatch, *ruleset, sink));
  if (options.decide_only) {
    print_timing(out, timings[0], "(RuleSet::decide: rules and the scores it carries)");
    print_timing(out, timings[1], kDecideBatchNote);
    return 0;
  }
  if (analyzer) {
    timings.push_back(time_part("sentiment", pool, n, [&](const Mention& m) {
      sink += analyzer->score(m.text).compound;
    }));
  }
  if (model) {
    timings.push_back(time_part("complaint model", pool, n, [&](const Mention& m) {
      sink += rules::complaint_score(*model, m.text);
    }));
    std::optional<size_t> label;
    for (const char* name : {"1", "complaint", "true", "yes"}) {
      if (!label) label = model->label_index(name);
    }
    if (label) {
      timings.push_back(time_part("model explain", pool, n, [&](const Mention& m) {
        sink += static_cast<double>(model->explain(m.text, *label, 5).size());
      }));
    }
  }
  timings.push_back(time_part("language", pool, n, [&](const Mention& m) {
    sink += static_cast<double>(rules::detect_language(m.text, m.language).code.size());
  }));
  timings.push_back(time_part("language CLD2", pool, n, [&](const Mention& m) {
    sink += static_cast<double>(rules::detect_language_cld2(m.text, m.language).code.size());
  }));

  // The whole decision for one mention: its language (the platform's tag as a hint), then
  // RuleSet::decide. Only the language of a mention changes, so it is set in place (and put
  // back afterwards) rather than copying the mention; the tallies are cheap to keep, so the
  // timing is the language detection and the decision.
  std::array<size_t, static_cast<size_t>(Category::ignore) + 1> categories{};
  std::map<std::string, size_t, std::less<>> languages;
  std::vector<std::string> platform_language(pool.size());
  for (size_t i = 0; i < pool.size(); ++i) platform_language[i] = pool[i].language;
  {
    const auto start = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      const size_t k = i % pool.size();
      Mention& m = pool[k];
      m.language = platform_language[k];
      const rules::DetectedLanguage lang = rules::detect_language(m.text, m.language);
      if (!lang.code.empty() && lang.reliable) m.language = lang.code;
      const Decision d = ruleset->decide(m);
      sink += d.priority;
      ++categories[static_cast<size_t>(d.category)];
      const std::string_view code = lang.code.empty() ? std::string_view("unknown") : std::string_view(lang.code);
      auto it = languages.find(code);
      if (it == languages.end()) it = languages.emplace(std::string(code), 0).first;
      ++it->second;
    }
    timings.push_back({"all", seconds_since(start), n});
  }
  for (size_t i = 0; i < pool.size(); ++i) pool[i].language = std::move(platform_language[i]);

  out << "single-thread throughput:\n";
  for (const Timing& t : timings) {
    const char* note = t.name == "decide"          ? "(RuleSet::decide: rules and the scores it carries)"
                       : t.name == "decide batch"  ? kDecideBatchNote.c_str()
                       : t.name == "all"           ? "(language detection + RuleSet::decide)"
                       : t.name == "language"      ? "(plainly English text without CLD2, the rest CLD2)"
                       : t.name == "language CLD2" ? "(CLD2 on every text)"
                                                   : "";
    print_timing(out, t, note);
  }
  if (!analyzer) out << "  sentiment: no built-in analyzer\n";
  if (!model) out << "  complaint model: no built-in model\n";
  out << "decisions:";
  std::map<std::string, size_t> by_name;  // in the order printed before: by category name
  for (size_t c = 0; c < categories.size(); ++c)
    if (categories[c] > 0) by_name[to_string(static_cast<Category>(c))] = categories[c];
  for (const auto& [name, count] : by_name) {
    out << " " << name << " " << std::setprecision(1) << std::fixed
        << 100.0 * static_cast<double>(count) / static_cast<double>(n) << "%";
  }
  out << "\nlanguages:";
  for (const auto& [name, count] : languages) {
    out << " " << name << " " << std::setprecision(1) << std::fixed
        << 100.0 * static_cast<double>(count) / static_cast<double>(n) << "%";
  }
  // How much the cheap English pass decides, and whether CLD2 would have said the same.
  size_t plain = 0, agreed = 0;
  for (const Mention& m : pool) {
    if (!rules::plainly_english(m.text)) continue;
    ++plain;
    if (rules::detect_language_cld2(m.text).code == "en") ++agreed;
  }
  out << "\nplainly English (no CLD2): " << std::setprecision(1) << std::fixed
      << 100.0 * static_cast<double>(plain) / static_cast<double>(std::max<size_t>(pool.size(), 1))
      << "% of distinct texts; CLD2 says \"en\" for " << agreed << " of those " << plain;
  out << "\npeak RSS: " << std::setprecision(1) << std::fixed
      << static_cast<double>(peak_rss_kib()) / 1024.0 << " MiB (checksum " << std::setprecision(3)
      << sink << ")\n";

  if (options.compare_nltk) {
    if (analyzer) compare_nltk(pool, *analyzer, out);
    else out << "NLTK comparison skipped: no built-in sentiment analyzer\n";
  }
  return 0;
}

}  // namespace carewatch
