#include "rules/rule_set.h"

#include <algorithm>
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

std::string ascii_lower(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

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

// The rule set as loaded: immutable, so any number of threads may call decide() at once.
//
// Cost per mention: one scan of the text by the multi-pattern matcher, then per rule a test of
// its gate bits (the text slots one of which must be hit for it to hold); only rules whose gate
// passes evaluate their condition tree. A thousand keyword rules cost a thousand bit tests.
class CompiledRuleSet final : public RuleSet {
 public:
  explicit CompiledRuleSet(rules::CompiledRules compiled) : c_(std::move(compiled)), scorer_(c_.models) {
    gates_.resize(c_.rules.size());
    for (size_t i = 0; i < c_.rules.size(); ++i) {
      std::vector<uint32_t> g;
      if (text_gate(c_.rules[i].when, g)) {
        std::sort(g.begin(), g.end());
        g.erase(std::unique(g.begin(), g.end()), g.end());
        gates_[i] = std::move(g);
      }
    }
  }

  Decision decide(const Mention& m) const override {
    // Everything about the text is computed once; rules then only test bits and numbers.
    const rules::TextTokens tokens(m.text);
    rules::SlotBits hits(c_.matcher.slots());
    c_.matcher.match(m.text, tokens, hits);
    rules::TextScores scores;
    std::vector<WordWeight> complaint_words;
    scorer_.score(m.text, kComplaintWords, scores, complaint_words);
    const rules::Features features = rules::compute_features(m, tokens, scores);

    Decision d = c_.defaults;
    d.scored = true;
    d.sentiment = scores.sentiment;
    d.complaint_score = scores.complaint;
    d.language = rules::TextScorer::language(m);
    d.explain.base_category = rules::base_category(c_.base, scores.complaint, scores.sentiment.compound,
                                                   rules::asks_question(m.text, tokens));
    if (c_.auto_category) d.category = d.explain.base_category;

    // Priority actions are recorded, not applied: the formula needs the tags of every rule that
    // fires, and rule actions apply after it (the last "priority" set, then later escalations).
    std::optional<int> set_priority;
    int escalate = 0;
    rules::EvalContext ctx{hits, features, ascii_lower(m.platform), ascii_lower(d.language),
                           ascii_lower(m.source), d.category, false};
    for (size_t r = 0; r < c_.rules.size(); ++r) {
      const rules::Rule& rule = c_.rules[r];
      if (const auto& gate = gates_[r]; !gate.empty() &&
          std::none_of(gate.begin(), gate.end(), [&](uint32_t slot) { return hits.test(slot); }))
        continue;
      ctx.category = d.category;
      if (!rule.when.holds(ctx)) continue;
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
      for (const auto& t : a.tags)
        if (std::find(d.tags.begin(), d.tags.end(), t) == d.tags.end()) d.tags.push_back(t);
      escalate += a.escalate;
      if (a.stop) break;
    }

    int start = c_.defaults.priority;
    if (c_.priority) {
      d.explain.priority = rules::score_priority(*c_.priority, scores.complaint, scores.sentiment.compound,
                                                 m.author.followers, m.author.verified, d.tags);
      start = d.explain.priority.priority;
    }
    d.priority = std::max(0, (set_priority ? *set_priority : start) - escalate);
    if (d.category == Category::ignore) d.queue.clear();  // ignored mentions are never routed

    d.explain.complaint_words = std::move(complaint_words);
    const auto& fields = scorer_.model_fields();
    d.explain.models.reserve(fields.size());
    for (size_t i = 0; i < fields.size() && i < scores.models.size(); ++i)
      d.explain.models.push_back({fields[i], scores.models[i]});
    return d;
  }

  size_t size() const override { return c_.rules.size(); }

 private:
  static constexpr size_t kComplaintWords = 5;
  const rules::CompiledRules c_;
  const rules::TextScorer scorer_;
  std::vector<std::vector<uint32_t>> gates_;  // per rule; empty = always evaluate
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
