#include "rules/rule_set.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "rules/classifier.h"
#include "rules/condition.h"
#include "rules/features.h"
#include "rules/priority.h"
#include "rules/rule_parser.h"
#include "rules/text_tokens.h"

namespace carewatch {

namespace {

// `s` in ASCII lowercase: `s` itself when it has no capitals (platforms, sources and language
// codes usually have none), else a copy in `out` (whose memory is reused).
std::string_view ascii_lower(const std::string& s, std::string& out) {
  if (std::none_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) return s;
  out.assign(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Texts up to this size are tokenized into a thread's reused buffers; a longer one gets its own,
// so that one huge text does not pin memory for the thread's lifetime.
constexpr size_t kReusedTextBytes = 64 * 1024;

// Mentions decided stage by stage at a time (RuleSet::decide of a batch).
constexpr size_t kChunk = RuleSet::kBatch;

// Per-thread working memory of decide(): after the first few mentions, deciding allocates only
// what the returned Decision holds.
struct Scratch {
  rules::TextTokens tokens;
  std::array<rules::TextScores, kChunk> scores;
  std::array<std::vector<WordWeight>, kChunk> words;  // moved into each decision
  std::array<rules::SlotBits, kChunk> hits;
  std::array<std::string, kChunk> languages;          // moved into each decision
  std::vector<uint64_t> candidates;  // one bit per rule
  std::string platform, language, source;
};

// Text slots of which at least one must be hit for `c` to hold (its "gate"); false when the
// condition can hold without any text hit (then the rule is always evaluated).
bool text_gate(const rules::Condition& c, std::vector<uint32_t>& gate) {
  using Kind = rules::Condition::Kind;
  switch (c.kind) {
    case Kind::text:
      gate.push_back(c.slot);
      return true;
    case Kind::all: {
      // Any one child's gate is necessary; take the narrowest.
      std::optional<std::vector<uint32_t>> best;
      for (const auto& child : c.children) {
        std::vector<uint32_t> g;
        if (text_gate(child, g) && (!best || g.size() < best->size())) best = std::move(g);
      }
      if (!best) return false;
      gate.insert(gate.end(), best->begin(), best->end());
      return true;
    }
    case Kind::any: {
      std::vector<uint32_t> all;
      for (const auto& child : c.children)
        if (!text_gate(child, all)) return false;
      gate.insert(gate.end(), all.begin(), all.end());
      return true;
    }
    default:
      return false;
  }
}

// True if `c` holds exactly when one of its text gate's slots is hit (a text condition, or "any"
// of such): then a rule that is a candidate holds, without evaluating it.
bool is_its_gate(const rules::Condition& c) {
  using Kind = rules::Condition::Kind;
  if (c.kind == Kind::text) return true;
  return c.kind == Kind::any && std::all_of(c.children.begin(), c.children.end(), is_its_gate);
}

// The rule set as loaded: immutable, so any number of threads may call decide() at once.
//
// Cost per mention: one scan of the text by the multi-pattern matcher, then the rules that can
// hold: a rule's gate is the set of text slots one of which must be hit for it to hold, so the
// candidates are the ungated rules plus the rules gated on the slots this text hit (an inverted
// index slot -> rules). Only candidates evaluate their condition tree, in rule order; a thousand
// keyword rules of which three can fire cost three evaluations, not a thousand tests.
class CompiledRuleSet final : public RuleSet {
 public:
  explicit CompiledRuleSet(rules::CompiledRules compiled) : c_(std::move(compiled)), scorer_(c_.models) {
    const size_t n = c_.rules.size();
    always_.assign((n + 63) / 64, 0);
    check_.reserve(n);
    std::vector<std::vector<uint32_t>> by_slot(c_.matcher.slots());
    for (size_t i = 0; i < n; ++i) {
      const rules::Condition& when = c_.rules[i].when;
      std::vector<uint32_t> g;
      if (!text_gate(when, g) || g.empty()) {
        always_[i / 64] |= uint64_t{1} << (i % 64);
        check_.push_back(program_.add(when));
        continue;
      }
      std::sort(g.begin(), g.end());
      g.erase(std::unique(g.begin(), g.end()), g.end());
      for (uint32_t slot : g) by_slot[slot].push_back(static_cast<uint32_t>(i));
      // A rule whose gate decides needs no condition of its own in the program.
      check_.push_back(is_its_gate(when) ? kGateDecides : program_.add(when));
    }
    // Which tags are urgent is known per rule once, not looked up per mention.
    if (c_.priority) {
      defaults_urgent_ = rules::has_urgent_tag(*c_.priority, c_.defaults.tags);
      urgent_rule_.reserve(n);
      for (const rules::Rule& rule : c_.rules) urgent_rule_.push_back(rules::has_urgent_tag(*c_.priority, rule.then.tags));
    } else {
      urgent_rule_.assign(n, 0);
    }
    gated_at_.reserve(by_slot.size() + 1);
    gated_at_.push_back(0);
    for (const auto& rules : by_slot) {
      gated_.insert(gated_.end(), rules.begin(), rules.end());
      gated_at_.push_back(static_cast<uint32_t>(gated_.size()));
    }
  }

  Decision decide(const Mention& m) const override {
    Decision d;
    const Mention* one = &m;
    decide(std::span<const Mention* const>(&one, 1), std::span<Decision>(&d, 1));
    return d;
  }

  void decide(std::span<const Mention* const> batch, std::span<Decision> out) const override {
    thread_local Scratch scratch;
    Scratch& s = scratch;
    for (size_t start = 0; start < batch.size(); start += kChunk) {
      const size_t n = std::min(kChunk, batch.size() - start);
      const Mention* const* ms = batch.data() + start;
      // Stage by stage: what a stage reads (the lexicon, the model's table, the regexes' DFA,
      // CLD2's tables) is still in the cache for the next mention.
      for (size_t i = 0; i < n; ++i) scorer_.score_sentiment(ms[i]->text, s.scores[i]);
      for (size_t i = 0; i < n; ++i) scorer_.score_complaint(ms[i]->text, kComplaintWords, s.scores[i], s.words[i]);
      for (size_t i = 0; i < n; ++i) scorer_.score_models(ms[i]->text, s.scores[i]);
      for (size_t i = 0; i < n; ++i) {
        s.hits[i].reset(c_.matcher.slots());
        c_.matcher.match_regexes(ms[i]->text, s.hits[i]);
      }
      for (size_t i = 0; i < n; ++i) s.languages[i] = rules::TextScorer::language(*ms[i]);
      for (size_t i = 0; i < n; ++i) out[start + i] = finish(*ms[i], i, s);
    }
  }

  size_t size() const override { return c_.rules.size(); }

  const char* sentiment_band(const Decision& d) const override {
    return d.scored ? rules::sentiment_band(c_.base, d.sentiment.compound) : "unknown";
  }

 private:
  // The rest of a decision, once the text's scores and regex hits are known: the words matched,
  // the features, the language, the rules in order, the priority and the explanation.
  // `at`: the mention's place in the scratch's stage results.
  Decision finish(const Mention& m, size_t at, Scratch& scratch) const {
    const rules::TextScores& scores = scratch.scores[at];
    rules::SlotBits& hits = scratch.hits[at];
    // Everything about the text is computed once; rules then only test bits and numbers.
    std::optional<rules::TextTokens> own_tokens;
    if (m.text.size() > kReusedTextBytes) own_tokens.emplace(m.text);
    else scratch.tokens.assign(m.text);
    const rules::TextTokens& tokens = own_tokens ? *own_tokens : scratch.tokens;
    c_.matcher.match_words(tokens, hits);
    const rules::Features features = rules::compute_features(m, tokens, scores);

    Decision d = c_.defaults;
    d.scored = true;
    d.sentiment = scores.sentiment;
    d.complaint_score = scores.complaint;
    d.language = std::move(scratch.languages[at]);
    d.explain.base_category = rules::base_category(c_.base, scores.complaint, scores.sentiment.compound,
                                                   rules::asks_question(m.text, tokens));
    if (c_.auto_category) d.category = d.explain.base_category;

    // The rules that can hold: the ungated ones and those gated on a slot this text hit.
    std::vector<uint64_t>& candidates = scratch.candidates;
    candidates.assign(always_.begin(), always_.end());
    hits.for_each_set([&](uint32_t slot) {
      for (uint32_t k = gated_at_[slot]; k < gated_at_[slot + 1]; ++k)
        candidates[gated_[k] / 64] |= uint64_t{1} << (gated_[k] % 64);
    });

    // Priority actions are recorded, not applied: the formula needs the tags of every rule that
    // fires, and rule actions apply after it (the last "priority" set, then later escalations).
    std::optional<int> set_priority;
    int escalate = 0;
    rules::EvalContext ctx{hits,
                           features,
                           ascii_lower(m.platform, scratch.platform),
                           ascii_lower(d.language, scratch.language),
                           ascii_lower(m.source, scratch.source),
                           d.category,
                           false};
    bool stop = false;
    bool urgent = defaults_urgent_;  // a tag so far is one of the priority formula's urgent tags
    d.rules.reserve(kReservedNames);  // one allocation for the usual few names, not one per growth
    for (size_t w = 0; w < candidates.size() && !stop; ++w) {
      for (uint64_t bits = candidates[w]; bits != 0 && !stop; bits &= bits - 1) {
        const size_t r = w * 64 + static_cast<size_t>(__builtin_ctzll(bits));
        const rules::Rule& rule = c_.rules[r];
        ctx.category = d.category;
        if (check_[r] != kGateDecides && !program_.holds(check_[r], ctx)) continue;
        d.rules.push_back(rule.name);
        const rules::Actions& a = rule.then;
        if (a.category) {
          d.category = *a.category;
          ctx.category_by_rule = true;
        }
        if (a.priority) {
          set_priority = *a.priority;
          escalate = 0;
        }
        if (a.queue) d.queue = *a.queue;
        if (!a.tags.empty() && d.tags.capacity() == 0) d.tags.reserve(kReservedNames);
        urgent = urgent || urgent_rule_[r];
        for (const auto& t : a.tags)
          if (std::find(d.tags.begin(), d.tags.end(), t) == d.tags.end()) d.tags.push_back(t);
        escalate += a.escalate;
        stop = a.stop;
      }
    }

    int start = c_.defaults.priority;
    if (c_.priority) {
      d.explain.priority = rules::score_priority(*c_.priority, scores.complaint, scores.sentiment.compound,
                                                 m.author.followers, m.author.verified, urgent);
      start = d.explain.priority.priority;
    }
    d.priority = std::max(0, (set_priority ? *set_priority : start) - escalate);
    if (d.category == Category::ignore) d.queue.clear();  // ignored mentions are never routed

    d.explain.complaint_words = std::move(scratch.words[at]);
    const auto& fields = scorer_.model_fields();
    d.explain.models.reserve(fields.size());
    for (size_t i = 0; i < fields.size() && i < scores.models.size(); ++i)
      d.explain.models.push_back({fields[i], scores.models[i]});
    return d;
  }

  static constexpr size_t kComplaintWords = 5;
  static constexpr size_t kReservedNames = 4;  // rule names and tags a decision usually holds
  const rules::CompiledRules c_;
  const rules::TextScorer scorer_;
  std::vector<uint64_t> always_;    // one bit per rule: no text gate, always evaluated
  std::vector<uint32_t> gated_;     // rules gated on each slot, slot by slot, in rule order
  std::vector<uint32_t> gated_at_;  // slot s's rules are gated_[gated_at_[s] .. gated_at_[s + 1])
  rules::ConditionProgram program_;  // every rule's condition, flat
  // Per rule: its condition's root in program_, or kGateDecides when being a candidate means it
  // holds (is_its_gate). One array: the loop over candidates reads one number per rule.
  std::vector<uint32_t> check_;
  static constexpr uint32_t kGateDecides = UINT32_MAX;
  std::vector<uint8_t> urgent_rule_;  // per rule: one of its tags is an urgent tag
  bool defaults_urgent_ = false;      // one of the default decision's tags is
};

}  // namespace

namespace {

std::shared_ptr<const RuleSet> load(std::string_view json, const std::string& origin, const std::string& base_dir,
                                    std::string& error) {
  rules::CompiledRules compiled;
  if (!rules::parse_rules(json, origin, compiled, error, base_dir)) return nullptr;
  return std::make_shared<const CompiledRuleSet>(std::move(compiled));
}

}  // namespace

std::shared_ptr<const RuleSet> RuleSet::load_json(std::string_view json, const std::string& origin,
                                                  std::string& error) {
  return load(json, origin, "", error);
}

std::shared_ptr<const RuleSet> RuleSet::load_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open: " + std::strerror(errno);
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = path + ": cannot read: " + std::strerror(errno);
    return nullptr;
  }
  return load(text.str(), path, std::filesystem::path(path).parent_path().string(), error);
}

}  // namespace carewatch
